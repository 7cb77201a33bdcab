package dev.javoy.proxy.tcp;

import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tcp.RelayHandler.Side;
import dev.javoy.proxy.upstream.ClusterStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The byte-moving half of a {@link TcpProxySession}: passes each buffer read on one side to the other side as it
 * is (no copies), flushes per read batch, pauses reading one side while the other side's write buffer is above
 * its high watermark (Envoy's flow control), and passes a FIN on once the bytes before it are written, keeping
 * the reverse direction open until it ends too. Holds downstream bytes read before the upstream connected.
 */
final class ByteRelay {
  private final TcpProxySession session;
  private final TcpProxyStats stats;
  private final StreamInfo info;
  private final Channel downstream;
  private final BufferedBytes buffered;
  private ClusterStats clusterStats;
  private Channel upstream;
  private ArrayDeque<ByteBuf> early;
  private boolean upstreamReadingStopped;
  private boolean downstreamInputEnded;
  private boolean upstreamInputEnded;
  private boolean downstreamOutputShut;
  private boolean upstreamOutputShut;

  ByteRelay(TcpProxySession session, TcpProxyStats stats, StreamInfo info, Channel downstream) {
    this.session = session;
    this.stats = stats;
    this.info = info;
    this.downstream = downstream;
    this.buffered = new BufferedBytes(stats);
  }

  /** The upstream connected: send what the downstream sent so far (and its FIN), then relay both ways. */
  void attachUpstream(Channel ch, ClusterStats cs) {
    upstream = ch;
    clusterStats = cs;
    // The splice fast path goes here (a later issue): when both channels are epoll sockets without TLS and no
    // other filter needs the bytes, hand them to EpollSocketChannel.spliceTo(...) both ways instead of relaying
    // ByteBufs through user space; this relay stays as the fallback.
    if (early != null) {
      for (ByteBuf b; (b = early.poll()) != null; ) {
        buffered.earlyBytes -= b.readableBytes();
        clusterStats.upstreamCxTxBytesTotal.add(b.readableBytes());
        upstream.write(b, upstream.voidPromise());
      }
      early = null;
      upstream.flush();
    }
    if (downstreamInputEnded) {
      shutdownOutputWhenFlushed(upstream);
    } else {
      setDownstreamReading(upstream.isWritable());
    }
  }

  /** The upstream connection is gone. */
  void detachUpstream() {
    upstream = null;
  }

  /** The downstream went away while the upstream flushes: stop relaying upstream bytes nowhere. */
  void stopUpstreamReading() {
    upstreamReadingStopped = true;
    upstream.config().setAutoRead(false);
  }

  void onRead(Side side, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    int n = buf.readableBytes();
    session.touch();
    if (side == Side.DOWNSTREAM) {
      info.bytesReceived += n;
      stats.downstreamCxRxBytesTotal.add(n);
      if (upstream != null) {
        clusterStats.upstreamCxTxBytesTotal.add(n);
        write(upstream, buf);
      } else if (session.awaitingUpstream()) {
        if (early == null) {
          early = new ArrayDeque<>();
        }
        early.add(buf); // read before the upstream connected (a listener filter may have read ahead)
        buffered.earlyBytes += n;
      } else {
        buf.release();
      }
    } else {
      info.bytesSent += n;
      stats.downstreamCxTxBytesTotal.add(n);
      clusterStats.upstreamCxRxBytesTotal.add(n);
      write(downstream, buf);
    }
  }

  private static void write(Channel to, ByteBuf buf) {
    if (to.isActive()) {
      to.write(buf, to.voidPromise()); // a failed write fires exceptionCaught on `to`, which closes it
    } else {
      buf.release();
    }
  }

  void onReadComplete(Side side) {
    Channel to = side == Side.DOWNSTREAM ? upstream : downstream;
    if (to != null) {
      to.flush();
    }
    buffered.sample(downstream, upstream);
  }

  /** A side whose write buffer went above its high watermark pauses reading on the other side, and back. */
  void onWritabilityChanged(Side side) {
    if (upstream == null) {
      return; // before the upstream connected the downstream is not read at all
    }
    session.touch();
    if (side == Side.UPSTREAM) {
      setDownstreamReading(upstream.isWritable());
    } else if (!upstreamInputEnded && !upstreamReadingStopped) {
      upstream.config().setAutoRead(downstream.isWritable());
    }
    buffered.sample(downstream, upstream);
  }

  private void setDownstreamReading(boolean read) {
    if (downstreamInputEnded || downstream.config().isAutoRead() == read) {
      return;
    }
    downstream.config().setAutoRead(read);
    if (read) {
      stats.downstreamFlowControlResumedReadingTotal.inc();
    } else {
      stats.downstreamFlowControlPausedReadingTotal.inc();
    }
  }

  /** A FIN arrived on {@code side}: pass it on to the other side once what was read before it is written. */
  void onInputEnded(Side side) {
    if (side == Side.DOWNSTREAM) {
      downstreamInputEnded = true;
      if (upstream != null) {
        shutdownOutputWhenFlushed(upstream);
      } // else: passed on when the upstream connects
    } else {
      upstreamInputEnded = true;
      shutdownOutputWhenFlushed(downstream);
    }
  }

  private void shutdownOutputWhenFlushed(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
      if (!f.isSuccess()) {
        return; // the channel is closing anyway
      }
      if (ch instanceof DuplexChannel d) {
        d.shutdownOutput().addListener(g -> onOutputShut(ch));
      } else {
        ch.close();
      }
    });
  }

  private void onOutputShut(Channel ch) {
    if (ch == downstream) {
      downstreamOutputShut = true;
    } else {
      upstreamOutputShut = true;
    }
    if (downstreamOutputShut && upstreamOutputShut && downstreamInputEnded && upstreamInputEnded) {
      session.closeBoth(); // both directions ended with a FIN
    }
  }

  /** The session ended: drop held bytes, settle this connection's share of the buffered-bytes gauges. */
  void release() {
    if (early != null) {
      early.forEach(ByteBuf::release);
      early = null;
    }
    buffered.earlyBytes = 0;
    buffered.clear();
  }
}
