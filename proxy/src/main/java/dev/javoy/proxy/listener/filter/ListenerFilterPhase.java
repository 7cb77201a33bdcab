package dev.javoy.proxy.listener.filter;

import dev.javoy.proxy.listener.ListenerStats;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a listener's filters on one accepted connection (Envoy's {@code ActiveTcpSocket}): in order, skipping
 * those whose {@code filter_disabled} matches; a filter that waits for bytes gets every byte read so far after
 * each read, without consuming them: they are handed on with the connection, and the filter chain's network
 * filters read them first. The whole phase is bounded by {@code listener_filters_timeout}; on expiry the
 * connection closes, or with {@code continue_on_listener_filters_timeout} goes on with what was found.
 * Counts {@code downstream_pre_cx_active}, {@code downstream_pre_cx_timeout},
 * {@code downstream_listener_filter_error} and {@code downstream_listener_filter_remote_close}.
 */
public final class ListenerFilterPhase extends ChannelInboundHandlerAdapter {
  /** What happens once the filters are done. */
  public interface Outcome {
    /**
     * The filters are done (or timed out with continue): select the filter chain. {@code peeked} holds the bytes
     * read so far (the callee owns it), or is null.
     */
    void proceed(ListenerFilterContext connection, ByteBuf peeked);
  }

  private final Channel channel;
  private final ListenerFilters filters;
  private final ListenerFilterContext connection;
  private final ListenerStats stats;
  private final Outcome outcome;
  private final List<ListenerFilters.Entry> entries;
  private int next;
  private ListenerFilter waiting;
  private ByteBuf peeked;
  private boolean installed;
  private boolean finished;
  private ScheduledFuture<?> timer;

  private ListenerFilterPhase(Channel channel, ListenerFilters filters, ListenerFilterContext connection,
      ByteBuf peeked, ListenerStats stats, Outcome outcome) {
    this.channel = channel;
    this.filters = filters;
    this.connection = connection;
    this.peeked = peeked;
    this.stats = stats;
    this.outcome = outcome;
    this.entries = filters.entries();
  }

  /**
   * Starts the filters of a listener on a connection (on its event loop). {@code peeked}: bytes a previous
   * listener read ahead (on hand-off), or null.
   */
  public static void run(Channel channel, ListenerFilters filters, ListenerFilterContext connection, ByteBuf peeked,
      ListenerStats stats, Outcome outcome) {
    ListenerFilterPhase phase = new ListenerFilterPhase(channel, filters, connection, peeked, stats, outcome);
    stats.downstreamPreCxActive.inc();
    phase.iterate();
  }

  /** Runs filters from {@link #next} until one waits, one rejects, or all are done. */
  private void iterate() {
    while (next < entries.size()) {
      ListenerFilters.Entry e = entries.get(next++);
      if (e.disabled() != null && e.disabled().matches(connection)) {
        continue;
      }
      ListenerFilter.Status s = e.filter().onAccept(connection);
      if (connection.rejected()) {
        fail(true);
        return;
      }
      if (s == ListenerFilter.Status.STOP_ITERATION) {
        waiting = e.filter();
        if (peeked != null && peeked.isReadable()) {
          if (!inspect()) {
            return;
          }
          continue;
        }
        awaitBytes();
        return;
      }
    }
    finish();
  }

  /** Offers the bytes read so far to the waiting filter; true when it is done with them. */
  private boolean inspect() {
    int reader = peeked.readerIndex();
    int writer = peeked.writerIndex();
    ListenerFilter.Status s;
    try {
      s = waiting.onData(connection, peeked);
    } finally {
      peeked.setIndex(reader, writer);
    }
    if (connection.rejected()) {
      fail(true);
      return false;
    }
    if (s == ListenerFilter.Status.CONTINUE) {
      waiting = null;
      return true;
    }
    if (peeked.readableBytes() >= waiting.maxReadBytes()) {
      fail(true); // the filter wants more than it may read
      return false;
    }
    awaitBytes();
    return false;
  }

  private void awaitBytes() {
    if (!installed) {
      installed = true;
      channel.pipeline().addFirst(this);
    }
    if (timer == null && filters.timeoutMillis() > 0) {
      timer = channel.eventLoop().schedule(this::onTimeout, filters.timeoutMillis(), TimeUnit.MILLISECONDS);
    }
    if (!channel.config().isAutoRead()) {
      channel.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (finished || !(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    peeked = peeked == null ? buf : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), peeked, buf);
    if (waiting != null && inspect()) {
      iterate();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // consumed here: the chain's filters see the bytes (and a read-complete) once they are installed
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished) {
      stats.downstreamListenerFilterRemoteClose.inc();
      cleanUp();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && !finished) {
      stats.downstreamListenerFilterRemoteClose.inc();
      cleanUp();
      channel.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!finished) {
      if (waiting != null) {
        waiting.onReadError(connection);
      }
      fail(true); // a read error
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  private void onTimeout() {
    timer = null;
    if (finished) {
      return;
    }
    stats.downstreamPreCxTimeout.inc();
    if (filters.continueOnTimeout()) {
      finish();
    } else {
      cleanUp();
      channel.close();
    }
  }

  private void finish() {
    ByteBuf bytes = peeked;
    peeked = null;
    end();
    outcome.proceed(connection, bytes);
  }

  private void fail(boolean error) {
    if (error) {
      stats.downstreamListenerFilterError.inc();
    }
    cleanUp();
    channel.close();
  }

  private void cleanUp() {
    if (peeked != null) {
      peeked.release();
      peeked = null;
    }
    end();
  }

  private void end() {
    if (finished) {
      return;
    }
    finished = true;
    stats.downstreamPreCxActive.dec();
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (installed && channel.pipeline().context(this) != null) {
      channel.pipeline().remove(this);
    }
  }
}
