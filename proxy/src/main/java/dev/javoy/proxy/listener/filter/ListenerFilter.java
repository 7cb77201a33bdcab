package dev.javoy.proxy.listener.filter;

import io.netty.buffer.ByteBuf;

/**
 * A listener filter (Envoy's {@code Network::ListenerFilter}): runs on an accepted connection before its filter
 * chain is selected, on the connection's worker. It may look at the connection's first bytes without consuming
 * them (they stay for the chain's network filters), set what chain selection looks at (server name, transport
 * and application protocols, the original destination), or reject the connection. One instance serves every
 * connection of the listener: per-connection state lives in the {@link ListenerFilterContext}.
 */
public interface ListenerFilter {
  /** What the listener does next. */
  enum Status {
    /** Go on with the next filter (or chain selection). */
    CONTINUE,
    /** Wait: for more bytes ({@link #onData}) when {@link #maxReadBytes()} is positive; or the filter rejected. */
    STOP_ITERATION
  }

  /** Called once the connection is accepted. */
  Status onAccept(ListenerFilterContext context);

  /**
   * Called after {@link #onAccept} returned {@code STOP_ITERATION}, with every byte read so far, and again after
   * each further read while it keeps returning {@code STOP_ITERATION}. The buffer must not be consumed or
   * released (its indexes are restored after the call).
   */
  default Status onData(ListenerFilterContext context, ByteBuf peeked) {
    return Status.CONTINUE;
  }

  /** The socket failed while this filter waited for bytes (the connection is then closed). */
  default void onReadError(ListenerFilterContext context) {}

  /**
   * The most bytes this filter inspects; 0 when it needs none. When it has seen that many and still waits, the
   * connection is closed as a listener filter error.
   */
  default int maxReadBytes() {
    return 0;
  }
}
