package dev.javoy.proxy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ports for tests that must name a port before the process that listens on it starts (javoy's bootstrap, a closed
 * port to connect to). A port is handed out at most once per test JVM, and only from below Linux's ephemeral range
 * (32768–60999 by default): the kernel never gives such a port to a bind to port 0 (javoy's admin on {@code
 * port_value: 0}, a backend's {@code new ServerSocket(0)}) nor to an outgoing connection, so a port this class chose
 * cannot be taken between the test choosing it and javoy binding it. (Asking the kernel for a free ephemeral port and
 * closing it, as the tests did, let two calls return the same port, and CI once failed on exactly that.)
 */
public final class TestPorts {
  private static final int FIRST = 20_000;
  private static final int COUNT = 12_000;
  /** Test JVMs running side by side (builds in parallel directories) start in different places of the range. */
  private static int next = (int) ((ProcessHandle.current().pid() * 7919L) % COUNT);
  private static int handedOut;

  private TestPorts() {
  }

  /** A port nobody listens on now and that this JVM has not handed out before. */
  public static synchronized int freePort() throws IOException {
    while (handedOut < COUNT) {
      int port = FIRST + next;
      next = (next + 1) % COUNT;
      handedOut++;
      if (bindable(port)) {
        return port;
      }
    }
    throw new IOException("no free port left in " + FIRST + "-" + (FIRST + COUNT - 1));
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
