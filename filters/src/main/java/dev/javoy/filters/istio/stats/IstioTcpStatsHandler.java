package dev.javoy.filters.istio.stats;

import dev.javoy.proxy.istio.PeerKeys;
import dev.javoy.proxy.istio.PeerMetadata;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.FilterState;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code istio.stats} on one TCP connection: counts bytes from ({@code istio_tcp_received_bytes_total}) and to
 * ({@code istio_tcp_sent_bytes_total}) the downstream, reported every {@code tcp_reporting_duration} and at the end,
 * plus {@code istio_tcp_connections_opened_total}/{@code _closed_total}. Labels are computed at each report, since
 * the peer and the upstream cluster become known during the connection.
 */
final class IstioTcpStatsHandler extends ChannelDuplexHandler {
  private final IstioStatsConfig config;
  private final IstioMetrics.Cache cache;
  private final DownstreamConnection connection;
  private long received;
  private long sent;
  private boolean opened;
  private boolean closed;
  private ScheduledFuture<?> timer;

  IstioTcpStatsHandler(IstioStatsConfig config, IstioMetrics.Cache cache, DownstreamConnection connection) {
    this.config = config;
    this.cache = cache;
    this.connection = connection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().scheduleAtFixedRate(this::report, config.tcpReportingMillis, config.tcpReportingMillis,
        TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> onClose());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    received += size(msg);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    sent += size(msg);
    ctx.write(msg, promise);
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf b) {
      return b.readableBytes();
    }
    return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
  }

  private void onClose() {
    if (timer != null) {
      timer.cancel(false);
    }
    closed = true;
    report();
  }

  /** Adds what happened since the last report under the connection's current labels. */
  private void report() {
    IstioMetrics m = cache.get(labels());
    if (!opened) {
      opened = true;
      inc(m, IstioMetric.TCP_CONNECTIONS_OPENED_TOTAL, 1);
    }
    inc(m, IstioMetric.TCP_RECEIVED_BYTES_TOTAL, received);
    inc(m, IstioMetric.TCP_SENT_BYTES_TOTAL, sent);
    received = 0;
    sent = 0;
    if (closed) {
      inc(m, IstioMetric.TCP_CONNECTIONS_CLOSED_TOTAL, 1);
    }
  }

  private static void inc(IstioMetrics m, IstioMetric metric, long n) {
    var c = m.counter(metric);
    if (c != null && n > 0) {
      c.add(n);
    }
  }

  private String[] labels() {
    FilterState fs = connection.filterStateOrNull();
    PeerMetadata downstream = fs == null ? null : fs.get(PeerKeys.DOWNSTREAM_PEER, PeerMetadata.class);
    StreamInfo info = connection.streamInfo();
    PeerMetadata upstream = info == null || info.upstreamFilterState == null ? null
        : info.upstreamFilterState.get(PeerKeys.UPSTREAM_PEER, PeerMetadata.class);
    return StandardLabels.compute(config, new StandardLabels.Inputs(downstream, upstream,
        info == null ? null : info.upstreamClusterName, null, "tcp",
        info == null ? "-" : ResponseFlag.format(info.responseFlags, false), null, null));
  }
}
