package dev.javoy.e2e;

import static dev.javoy.e2e.EchoGrpcService.text;
import static dev.javoy.e2e.EchoGrpcService.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC end to end through javoy (a separate process) over h2c: a grpc-java client on javoy's port, a grpc-java
 * server behind an HTTP/2 cluster. All four call kinds, an error returned as a trailers-only response, a
 * deadline that expires, client cancellation reaching the server, and 8 MiB messages both ways (HTTP/2 flow
 * control on both hops).
 */
class GrpcEndToEndTest {
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  @TempDir
  static Path dir;
  static EchoGrpcService service;
  static Server server;
  static JavoyProcess javoy;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    service = new EchoGrpcService();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(MAX_MESSAGE).addService(service.definition()).build().start();
    int admin = JavoyProcess.freePort();
    int grpcPort = JavoyProcess.freePort();
    Path config = ConfigTemplate.render("/e2e/grpc.yaml", Map.of("ADMIN", Integer.toString(admin),
        "GRPC", Integer.toString(grpcPort), "BACKEND", Integer.toString(server.getPort())), dir);
    javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "2", "-l", "info");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
        .maxInboundMessageSize(MAX_MESSAGE).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (javoy != null) {
      javoy.close();
    }
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    service.shutdown();
  }

  @Test
  void unary() throws Exception {
    byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY, CallOptions.DEFAULT, utf8("hello"));
    assertEquals("hello", text(reply));
    assertTrue(ConfigTemplate.stat(javoy, "http.grpc.downstream_rq_http2_total") >= 1);
    assertTrue(ConfigTemplate.stat(javoy, "cluster.grpc_backend.upstream_cx_http2_total") >= 1);
  }

  @Test
  void clientStreaming() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
        channel.newCall(EchoGrpcService.COLLECT, CallOptions.DEFAULT), observer(result));
    for (String s : List.of("a", "b", "c", "d")) {
      requests.onNext(utf8(s));
    }
    requests.onCompleted();
    assertEquals("a,b,c,d", result.get(10, TimeUnit.SECONDS));
  }

  @Test
  void serverStreaming() {
    Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, EchoGrpcService.SPLIT,
        CallOptions.DEFAULT, utf8("x,y,z"));
    List<String> got = new ArrayList<>();
    it.forEachRemaining(b -> got.add(text(b)));
    assertEquals(List.of("x", "y", "z"), got);
  }

  @Test
  void bidiStreaming() throws Exception {
    LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
        channel.newCall(EchoGrpcService.CHAT, CallOptions.DEFAULT), new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            replies.add(text(value));
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    for (String s : List.of("ping", "pong", "done")) {
      requests.onNext(utf8(s));
      assertEquals(s.toUpperCase(), replies.poll(10, TimeUnit.SECONDS), "interleaved reply to " + s);
    }
    requests.onCompleted();
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void errorComesBackAsTrailersOnlyResponse() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY, CallOptions.DEFAULT, utf8("fail")));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals("no such thing", e.getStatus().getDescription());
  }

  @Test
  void expiredDeadlineCancelsTheServerCall() throws Exception {
    service.cancelled = new CountDownLatch(1);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
        ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY,
            CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), utf8("sleep:5000")));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(service.cancelled.await(5, TimeUnit.SECONDS), "the server saw the call cancelled");
  }

  @Test
  void clientCancellationResetsTheUpstreamStream() throws Exception {
    service.cancelled = new CountDownLatch(1);
    CountDownLatch twoTicks = new CountDownLatch(2);
    ClientCall<byte[], byte[]> call = channel.newCall(EchoGrpcService.SPLIT, CallOptions.DEFAULT);
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        twoTicks.countDown();
        call.request(1);
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(utf8("forever"));
    call.halfClose();
    assertTrue(twoTicks.await(10, TimeUnit.SECONDS), "the stream is flowing");
    call.cancel("test cancels", null);
    assertTrue(service.cancelled.await(5, TimeUnit.SECONDS), "javoy reset the upstream stream");
  }

  @Test
  void eightMebibyteMessagesBothWays() {
    byte[] big = new byte[8 * 1024 * 1024];
    new Random(42).nextBytes(big);
    byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoGrpcService.UNARY,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), big);
    assertArrayEquals(big, reply);
  }

  private static StreamObserver<byte[]> observer(CompletableFuture<String> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        result.complete(text(value));
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        result.complete(null);
      }
    };
  }
}
