package dev.javoy.xds;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one stream slot alive (the ADS stream, or one type's stream): opens it when a served type gets
 * subscriptions, and after it fails waits a jittered exponential back-off and opens a new one, which
 * resends the current subscriptions with the last accepted versions. On the event loop.
 */
final class StreamSupervisor implements StreamEvents {
  private static final Logger logger = Logger.getLogger("javoy.config");
  private static final long TRANSIENT_FAILURE_QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final ClientContext ctx;
  private final ManagedChannel channel;
  private final List<TypeState<?>> served;
  private final Function<StreamEvents, XdsStream> streamFactory;
  private final Runnable connectivityListener;
  private final JitteredBackoff backoff;
  private final String description;
  private XdsStream stream;
  private ScheduledFuture<?> retryTimer;
  private boolean connected;
  private boolean closed;
  /** When the failures since the last response began (System.nanoTime), or 0 when there are none. */
  private long failingSinceNanos;

  StreamSupervisor(ClientContext ctx, ManagedChannel channel, List<TypeState<?>> served,
      Function<StreamEvents, XdsStream> streamFactory, Runnable connectivityListener, String description) {
    this.ctx = ctx;
    this.channel = channel;
    this.served = served;
    this.streamFactory = streamFactory;
    this.connectivityListener = connectivityListener;
    this.description = description;
    this.backoff = new JitteredBackoff(ctx.config.backoffBase(), ctx.config.backoffMax(),
        bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  /** A served type's subscriptions changed: tell the server, opening the stream if there is none yet. */
  void onInterestChanged(TypeState<?> state) {
    if (closed) {
      return;
    }
    if (stream != null) {
      stream.sendInterest(state);
    } else if (retryTimer == null) {
      openStream();
    }
    // Otherwise a retry is pending: the new stream will carry the subscriptions.
  }

  private void openStream() {
    if (closed || served.stream().noneMatch(TypeState::hasInterest)) {
      return;
    }
    logger.fine(() -> "opening " + description + " stream to " + ctx.config.server());
    stream = streamFactory.apply(this);
    stream.start(channel);
  }

  @Override
  public void onConnected() {
    if (!connected && !closed) {
      connected = true;
      logger.fine(() -> description + " stream to " + ctx.config.server() + " established");
      connectivityListener.run();
    }
  }

  @Override
  public void onResponse() {
    backoff.reset();
    failingSinceNanos = 0;
    onConnected();
  }

  @Override
  public void onClosed(Status status) {
    stream = null;
    if (closed) {
      return;
    }
    boolean wasConnected = connected;
    connected = false;
    long delay = backoff.nextDelayMillis();
    logger.log(closeLogLevel(status), () -> description + " stream to " + ctx.config.server() + " closed: "
        + status.getCode() + ", " + status.getDescription() + "; reconnecting in " + delay + " ms");
    retryTimer = ctx.loop.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
    if (wasConnected) {
      connectivityListener.run();
    }
    for (TypeState<?> state : served) {
      state.onStreamFailure(status);
    }
  }

  /**
   * As Envoy: a transient failure (unavailable, deadline exceeded, resource exhausted) or a graceful close
   * is logged at debug level until failures have lasted {@link #TRANSIENT_FAILURE_QUIET_NANOS}; anything
   * else is a warning.
   */
  private Level closeLogLevel(Status status) {
    long now = System.nanoTime();
    if (failingSinceNanos == 0) {
      failingSinceNanos = now;
    }
    boolean transientFailure = switch (status.getCode()) {
      case OK, UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> true;
      default -> false;
    };
    return transientFailure && now - failingSinceNanos < TRANSIENT_FAILURE_QUIET_NANOS ? Level.FINE : Level.WARNING;
  }

  private void retry() {
    retryTimer = null;
    if (closed) {
      return;
    }
    // The channel's own reconnection back-off must not hold our attempt back.
    channel.resetConnectBackoff();
    openStream();
  }

  /** Whether this slot has a stream or is about to retry one (whether it counts for the connected state). */
  boolean isActive() {
    return stream != null || retryTimer != null;
  }

  boolean isConnected() {
    return connected;
  }

  void close() {
    closed = true;
    connected = false;
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }
}
