package dev.javoy.proxy.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollInterestKeeper;

/**
 * Turns on half-closure for a channel that relays bytes (tcp_proxy, upgrade and CONNECT tunnels): a FIN from the
 * peer shuts down only the input, and the output keeps sending. On epoll it also applies
 * {@link EpollInterestKeeper}, without which Netty 4.2.18 loses the bytes written after such a FIN once the socket
 * buffer fills (see there).
 */
public final class HalfClosure {
  private HalfClosure() {}

  /** Call on {@code ch}'s event loop; call again once it is connected if it was not yet (a client channel). */
  public static void allow(Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    EpollInterestKeeper.keepInterest(ch);
  }
}
