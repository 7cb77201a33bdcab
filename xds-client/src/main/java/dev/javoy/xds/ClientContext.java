package dev.javoy.xds;

import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.function.Consumer;

/** What the parts of one client share: its loop, clock, stats listener and config. Loop-confined. */
final class ClientContext {
  final XdsClientConfig config;
  final EventLoop loop;
  final XdsStatsListener stats;
  private Consumer<TypeState<?>> interestListener = state -> {};

  ClientContext(XdsClientConfig config) {
    this.config = config;
    this.loop = config.eventLoop();
    this.stats = config.statsListener();
  }

  Instant now() {
    return config.clock().instant();
  }

  void onInterestChanged(Consumer<TypeState<?>> listener) {
    this.interestListener = listener;
  }

  /** A type's subscriptions changed: the streams must tell the server. */
  void interestChanged(TypeState<?> state) {
    interestListener.accept(state);
  }
}
