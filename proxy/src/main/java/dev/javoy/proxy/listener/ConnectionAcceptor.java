package dev.javoy.proxy.listener;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.listener.filter.ListenerFilterContext;
import dev.javoy.proxy.listener.filter.ListenerFilterPhase;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs on a worker for each accepted connection (Envoy's {@code ActiveTcpListener::onAccept} and
 * {@code ActiveTcpSocket}): applies the global connection limit, runs the listener filters (which may read
 * ahead, restore the original destination, find SNI and protocols), hands the connection to the listener of
 * its original destination when the listener has {@code use_original_dst}, then picks the filter chain, counts
 * the connection, applies the listener's buffer limit as write watermarks, and lets the chain's network filters
 * install themselves. Bytes the listener filters read are then fed to the chain's filters first.
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
    if (!cfg.ignoreGlobalConnLimit()) {
      if (!listener.manager().tryAcquireGlobalConnection()) {
        cfg.stats().downstreamCxOverflow.inc();
        ch.close();
        return;
      }
      ch.closeFuture().addListener(f -> listener.manager().releaseGlobalConnection());
    }
    SocketAddress local = ch.localAddress();
    SocketAddress remote = ch.remoteAddress();
    if (!cfg.accessLoggers().isEmpty()) {
      ListenerAccessLog.attach(ch, cfg, local, remote); // logs it if listener filters end it
    }
    if (cfg.listenerFilters().isEmpty() && !cfg.useOriginalDst()) {
      newConnection(ch, cfg, local, false, remote, "", "", List.of(), null);
      return;
    }
    runListenerFilters(ch, cfg, new ListenerFilterContext(ch, local, remote), null, cfg.useOriginalDst());
  }

  /**
   * A connection another listener accepted and hands over because its original destination is this listener's
   * address: it runs this listener's filters (with the bytes read so far) and chain selection, never hands off
   * again.
   */
  void acceptHandOff(Channel ch, ListenerFilterContext connection, ByteBuf peeked) {
    ListenerAccessLog.attach(ch, listener.config(), connection.localAddress(), connection.remoteAddress());
    runListenerFilters(ch, listener.config(), connection, peeked, false);
  }

  private void runListenerFilters(Channel ch, ListenerConfig cfg, ListenerFilterContext connection, ByteBuf peeked,
      boolean mayHandOff) {
    ListenerFilterPhase.run(ch, cfg.listenerFilters(), connection, peeked, cfg.stats(),
        (c, bytes) -> afterListenerFilters(ch, cfg, c, bytes, mayHandOff));
  }

  private void afterListenerFilters(Channel ch, ListenerConfig cfg, ListenerFilterContext c, ByteBuf peeked,
      boolean mayHandOff) {
    if (mayHandOff && c.localAddressRestored()) {
      ActiveListener target = listener.manager().listenerForOriginalDst(c.localAddress());
      if (target != null && target != listener) {
        target.acceptor().acceptHandOff(ch, c, peeked);
        return;
      }
    }
    newConnection(ch, cfg, c.localAddress(), c.localAddressRestored(), c.remoteAddress(), c.serverName(),
        c.transportProtocol(), c.applicationProtocols(), peeked);
  }

  /** Envoy's {@code newConnection}: filter chain selection, then the connection and its network filters. */
  private void newConnection(Channel ch, ListenerConfig cfg, SocketAddress local, boolean localRestored,
      SocketAddress remote, String serverName, String transportProtocol, List<String> applicationProtocols,
      ByteBuf peeked) {
    ListenerStats stats = cfg.stats();
    String transport = transportProtocol.isEmpty() ? "raw_buffer" : transportProtocol;
    FilterChain chain = cfg.matcher().select(metadata(local, remote, serverName, transport, applicationProtocols));
    ListenerAccessLog accessLog = ListenerAccessLog.attach(ch, cfg, local, remote);
    if (chain == null) {
      stats.noFilterChainMatch.inc();
      if (accessLog != null) {
        accessLog.noFilterChain(serverName);
      }
      if (peeked != null) {
        peeked.release();
      }
      ch.close();
      return;
    }
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    long openedAt = LoopClock.nanoTime();
    listener.track(ch);
    ch.closeFuture().addListener(f -> {
      stats.downstreamCxActive.dec();
      stats.downstreamCxDestroy.inc();
      stats.downstreamCxLengthMs.record((LoopClock.nanoTime() - openedAt) / 1_000_000);
    });
    ch.attr(ActiveListener.FILTER_CHAIN).set(chain);
    int limit = cfg.bufferLimitBytes();
    if (limit > 0) {
      ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(Math.max(1, limit / 2), limit));
    }
    DownstreamConnection conn = new DownstreamConnection(ch, NEXT_CONNECTION_ID.incrementAndGet(), local, remote,
        cfg.name(), chain.name(), stats, limit);
    conn.setDrainDecision(listener);
    conn.setRequestedServerName(serverName);
    conn.setLocalAddressRestored(localRestored);
    if (accessLog != null) {
      accessLog.connected(conn, chain.name());
    }
    if (chain.tls() != null && !chain.tls().install(conn)) {
      ch.close(); // its secrets have not arrived: no certificate to present
      return;
    }
    List<NetworkFilter> filters = chain.filters();
    for (int i = 0, n = filters.size(); i < n; i++) {
      filters.get(i).install(conn);
    }
    if (peeked != null) {
      if (peeked.isReadable() && ch.isActive()) {
        ch.pipeline().fireChannelRead(peeked);
        ch.pipeline().fireChannelReadComplete();
      } else {
        peeked.release();
      }
    }
  }

  private static ConnectionMetadata metadata(SocketAddress local, SocketAddress remote, String serverName,
      String transportProtocol, List<String> applicationProtocols) {
    if (local instanceof InetSocketAddress l && remote instanceof InetSocketAddress r) {
      return new ConnectionMetadata(l.getAddress(), l.getPort(), r.getAddress(), r.getPort(), r.getAddress(),
          serverName, transportProtocol, applicationProtocols);
    }
    return new ConnectionMetadata(null, 0, null, 0, null, serverName, transportProtocol, applicationProtocols);
  }
}
