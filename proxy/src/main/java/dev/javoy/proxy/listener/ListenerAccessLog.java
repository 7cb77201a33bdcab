package dev.javoy.proxy.listener;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.List;

/**
 * A listener's own {@code access_log} (Envoy's {@code ActiveStreamListenerBase::emitLogs}): one entry per
 * accepted connection when it closes, written with the connection-level stream info — also for connections that
 * end before a filter chain handles them: no filter chain matched ({@code %RESPONSE_FLAGS%} {@code NR}, details
 * {@code filter_chain_not_found}; Istio's virtual listeners log exactly these with a {@code response_flag_filter}),
 * listener filters that time out or reject. The listener that handles the connection last logs it (a connection
 * handed to the listener of its original destination is logged by that one). A terminal filter that keeps
 * connection-level info (tcp_proxy) is logged with its info, as Envoy's tcp_proxy fills the connection's.
 *
 * <p>Created only for connections of listeners that have access logs; costs nothing otherwise.
 */
final class ListenerAccessLog implements ChannelFutureListener {
  private static final AttributeKey<ListenerAccessLog> KEY = AttributeKey.valueOf("javoy.listenerAccessLog");
  /** Envoy's {@code StreamInfo::ResponseCodeDetails::FilterChainNotFound}. */
  static final String FILTER_CHAIN_NOT_FOUND = "filter_chain_not_found";

  private final StreamInfo info = new StreamInfo();
  private List<AccessLogger> loggers;
  private DownstreamConnection connection;

  private ListenerAccessLog() {}

  /**
   * The listener of {@code cfg} is now responsible for {@code ch} (accepted, handed off, or choosing its chain):
   * its access logs will log it. Returns the connection's log, or null when neither this listener nor an
   * earlier one has access logs.
   */
  static ListenerAccessLog attach(Channel ch, ListenerConfig cfg, SocketAddress local, SocketAddress remote) {
    ListenerAccessLog log;
    if (ch.hasAttr(KEY)) {
      log = ch.attr(KEY).get();
    } else {
      if (cfg.accessLoggers().isEmpty()) {
        return null;
      }
      log = new ListenerAccessLog();
      ch.attr(KEY).set(log);
      ch.closeFuture().addListener(log);
    }
    log.loggers = cfg.accessLoggers();
    log.info.downstreamLocalAddress = local;
    log.info.downstreamRemoteAddress = remote;
    log.info.downstreamDirectRemoteAddress = remote;
    return log;
  }

  /** No filter chain matched: Envoy's {@code NR} with {@code filter_chain_not_found}. */
  void noFilterChain(String requestedServerName) {
    info.requestedServerName = requestedServerName;
    info.setResponseFlag(ResponseFlag.NO_ROUTE_FOUND);
    info.responseCodeDetails = FILTER_CHAIN_NOT_FOUND;
  }

  /** A chain took the connection. */
  void connected(DownstreamConnection conn, String filterChainName) {
    this.connection = conn;
    info.connectionId = conn.id();
    info.filterChainName = filterChainName;
    info.requestedServerName = conn.requestedServerName();
  }

  @Override
  public void operationComplete(ChannelFuture f) {
    if (loggers.isEmpty()) {
      return;
    }
    long closedAt = LoopClock.nanoTime();
    // after the close listeners the network filters added (tcp_proxy finishes its info in one)
    try {
      f.channel().eventLoop().execute(() -> log(closedAt));
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      log(closedAt);
    }
  }

  private void log(long closedAt) {
    StreamInfo si = info;
    if (connection != null) {
      StreamInfo terminal = connection.streamInfo();
      if (terminal != null) {
        si = terminal;
      } else {
        info.downstreamTls = connection.tls();
        info.requestedServerName = connection.requestedServerName();
      }
    }
    if (si.endNanos == 0) {
      si.endNanos = closedAt;
    }
    AccessLogs.logAll(loggers, si);
  }
}
