package dev.javoy.e2e;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC service for end-to-end tests, without generated code: raw byte messages, one method per call kind.
 * <ul>
 *   <li>{@code Unary}: echoes; {@code fail} answers NOT_FOUND with no message (a trailers-only response);
 *       {@code sleep:<ms>} answers late.</li>
 *   <li>{@code Collect} (client streaming): the messages joined with commas.</li>
 *   <li>{@code Split} (server streaming): {@code a,b,c} becomes three messages; {@code forever} sends one
 *       every 20 ms until the call is cancelled.</li>
 *   <li>{@code Chat} (bidi): each message back in upper case.</li>
 * </ul>
 * Cancellations the server sees (the client went away or javoy reset the stream) count down {@link #cancelled}.
 */
final class EchoGrpcService {
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> COLLECT = method("Collect", MethodDescriptor.MethodType.CLIENT_STREAMING);
  static final MethodDescriptor<byte[], byte[]> SPLIT = method("Split", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

  volatile CountDownLatch cancelled = new CountDownLatch(1);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "grpc-test-timer");
    t.setDaemon(true);
    return t;
  });

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder("test.Echo")
        .addMethod(UNARY, ServerCalls.asyncUnaryCall(this::unary))
        .addMethod(COLLECT, ServerCalls.asyncClientStreamingCall(this::collect))
        .addMethod(SPLIT, ServerCalls.asyncServerStreamingCall(this::split))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(this::chat))
        .build();
  }

  private void watchCancel(StreamObserver<byte[]> out) {
    ((ServerCallStreamObserver<byte[]>) out).setOnCancelHandler(() -> cancelled.countDown());
  }

  private void unary(byte[] req, StreamObserver<byte[]> out) {
    watchCancel(out);
    String s = req.length < 64 ? text(req) : "";
    if (s.equals("fail")) {
      out.onError(Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
    } else if (s.startsWith("sleep:")) {
      timer.schedule(() -> {
        try {
          out.onNext(req);
          out.onCompleted();
        } catch (RuntimeException cancelledMeanwhile) {
          // the call was cancelled while sleeping
        }
      }, Long.parseLong(s.substring(6)), TimeUnit.MILLISECONDS);
    } else {
      out.onNext(req);
      out.onCompleted();
    }
  }

  private StreamObserver<byte[]> collect(StreamObserver<byte[]> out) {
    List<String> parts = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        parts.add(text(value));
      }

      @Override
      public void onError(Throwable t) {
        cancelled.countDown();
      }

      @Override
      public void onCompleted() {
        out.onNext(utf8(String.join(",", parts)));
        out.onCompleted();
      }
    };
  }

  private void split(byte[] req, StreamObserver<byte[]> out) {
    watchCancel(out);
    String s = text(req);
    if (s.equals("forever")) {
      ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
      Runnable[] tick = new Runnable[1];
      tick[0] = () -> {
        if (!call.isCancelled()) {
          call.onNext(utf8("tick"));
          timer.schedule(tick[0], 20, TimeUnit.MILLISECONDS);
        }
      };
      tick[0].run();
      return;
    }
    for (String part : s.split(",")) {
      out.onNext(utf8(part));
    }
    out.onCompleted();
  }

  private StreamObserver<byte[]> chat(StreamObserver<byte[]> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        out.onNext(utf8(text(value).toUpperCase()));
      }

      @Override
      public void onError(Throwable t) {
        cancelled.countDown();
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  void shutdown() {
    timer.shutdownNow();
  }
}
