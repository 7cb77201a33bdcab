package dev.javoy.proxy.istio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.function.Consumer;

/**
 * One connection's {@code istio-peer-exchange} (istio/proxy's TCP metadata exchange), used on both sides: on a
 * downstream connection by the {@code istio.metadata_exchange} network filter, on an upstream connection by the
 * same filter in a cluster's {@code filters}.
 *
 * <p>The exchange happens only when the connection negotiated the ALPN protocol {@code protocol} (so only over
 * TLS: the handler waits for the TLS handshake of an {@link SslHandler} earlier in the pipeline). Then each side
 * first sends its {@link PeerExchangeFrame} ahead of any other byte and strips the peer's frame from the front of
 * what it receives. Without the protocol (plain TCP, or another ALPN) the handler removes itself and every byte
 * passes untouched. {@code forceExchange} skips the ALPN check (tests, and plaintext peers known to speak it).
 *
 * <p>Lives on the connection's event loop; application writes issued before the decision are held in order.
 */
public final class PeerExchangeHandler extends ChannelDuplexHandler {
  /** Counters of the exchange (istio/proxy's {@code metadata_exchange.*} stats); any may be null. */
  public record Stats(dev.javoy.proxy.stats.Counter alpnProtocolFound, dev.javoy.proxy.stats.Counter alpnProtocolNotFound,
      dev.javoy.proxy.stats.Counter initialHeaderNotFound, dev.javoy.proxy.stats.Counter headerNotFound,
      dev.javoy.proxy.stats.Counter metadataAdded) {
    public static Stats in(dev.javoy.proxy.stats.StatsScope scope) {
      return new Stats(scope.counter("alpn_protocol_found"), scope.counter("alpn_protocol_not_found"),
          scope.counter("initial_header_not_found"), scope.counter("header_not_found"),
          scope.counter("metadata_added"));
    }

    static void inc(dev.javoy.proxy.stats.Counter c) {
      if (c != null) {
        c.inc();
      }
    }
  }

  private enum State { UNDECIDED, EXCHANGING, DONE }

  private final LocalWorkload local;
  private final String protocol;
  private final boolean forceExchange;
  private final Consumer<PeerMetadata> onPeer;
  private final Stats stats;
  private State state = State.UNDECIDED;
  private boolean sent;
  private PendingWriteQueue held;
  private CompositeByteBuf received;

  /**
   * @param onPeer gets the peer once its frame arrived, or null when the exchange did not happen or failed
   */
  public PeerExchangeHandler(LocalWorkload local, String protocol, boolean forceExchange, Consumer<PeerMetadata> onPeer,
      Stats stats) {
    this.local = local;
    this.protocol = protocol;
    this.forceExchange = forceExchange;
    this.onPeer = onPeer;
    this.stats = stats;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      decideWithoutHandshake(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    decideWithoutHandshake(ctx);
    ctx.fireChannelActive();
  }

  /** Decides at once unless a TLS handshake will tell the negotiated protocol. */
  private void decideWithoutHandshake(ChannelHandlerContext ctx) {
    if (state != State.UNDECIDED) {
      return;
    }
    if (forceExchange) {
      decide(ctx, true);
      return;
    }
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      decide(ctx, false);
    } else if (tls.handshakeFuture().isDone()) {
      decide(ctx, tls.handshakeFuture().isSuccess() && protocol.equals(tls.applicationProtocol()));
    }
    // else: wait for the handshake event
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done && state == State.UNDECIDED) {
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      decide(ctx, done.isSuccess() && tls != null && protocol.equals(tls.applicationProtocol()));
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void decide(ChannelHandlerContext ctx, boolean exchange) {
    if (!exchange) {
      Stats.inc(stats == null ? null : stats.alpnProtocolNotFound());
      state = State.DONE;
      onPeer.accept(null);
      releaseHeldWrites(ctx);
      ctx.pipeline().remove(this);
      return;
    }
    Stats.inc(stats == null ? null : stats.alpnProtocolFound());
    state = State.EXCHANGING;
    ctx.write(PeerExchangeFrame.encode(local, ctx.alloc()));
    sent = true;
    releaseHeldWrites(ctx);
    ctx.flush();
  }

  private void releaseHeldWrites(ChannelHandlerContext ctx) {
    if (held != null) {
      held.removeAndWriteAll();
      held = null;
      ctx.flush();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (state == State.UNDECIDED) {
      if (held == null) {
        held = new PendingWriteQueue(ctx);
      }
      held.add(msg, promise);
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (state != State.UNDECIDED) {
      ctx.flush();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state != State.EXCHANGING || !(msg instanceof ByteBuf bytes)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (received == null) {
      received = ctx.alloc().compositeBuffer();
    }
    received.addComponent(true, bytes);
    PeerExchangeFrame.Result r = PeerExchangeFrame.tryDecode(received);
    switch (r.status()) {
      case NEED_MORE -> { }
      case DONE -> {
        Stats.inc(stats == null ? null : stats.metadataAdded());
        received.skipBytes(r.frameLength());
        finish(ctx, r.peer());
      }
      case BAD_MAGIC -> {
        Stats.inc(stats == null ? null : stats.initialHeaderNotFound());
        finish(ctx, null);
      }
      case BAD_DATA -> {
        Stats.inc(stats == null ? null : stats.headerNotFound());
        if (r.frameLength() > 0) {
          received.skipBytes(r.frameLength());
        }
        finish(ctx, null);
      }
    }
  }

  /** The peer's frame is consumed (or is not there): pass the rest on and leave the pipeline. */
  private void finish(ChannelHandlerContext ctx, PeerMetadata peer) {
    state = State.DONE;
    onPeer.accept(peer);
    ByteBuf rest = received;
    received = null;
    ctx.pipeline().remove(this);
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest);
      ctx.fireChannelReadComplete();
    } else {
      rest.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (received != null) {
      received.release();
      received = null;
    }
    if (held != null) {
      held.removeAndFailAll(new java.nio.channels.ClosedChannelException());
      held = null;
    }
  }

  /** Whether this side's frame went out (for tests). */
  public boolean sent() {
    return sent;
  }
}
