package dev.javoy.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * One session's share of the {@code downstream_cx_tx_bytes_buffered} (bytes waiting to be written to the
 * downstream) and {@code downstream_cx_rx_bytes_buffered} (bytes read from the downstream, not yet written
 * upstream) gauges. Sampled after each read batch and writability change, and settled to zero at the end.
 */
final class BufferedBytes {
  private final TcpProxyStats stats;
  /** Downstream bytes held while the upstream connects. */
  long earlyBytes;
  private long reportedTx;
  private long reportedRx;

  BufferedBytes(TcpProxyStats stats) {
    this.stats = stats;
  }

  void sample(Channel downstream, Channel upstream) {
    report(pending(downstream), earlyBytes + (upstream == null ? 0 : pending(upstream)));
  }

  void clear() {
    report(0, 0);
  }

  private void report(long tx, long rx) {
    if (tx != reportedTx) {
      stats.downstreamCxTxBytesBuffered.add(tx - reportedTx);
      reportedTx = tx;
    }
    if (rx != reportedRx) {
      stats.downstreamCxRxBytesBuffered.add(rx - reportedRx);
      reportedRx = rx;
    }
  }

  /** Bytes written to {@code ch} and not yet handed to the socket. */
  static long pending(Channel ch) {
    ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
    return b == null ? 0 : b.totalPendingWriteBytes();
  }
}
