package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.Route;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The raw byte tunnel of an upgraded HTTP/1.1 stream (WebSocket after {@code 101 Switching Protocols}): the HTTP
 * codecs leave both pipelines and the bytes go through as they are, with backpressure (one side stops reading
 * while the other is not writable), half-close (a FIN is passed on after the bytes before it) and the
 * downstream's idle timeout closing both. Both channels must be on the same event loop.
 */
public final class UpgradeTunnel implements Tunnel {
  private final Channel downstream;
  private final Channel upstream;
  private final Runnable onClosed;
  private boolean closed;
  private boolean downstreamInputEnded;
  private boolean upstreamInputEnded;

  /** @param onClosed runs once, when the tunnel ends */
  public UpgradeTunnel(Channel downstream, Channel upstream, Runnable onClosed) {
    this.downstream = downstream;
    this.upstream = upstream;
    this.onClosed = onClosed;
  }

  /**
   * Switches one of the two channels: the relay goes in just before {@code before} (which stays, to see the
   * channel's end) and {@code codec} is removed; bytes the codec still held are relayed.
   */
  public void attach(Channel ch, ChannelHandler before, ChannelHandler codec) {
    ChannelPipeline p = ch.pipeline();
    p.addBefore(p.context(before).name(), null, new Side(ch == downstream));
    if (codec != null && p.context(codec) != null) {
      p.remove(codec);
    }
    if (ch instanceof DuplexChannel) {
      dev.javoy.proxy.network.HalfClosure.allow(ch); // h-tlsperf: epoll half-close workaround
    }
    if (!ch.isActive()) {
      close();
      return;
    }
    ch.config().setAutoRead(other(ch).isWritable());
    ch.read();
  }

  /**
   * The tunnel's idle timeout, as Envoy's for upgraded streams: the route's {@code idle_timeout} when set (0
   * disables it), else the connection manager's {@code stream_idle_timeout}.
   */
  public static long idleMillis(Route route, long streamIdleTimeoutMillis) {
    if (route != null && route.action() instanceof ClusterAction c && c.timeouts().idleTimeoutMillis() >= 0) {
      return c.timeouts().idleTimeoutMillis();
    }
    return streamIdleTimeoutMillis;
  }

  /**
   * Replaces the downstream connection's idle timer (the connection manager's {@code idle_timeout}, which does
   * not apply while a stream is open) with the tunnel's; call after {@link #attach} of the downstream channel.
   */
  public void idleTimeout(long millis) {
    ChannelPipeline p = downstream.pipeline();
    if (p.get(IdleStateHandler.class) != null) {
      p.remove(IdleStateHandler.class);
    }
    if (millis > 0 && !closed) {
      p.addFirst(new IdleStateHandler(0, 0, millis, TimeUnit.MILLISECONDS));
    }
  }

  private Channel other(Channel ch) {
    return ch == downstream ? upstream : downstream;
  }

  @Override
  public void onDownstreamData(HttpContent data, boolean endStream) {
    // the downstream's bytes go through the relay, never through the stream
  }

  @Override
  public void onDownstreamWritabilityChanged(boolean writable) {
    // the relay watches both channels itself
  }

  /** Ends the tunnel: what was written is flushed, then both connections close. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeWhenFlushed(downstream);
    closeWhenFlushed(upstream);
    onClosed.run();
  }

  private static void closeWhenFlushed(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  private final class Side extends ChannelInboundHandlerAdapter {
    private final boolean isDownstream;

    Side(boolean isDownstream) {
      this.isDownstream = isDownstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (closed || !(msg instanceof ByteBuf buf) || !buf.isReadable()) {
        ReferenceCountUtil.release(msg); // e.g. the codec's empty end of the 101 response
        return;
      }
      Channel to = other(ctx.channel());
      to.write(buf, to.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      Channel to = other(ctx.channel());
      to.flush();
      if (!to.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Channel from = other(ctx.channel());
      boolean writable = ctx.channel().isWritable();
      if (!closed && from.isActive()) {
        from.config().setAutoRead(writable);
        if (writable) {
          from.read();
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (isDownstream) {
          downstreamInputEnded = true;
        } else {
          upstreamInputEnded = true;
        }
        if (downstreamInputEnded && upstreamInputEnded) {
          close();
          return;
        }
        Channel to = other(ctx.channel());
        if (to instanceof DuplexChannel d && to.isActive()) {
          to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> d.shutdownOutput());
        } else {
          close();
        }
        return;
      }
      if (evt instanceof IdleStateEvent) {
        if (isDownstream) {
          close(); // the connection manager's idle timeout ends an idle tunnel
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      close();
    }
  }
}
