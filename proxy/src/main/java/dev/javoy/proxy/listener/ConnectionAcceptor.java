package dev.javoy.proxy.listener;

import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs on a worker for each accepted connection (Envoy's {@code ActiveTcpListener::onAccept}): counts it,
 * picks its filter chain, applies the listener's buffer limit as write watermarks, and lets the chain's
 * network filters install themselves.
 */
@ChannelHandler.Sharable
final class ConnectionAcceptor extends ChannelInitializer<Channel> {
  private static final AtomicLong NEXT_CONNECTION_ID = new AtomicLong();

  private final ActiveListener listener;

  ConnectionAcceptor(ActiveListener listener) {
    this.listener = listener;
  }

  @Override
  protected void initChannel(Channel ch) {
    ListenerConfig cfg = listener.config();
    ListenerStats stats = cfg.stats();
    if (!cfg.ignoreGlobalConnLimit() && !listener.manager().tryAcquireGlobalConnection()) {
      stats.downstreamCxOverflow.inc();
      ch.close();
      return;
    }
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    long openedAt = System.nanoTime();
    listener.track(ch);
    ch.closeFuture().addListener(f -> {
      stats.downstreamCxActive.dec();
      stats.downstreamCxDestroy.inc();
      stats.downstreamCxLengthMs.record((System.nanoTime() - openedAt) / 1_000_000);
      if (!cfg.ignoreGlobalConnLimit()) {
        listener.manager().releaseGlobalConnection();
      }
    });
    SocketAddress local = ch.localAddress();
    SocketAddress remote = ch.remoteAddress();
    FilterChain chain = cfg.matcher().select(metadata(local, remote));
    if (chain == null) {
      stats.noFilterChainMatch.inc();
      ch.close();
      return;
    }
    ch.attr(ActiveListener.FILTER_CHAIN).set(chain);
    int limit = cfg.bufferLimitBytes();
    if (limit > 0) {
      ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(Math.max(1, limit / 2), limit));
    }
    DownstreamConnection conn = new DownstreamConnection(ch, NEXT_CONNECTION_ID.incrementAndGet(), local, remote,
        cfg.name(), chain.name(), stats, limit);
    conn.setDrainDecision(listener);
    if (chain.tls() != null && !chain.tls().install(conn)) {
      ch.close(); // its secrets have not arrived: no certificate to present
      return;
    }
    List<NetworkFilter> filters = chain.filters();
    for (int i = 0, n = filters.size(); i < n; i++) {
      filters.get(i).install(conn);
    }
  }

  private static ConnectionMetadata metadata(SocketAddress local, SocketAddress remote) {
    if (local instanceof InetSocketAddress l && remote instanceof InetSocketAddress r) {
      return new ConnectionMetadata(l.getAddress(), l.getPort(), r.getAddress(), r.getPort(), r.getAddress(), "",
          "raw_buffer", List.of());
    }
    return new ConnectionMetadata(null, 0, null, 0, null, "", "raw_buffer", List.of());
  }
}
