package dev.javoy.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Pipe;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding from the bootstrap's {@code admin.address} on each transport: TCP and {@code pipe} sockets. */
class AdminTransportTest {
  @TempDir
  Path dir;

  private static String rawRequest(Path socket, String request) throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private void checkTransport(IoHandlerFactory io) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
    try {
      FakeAdminBackend backend = new FakeAdminBackend();
      AdminServer tcp = new AdminServer(backend, group);
      tcp.start(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
          .setPortValue(0)).build()).sync();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://" + tcp.localAddressString() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("LIVE\n", r.body());
      tcp.close().sync();

      Path socket = dir.resolve("admin-" + System.nanoTime() + ".sock");
      Files.writeString(socket, "stale"); // an old socket file is replaced
      AdminServer pipe = new AdminServer(backend, group);
      pipe.start(Address.newBuilder().setPipe(Pipe.newBuilder().setPath(socket.toString()).setMode(0600)).build())
          .sync();
      assertEquals(socket.toString(), pipe.localAddressString());
      String response = rawRequest(socket, "GET /ready HTTP/1.1\r\nhost: admin\r\nconnection: close\r\n\r\n");
      assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
      assertTrue(response.endsWith("\r\n\r\nLIVE\n"), response);
      String post = rawRequest(socket, "POST /healthcheck/fail HTTP/1.1\r\nhost: admin\r\ncontent-length: 0\r\n"
          + "connection: close\r\n\r\n");
      assertTrue(post.endsWith("OK\n"), post);
      assertTrue(backend.healthCheckFailed);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      pipe.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void nio() throws Exception {
    checkTransport(NioIoHandler.newFactory());
  }

  @Test
  void epoll() throws Exception {
    assumeTrue(Epoll.isAvailable(), "epoll is not available here");
    checkTransport(EpollIoHandler.newFactory());
  }

  @Test
  void rejectsAddressesEnvoyRejects() {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      AdminServer server = new AdminServer(new FakeAdminBackend(), group);
      assertThrows(IllegalArgumentException.class, () -> server.start(Address.newBuilder()
          .setSocketAddress(SocketAddress.newBuilder().setAddress("localhost").setPortValue(0)).build()));
      assertThrows(IllegalArgumentException.class, () -> server.start(Address.newBuilder()
          .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(0)
              .setProtocol(SocketAddress.Protocol.UDP)).build()));
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
