package dev.javoy.filters.http.local_ratelimit;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.stream.ResponseFlag;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One stream of {@code envoy.filters.http.local_ratelimit}, as Envoy's: for the enabled fraction of requests it
 * takes a token from the bucket of the route's (or else the filter's) config; without one, the enforced fraction
 * is answered with the configured status (429), body {@code local_rate_limited} and {@code response_headers_to_add}
 * (flag RL), and the rest go on with {@code request_headers_to_add_when_not_enforced}.
 */
final class LocalRateLimitFilter implements HttpFilter {
  static final String BODY = "local_rate_limited";
  static final String DETAILS = "local_rate_limited";
  /** Per-connection buckets, by config, on the downstream channel (touched by its event loop only). */
  static final AttributeKey<Map<LocalRateLimitSettings, AtomicTokenBucket>> CONNECTION_BUCKETS =
      AttributeKey.valueOf("javoy.local_ratelimit.buckets");

  private final LocalRateLimitSettings filterSettings;
  private final HttpFilterCallbacks callbacks;

  LocalRateLimitFilter(LocalRateLimitSettings filterSettings, HttpFilterCallbacks callbacks) {
    this.filterSettings = filterSettings;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    LocalRateLimitSettings s =
        callbacks.perFilterConfig() instanceof LocalRateLimitSettings perRoute ? perRoute : filterSettings;
    if (!s.enabled.sample()) {
      return FilterStatus.CONTINUE;
    }
    s.enabledCount.inc();
    if (bucket(s).tryConsume()) {
      s.ok.inc();
      return FilterStatus.CONTINUE;
    }
    s.rateLimited.inc();
    if (!s.enforced.sample()) {
      s.requestHeadersWhenNotEnforced.applyTo(req.headers(), callbacks.streamInfo());
      return FilterStatus.CONTINUE;
    }
    s.enforcedCount.inc();
    callbacks.sendLocalReply(s.status, BODY, ResponseFlag.RATE_LIMITED, DETAILS,
        s.responseHeaders.isEmpty() ? null : h -> s.responseHeaders.applyTo(h, callbacks.streamInfo()));
    return FilterStatus.STOP_ITERATION;
  }

  private AtomicTokenBucket bucket(LocalRateLimitSettings s) {
    AtomicTokenBucket shared = s.sharedBucket();
    if (shared != null) {
      return shared;
    }
    Channel ch = callbacks.connection().channel();
    Map<LocalRateLimitSettings, AtomicTokenBucket> buckets = ch.attr(CONNECTION_BUCKETS).get();
    if (buckets == null) {
      buckets = new IdentityHashMap<>(2);
      ch.attr(CONNECTION_BUCKETS).set(buckets);
    }
    return buckets.computeIfAbsent(s, LocalRateLimitSettings::newBucket);
  }
}
