package dev.javoy.proxy.http.h2;

import dev.javoy.proxy.network.DrainEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;

/**
 * {@code codec_type: AUTO} on a cleartext connection (Envoy's {@code determineNextProtocol}): the first bytes
 * decide. If they start with the HTTP/2 client preface ({@code PRI * HTTP/2}, prior-knowledge h2c) the
 * connection speaks HTTP/2, otherwise HTTP/1.1. The chosen protocol's handlers are installed after this one,
 * which then hands them the bytes read so far and leaves the pipeline.
 */
public final class Http2PrefaceDetector extends ChannelInboundHandlerAdapter {
  /** What the connection manager does once the protocol is known, or when the connection ends before. */
  public interface ProtocolInstaller {
    /** Installs the handlers of the chosen protocol after the detector, at the end of the pipeline. */
    void install(ChannelHandlerContext detector, boolean http2);

    /** The connection idled out or is drained before it sent a byte; it is closed after this. */
    void closingBeforeData(boolean idle);
  }

  private static final byte[] PREFIX = "PRI * HTTP/2".getBytes(StandardCharsets.US_ASCII);

  private final ProtocolInstaller installer;
  private ByteBuf buffered;

  public Http2PrefaceDetector(ProtocolInstaller installer) {
    this.installer = installer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (buffered != null) {
      buffered.writeBytes(in);
      in.release();
      in = buffered;
      buffered = null;
    }
    int n = Math.min(in.readableBytes(), PREFIX.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFIX[i]) {
        choose(ctx, false, in);
        return;
      }
    }
    if (n == PREFIX.length) {
      choose(ctx, true, in);
      return;
    }
    buffered = ctx.alloc().buffer(PREFIX.length);
    buffered.writeBytes(in);
    in.release();
  }

  private void choose(ChannelHandlerContext ctx, boolean http2, ByteBuf firstBytes) {
    installer.install(ctx, http2);
    ctx.fireChannelRead(firstBytes);
    ctx.pipeline().remove(this);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent || evt instanceof DrainEvent) {
      installer.closingBeforeData(evt instanceof IdleStateEvent);
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }
}
