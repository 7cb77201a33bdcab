package dev.javoy.xds;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.EventLoop;

/**
 * One bidirectional streaming call whose callbacks run on the client's event loop (the call's executor),
 * reading one message at a time. A call cancelled locally reports nothing more.
 */
final class GrpcCall<ReqT, RespT> {
  /** Callbacks of a call, on the event loop. */
  interface Handler<RespT> {
    /** The stream is established on a connected transport (first time only). */
    void onReady();

    void onMessage(RespT message);

    /** The call ended, by the server or by a transport failure. */
    void onClose(Status status);
  }

  private final ClientCall<ReqT, RespT> call;
  private boolean cancelled;

  private GrpcCall(ClientCall<ReqT, RespT> call) {
    this.call = call;
  }

  static <ReqT, RespT> GrpcCall<ReqT, RespT> start(Channel channel, MethodDescriptor<ReqT, RespT> method,
      EventLoop loop, Handler<RespT> handler) {
    ClientCall<ReqT, RespT> clientCall = channel.newCall(method, CallOptions.DEFAULT.withExecutor(loop));
    GrpcCall<ReqT, RespT> grpcCall = new GrpcCall<>(clientCall);
    clientCall.start(grpcCall.new Listener(handler), new Metadata());
    clientCall.request(1);
    return grpcCall;
  }

  void send(ReqT message) {
    if (!cancelled) {
      call.sendMessage(message);
    }
  }

  void cancel(String reason) {
    if (!cancelled) {
      cancelled = true;
      call.cancel(reason, null);
    }
  }

  private final class Listener extends ClientCall.Listener<RespT> {
    private final Handler<RespT> handler;
    private boolean readySeen;

    Listener(Handler<RespT> handler) {
      this.handler = handler;
    }

    @Override
    public void onReady() {
      if (!cancelled && !readySeen) {
        readySeen = true;
        handler.onReady();
      }
    }

    @Override
    public void onMessage(RespT message) {
      if (cancelled) {
        return;
      }
      handler.onMessage(message);
      if (!cancelled) {
        call.request(1);
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (!cancelled) {
        cancelled = true;
        handler.onClose(status);
      }
    }
  }
}
