package dev.javoy.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The last handler of one side (downstream or upstream) of a proxied connection: hands that side's data events
 * to the session's {@link ByteRelay} and its lifecycle events to the {@link TcpProxySession}.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
  /** Which connection of the session a handler sits on. */
  enum Side { DOWNSTREAM, UPSTREAM }

  private final TcpProxySession session;
  private final ByteRelay relay;
  private final Side side;

  RelayHandler(TcpProxySession session, ByteRelay relay, Side side) {
    this.session = session;
    this.relay = relay;
    this.side = side;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (side == Side.UPSTREAM) {
      session.configureUpstream(ctx.channel());
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (side == Side.DOWNSTREAM) {
      session.start();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    relay.onRead(side, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    relay.onReadComplete(side);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    relay.onWritabilityChanged(side);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      relay.onInputEnded(side);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    session.onError(side, cause);
  }
}
