package dev.javoy;

import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.log.LogLevels;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Process signals while serving: SIGTERM and SIGINT shut the server down gracefully (a second one: at once),
 * SIGUSR1 reopens the log file. Signals are handled through {@code sun.misc.Signal} (looked up reflectively, as
 * it is not a supported API); where that is unavailable or the JVM keeps a signal (e.g. {@code -Xrs}), a
 * shutdown hook still asks for a graceful shutdown.
 */
final class ShutdownSignals {
  private static final Logger LOG = Log.get("main");

  private ShutdownSignals() {}

  /**
   * @param shutdown called with {@code graceful}: true on the first SIGTERM/SIGINT, false on the next
   * @param awaitTermination blocks until the server has stopped (used by the shutdown-hook fallback)
   */
  static void install(Consumer<Boolean> shutdown, Runnable awaitTermination) {
    AtomicInteger received = new AtomicInteger();
    boolean handled = true;
    for (String name : new String[] {"TERM", "INT"}) {
      handled &= handle(name, () -> {
        boolean graceful = received.getAndIncrement() == 0;
        LOG.warning("caught SIG" + name + (graceful ? "" : " again: shutting down now"));
        Thread t = new Thread(() -> shutdown.accept(graceful), "javoy-shutdown");
        t.setDaemon(true);
        t.start();
      });
    }
    handle("USR1", () -> {
      LOG.info("caught SIGUSR1: reopening logs");
      try {
        LogLevels.reopen();
      } catch (IOException e) {
        LOG.warning("cannot reopen log file: " + e.getMessage());
      }
    });
    if (!handled) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        shutdown.accept(true);
        awaitTermination.run();
      }, "javoy-shutdown-hook"));
    }
  }

  /** Runs {@code action} on signal {@code name}; false when the signal cannot be handled here. */
  private static boolean handle(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(ShutdownSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            return method.getName().equals("toString") ? "javoy-" + name : method.invoke(proxy, args);
          });
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signal, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
