package dev.javoy.proxy.listener;

import dev.javoy.proxy.server.Transport;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * The listener's {@code transparent} ({@code IP_TRANSPARENT}, for TPROXY: the accepted connection's local
 * address already is the original destination) and {@code freebind} ({@code IP_FREEBIND}) socket options.
 * Applied with the epoll transport only; binding such a listener with another transport fails.
 */
public record ListenerSocketOptions(boolean transparent, boolean freebind) {
  public static final ListenerSocketOptions NONE = new ListenerSocketOptions(false, false);

  static ListenerSocketOptions from(Listener l) {
    boolean transparent = l.hasTransparent() && l.getTransparent().getValue();
    boolean freebind = l.hasFreebind() && l.getFreebind().getValue();
    return transparent || freebind ? new ListenerSocketOptions(transparent, freebind) : NONE;
  }

  boolean any() {
    return transparent || freebind;
  }

  /** Sets the options on a listener socket's bootstrap; an error message when the transport cannot. */
  String apply(ServerBootstrap b, Transport transport) {
    if (!any()) {
      return null;
    }
    if (transport != Transport.EPOLL) {
      return "listener socket options transparent/freebind need the epoll transport (running " + transport + ")";
    }
    if (transparent) {
      b.option(EpollChannelOption.IP_TRANSPARENT, true);
    }
    if (freebind) {
      b.option(EpollChannelOption.IP_FREEBIND, true);
    }
    return null;
  }
}
