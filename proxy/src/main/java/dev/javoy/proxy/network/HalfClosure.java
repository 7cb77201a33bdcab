package dev.javoy.proxy.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollInterestKeeper;
import io.netty.channel.socket.ChannelOutputShutdownEvent;

/**
 * Turns on half-closure for a channel that relays bytes (tcp_proxy, upgrade and CONNECT tunnels): a FIN from the
 * peer shuts down only the input, and the output keeps sending. On epoll it also applies
 * {@link EpollInterestKeeper}, without which Netty 4.2.18 loses the bytes written after such a FIN once the socket
 * buffer fills (see there); the workaround ends when the channel's output is shut down.
 */
public final class HalfClosure {
  private HalfClosure() {}

  /** Call on {@code ch}'s event loop; call again once it is connected if it was not yet (a client channel). */
  public static void allow(Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    if (EpollInterestKeeper.keepInterest(ch)) {
      ch.pipeline().addFirst(OutputShutdownWatcher.INSTANCE);
    }
  }

  /** Ends the epoll workaround when the channel's output is shut down (one shared, stateless instance). */
  @Sharable
  private static final class OutputShutdownWatcher extends ChannelInboundHandlerAdapter {
    static final OutputShutdownWatcher INSTANCE = new OutputShutdownWatcher();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelOutputShutdownEvent) {
        EpollInterestKeeper.release(ctx.channel());
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
