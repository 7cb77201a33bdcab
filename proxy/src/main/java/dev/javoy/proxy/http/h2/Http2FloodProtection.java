package dev.javoy.proxy.http.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.stats.Counter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Envoy's HTTP/2 protocol constraints, enforced on the raw bytes between the socket and the HTTP/2 codec
 * (so every frame is seen exactly as the peer sent it or as it goes out):
 * <ul>
 *   <li>outbound: frames queued but not yet written to the socket over {@code max_outbound_frames}
 *       ({@code outbound_flood}); PING, SETTINGS and RST_STREAM frames over {@code max_outbound_control_frames}
 *       ({@code outbound_control_flood}) — a peer that sends requests or PINGs and does not read;</li>
 *   <li>inbound: more than {@code max_consecutive_inbound_frames_with_empty_payload} DATA/HEADERS/CONTINUATION
 *       frames with nothing in them and no END_STREAM ({@code inbound_empty_frames_flood}); more PRIORITY
 *       frames than {@code max_inbound_priority_frames_per_stream} per opened stream
 *       ({@code inbound_priority_frames_flood}); more WINDOW_UPDATE frames than
 *       {@code 1 + 2 * (streams + max_inbound_window_update_frames_per_data_frame_sent * DATA frames sent)}
 *       ({@code inbound_window_update_frames_flood});</li>
 *   <li>a header block (HEADERS plus CONTINUATIONs) larger than the header list limit plus a quarter, or split
 *       into more CONTINUATION frames than such a block needs (the CONTINUATION flood):
 *       {@code header_overflow}.</li>
 * </ul>
 * A violation closes the connection at once, without GOAWAY and without flushing (Envoy's abort). It also
 * counts {@code rx_reset}, {@code tx_reset} and {@code goaway_sent} as frames pass, and tells the connection
 * about every stream the server side resets with PROTOCOL_ERROR: that is how invalid messaging shows, whether
 * javoy or the codec's header validation found it ({@link #onStreamProtocolError}).
 */
public final class Http2FloodProtection extends ChannelDuplexHandler {
  private static final Logger LOG = Log.get("http2");

  private final Http2ProtocolConfig cfg;
  private final Http2CodecStats stats;
  private final Http2FrameScanner inbound;
  private final Http2FrameScanner outbound;
  private final long maxHeaderBlockBytes;
  private final int maxContinuations;
  private ChannelHandlerContext ctx;
  private boolean aborted;
  private Runnable streamProtocolErrorListener;
  // inbound accounting
  private long consecutiveEmpty;
  private long inboundHeaderBlocks;
  private long priorityFrames;
  private long windowUpdateFrames;
  private long headerBlockBytes;
  private int headerBlockContinuations;
  private boolean inHeaderBlock;
  // outbound accounting
  private long outboundDataFrames;
  private int outboundFrames;
  private int outboundControlFrames;
  private int scannedFrames;
  private int scannedControlFrames;
  /**
   * The frame counts of the tracked writes not yet completed, oldest first (frames in the high half, control frames
   * in the low half): write promises complete in write order, so one listener per connection takes them off.
   */
  private long[] pendingWrites = new long[16];
  private int pendingHead;
  private int pendingSize;
  private final ChannelFutureListener writeDone = f -> onWriteDone();

  /**
   * @param server whether this is the server side (the peer's preface is then the first inbound bytes; a client
   *     writes its preface as the first outbound bytes)
   * @param maxHeaderListBytes the decoded header block limit announced in SETTINGS
   */
  public Http2FloodProtection(Http2ProtocolConfig cfg, Http2CodecStats stats, boolean server, long maxHeaderListBytes) {
    this.cfg = cfg;
    this.stats = stats;
    this.inbound = new Http2FrameScanner(this::onInboundFrame, server);
    this.outbound = new Http2FrameScanner(this::onOutboundFrame, !server);
    this.maxHeaderBlockBytes = maxHeaderListBytes + (maxHeaderListBytes >>> 2);
    this.maxContinuations = (int) Math.max(8, maxHeaderBlockBytes / 16384 + 1);
  }

  /** Called, on the event loop, for each stream this server side resets with PROTOCOL_ERROR. */
  public void onStreamProtocolError(Runnable listener) {
    this.streamProtocolErrorListener = listener;
  }

  /** Closes {@code ch} at once, below its HTTP/2 codec: no GOAWAY, nothing flushed (Envoy's abort). */
  public static void abort(Channel ch) {
    Http2FloodProtection p = ch.pipeline().get(Http2FloodProtection.class);
    if (p != null && p.ctx != null) {
      p.aborted = true;
      p.ctx.close();
    } else {
      ch.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (aborted) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf buf && !inbound.scan(buf)) {
      buf.release();
      abort(ctx);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean onInboundFrame(int type, int flags, int streamId, int length, int payload, long errorCode) {
    switch (type) {
      case Http2FrameScanner.HEADERS, Http2FrameScanner.CONTINUATION -> {
        if (!trackHeaderBlock(type, flags, length)) {
          return false;
        }
        if ((flags & Http2FrameScanner.FLAG_END_HEADERS) != 0) {
          inboundHeaderBlocks++;
        }
        countEmpty(flags, payload);
      }
      case Http2FrameScanner.DATA -> countEmpty(flags, payload);
      case Http2FrameScanner.PRIORITY -> priorityFrames++;
      case Http2FrameScanner.WINDOW_UPDATE -> windowUpdateFrames++;
      case Http2FrameScanner.RST_STREAM -> stats.rxReset.inc();
      default -> { }
    }
    if (consecutiveEmpty > cfg.maxConsecutiveInboundFramesWithEmptyPayload) {
      return flood(stats.inboundEmptyFramesFlood, "too many consecutive frames with an empty payload");
    }
    if (priorityFrames > (long) cfg.maxInboundPriorityFramesPerStream * (1 + inboundHeaderBlocks)) {
      return flood(stats.inboundPriorityFramesFlood, "too many PRIORITY frames");
    }
    if (windowUpdateFrames > 1 + 2 * (inboundHeaderBlocks
        + (long) cfg.maxInboundWindowUpdateFramesPerDataFrameSent * outboundDataFrames)) {
      return flood(stats.inboundWindowUpdateFramesFlood, "too many WINDOW_UPDATE frames");
    }
    return true;
  }

  private boolean trackHeaderBlock(int type, int flags, int length) {
    if (type == Http2FrameScanner.HEADERS) {
      inHeaderBlock = true;
      headerBlockBytes = 0;
      headerBlockContinuations = 0;
    } else if (inHeaderBlock) {
      headerBlockContinuations++;
    }
    headerBlockBytes += length;
    if ((flags & Http2FrameScanner.FLAG_END_HEADERS) != 0) {
      inHeaderBlock = false;
    }
    if (headerBlockBytes > maxHeaderBlockBytes) {
      return flood(stats.headerOverflow, "header block larger than " + maxHeaderBlockBytes + " bytes");
    }
    if (headerBlockContinuations > maxContinuations) {
      return flood(stats.headerOverflow, "header block split into too many CONTINUATION frames");
    }
    return true;
  }

  private void countEmpty(int flags, int payload) {
    if (payload == 0 && (flags & Http2FrameScanner.FLAG_END_STREAM) == 0) {
      consecutiveEmpty++;
    } else {
      consecutiveEmpty = 0;
    }
  }

  private boolean flood(Counter counter, String what) {
    counter.inc();
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine("closing HTTP/2 connection " + ctx.channel() + ": " + what);
    }
    return false;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (aborted || !(msg instanceof ByteBuf buf)) {
      ctx.write(msg, promise);
      return;
    }
    scannedFrames = 0;
    scannedControlFrames = 0;
    outbound.scan(buf);
    int frames = scannedFrames;
    int control = scannedControlFrames;
    if (frames == 0) {
      ctx.write(msg, promise);
      return;
    }
    outboundFrames += frames;
    outboundControlFrames += control;
    stats.outboundFramesActive.add(frames);
    stats.outboundControlFramesActive.add(control);
    ChannelPromise tracked = promise.isVoid() ? ctx.newPromise() : promise;
    pushPending((long) frames << 32 | control);
    tracked.addListener(writeDone);
    ctx.write(msg, tracked);
    if (outboundFrames > cfg.maxOutboundFrames) {
      flood(stats.outboundFlood, "too many frames in the outbound queue");
      abort(ctx);
    } else if (outboundControlFrames > cfg.maxOutboundControlFrames) {
      flood(stats.outboundControlFlood, "too many control frames in the outbound queue");
      abort(ctx);
    }
  }

  private void pushPending(long counts) {
    long[] q = pendingWrites;
    if (pendingSize == q.length) {
      long[] bigger = new long[q.length * 2];
      for (int i = 0; i < pendingSize; i++) {
        bigger[i] = q[(pendingHead + i) & (q.length - 1)];
      }
      pendingWrites = q = bigger;
      pendingHead = 0;
    }
    q[(pendingHead + pendingSize) & (q.length - 1)] = counts;
    pendingSize++;
  }

  private void onWriteDone() {
    if (pendingSize == 0) {
      return;
    }
    long counts = pendingWrites[pendingHead];
    pendingHead = (pendingHead + 1) & (pendingWrites.length - 1);
    pendingSize--;
    int frames = (int) (counts >>> 32);
    int control = (int) counts;
    outboundFrames -= frames;
    outboundControlFrames -= control;
    stats.outboundFramesActive.add(-frames);
    stats.outboundControlFramesActive.add(-control);
  }

  private boolean onOutboundFrame(int type, int flags, int streamId, int length, int payload, long errorCode) {
    scannedFrames++;
    switch (type) {
      case Http2FrameScanner.DATA -> outboundDataFrames++;
      case Http2FrameScanner.RST_STREAM -> {
        scannedControlFrames++;
        stats.txReset.inc();
        if (errorCode == Http2Error.PROTOCOL_ERROR.code() && streamProtocolErrorListener != null) {
          ctx.executor().execute(streamProtocolErrorListener); // not in the middle of the codec's write
        }
      }
      case Http2FrameScanner.PING, Http2FrameScanner.SETTINGS -> scannedControlFrames++;
      case Http2FrameScanner.GOAWAY -> stats.goawaySent.inc();
      default -> { }
    }
    return true;
  }

  private void abort(ChannelHandlerContext ctx) {
    aborted = true;
    ctx.close();
  }
}
