package dev.javoy.filters.listener.original_dst;

import dev.javoy.proxy.listener.filter.ListenerFilter;
import dev.javoy.proxy.listener.filter.ListenerFilterContext;
import java.net.InetSocketAddress;

/**
 * {@code envoy.filters.listener.original_dst}: makes the destination a connection had before iptables
 * redirected it the connection's local address (for {@code %DOWNSTREAM_LOCAL_ADDRESS%}, filter chain matching on
 * destination port and prefix ranges, the hand-off of {@code use_original_dst} listeners and ORIGINAL_DST
 * clusters). With TPROXY ({@code transparent} listeners) the socket's local address already is the original
 * one; it is then restored as is.
 */
public final class OriginalDstFilter implements ListenerFilter {
  @Override
  public Status onAccept(ListenerFilterContext context) {
    InetSocketAddress original = SocketOriginalDestination.of(context.channel());
    if (original != null) {
      context.restoreLocalAddress(original);
    }
    return Status.CONTINUE;
  }
}
