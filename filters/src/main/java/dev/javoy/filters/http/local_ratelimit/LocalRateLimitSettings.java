package dev.javoy.filters.http.local_ratelimit;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.http.filter.Percentage;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.XRateLimitHeadersRFCVersion;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A compiled {@code LocalRateLimit}: the filter's own, or a route's or virtual host's (which has a bucket of its
 * own, as in Envoy). Holds the process-wide token bucket (or the recipe for per-connection ones), the
 * enable/enforce fractions, the status and header additions, and the stats
 * {@code <stat_prefix>.http_local_rate_limit.*}. Descriptors and the other rate-limit-service features are
 * rejected.
 */
final class LocalRateLimitSettings {
  static final Set<String> SUPPORTED = Set.of("stat_prefix", "status", "token_bucket", "filter_enabled",
      "filter_enforced", "request_headers_to_add_when_not_enforced", "response_headers_to_add",
      "local_rate_limit_per_downstream_connection", "always_consume_default_token_bucket", "stage",
      "vh_rate_limits", "enable_x_ratelimit_headers", "max_dynamic_descriptors");
  static final long MIN_FILL_INTERVAL_NANOS = 50_000_000L;

  final int status;
  final Percentage enabled;
  final Percentage enforced;
  final HeaderAdditions responseHeaders;
  final HeaderAdditions requestHeadersWhenNotEnforced;
  final boolean perConnection;
  final Counter enabledCount;
  final Counter enforcedCount;
  final Counter rateLimited;
  final Counter ok;
  private final long maxTokens;
  private final long tokensPerFill;
  private final long fillIntervalNanos;
  private final LongSupplier clock;
  /** The bucket shared by all workers; null when buckets are per connection. */
  private final AtomicTokenBucket shared;

  private LocalRateLimitSettings(LocalRateLimit p, Percentage enabled, Percentage enforced,
      HeaderAdditions responseHeaders, HeaderAdditions requestHeaders, StatsStore stats, LongSupplier clock) {
    this.status = p.hasStatus() && p.getStatus().getCodeValue() >= 400 ? p.getStatus().getCodeValue() : 429;
    this.enabled = enabled;
    this.enforced = enforced;
    this.responseHeaders = responseHeaders;
    this.requestHeadersWhenNotEnforced = requestHeaders;
    this.perConnection = p.getLocalRateLimitPerDownstreamConnection();
    String prefix = p.getStatPrefix() + ".http_local_rate_limit.";
    this.enabledCount = stats.counter(prefix + "enabled");
    this.enforcedCount = stats.counter(prefix + "enforced");
    this.rateLimited = stats.counter(prefix + "rate_limited");
    this.ok = stats.counter(prefix + "ok");
    TokenBucket b = p.getTokenBucket();
    this.maxTokens = Integer.toUnsignedLong(b.getMaxTokens());
    this.tokensPerFill = b.hasTokensPerFill() ? Integer.toUnsignedLong(b.getTokensPerFill().getValue()) : 1;
    this.fillIntervalNanos = Durations.toNanos(b.getFillInterval());
    this.clock = clock;
    this.shared = perConnection ? null : newBucket();
  }

  /**
   * @param perRoute a {@code typed_per_filter_config} (which must have a token bucket)
   * @param path JSON path of the message, "" at the top of a typed config
   */
  static LocalRateLimitSettings of(LocalRateLimit p, boolean perRoute, String path, StatsStore stats,
      LongSupplier clock) throws ConfigException {
    FieldSupport.check(p, path, SUPPORTED);
    if (p.getStatPrefix().isEmpty()) {
      throw new ConfigException(FieldSupport.join(path, "stat_prefix"), "value length must be at least 1 characters");
    }
    if (p.hasStatus() && p.getStatus().getCodeValue() == 0) {
      throw new ConfigException(FieldSupport.join(path, "status.code"), "value must not be 0 (Empty)");
    }
    if (p.getStage() > 10) {
      throw new ConfigException(FieldSupport.join(path, "stage"), "value must be less than or equal to 10");
    }
    if (p.getEnableXRatelimitHeaders() != XRateLimitHeadersRFCVersion.OFF) {
      throw new ConfigException(FieldSupport.join(path, "enable_x_ratelimit_headers"),
          "X-RateLimit headers are not supported by javoy yet");
    }
    if (p.hasMaxDynamicDescriptors() && p.getMaxDynamicDescriptors().getValue() < 1) {
      throw new ConfigException(FieldSupport.join(path, "max_dynamic_descriptors"), "value must be at least 1");
    }
    if (p.hasTokenBucket()) {
      checkBucket(p.getTokenBucket(), FieldSupport.join(path, "token_bucket"));
    } else if (perRoute) {
      throw new ConfigException(FieldSupport.join(path, "token_bucket"),
          "local rate limit token bucket must be set for per filter configs");
    }
    Percentage enabled = p.hasFilterEnabled()
        ? Percentage.ofRuntime(p.getFilterEnabled(), FieldSupport.join(path, "filter_enabled")) : Percentage.NEVER;
    Percentage enforced = p.hasFilterEnforced()
        ? Percentage.ofRuntime(p.getFilterEnforced(), FieldSupport.join(path, "filter_enforced")) : Percentage.NEVER;
    HeaderAdditions response = HeaderAdditions.of(p.getResponseHeadersToAddList(),
        FieldSupport.join(path, "response_headers_to_add"), 10);
    HeaderAdditions request = HeaderAdditions.of(p.getRequestHeadersToAddWhenNotEnforcedList(),
        FieldSupport.join(path, "request_headers_to_add_when_not_enforced"), 10);
    return new LocalRateLimitSettings(p, enabled, enforced, response, request, stats, clock);
  }

  private static void checkBucket(TokenBucket b, String path) throws ConfigException {
    if (b.getMaxTokens() == 0) {
      throw new ConfigException(FieldSupport.join(path, "max_tokens"), "value must be greater than 0");
    }
    if (b.hasTokensPerFill() && b.getTokensPerFill().getValue() == 0) {
      throw new ConfigException(FieldSupport.join(path, "tokens_per_fill"), "value must be greater than 0");
    }
    if (!b.hasFillInterval()) {
      throw new ConfigException(FieldSupport.join(path, "fill_interval"), "value is required");
    }
    if (Durations.toNanos(b.getFillInterval()) < MIN_FILL_INTERVAL_NANOS) {
      throw new ConfigException(FieldSupport.join(path, "fill_interval"),
          "local rate limit token bucket fill timer must be >= 50ms");
    }
  }

  /** The process-wide bucket, or null when each downstream connection has its own. */
  AtomicTokenBucket sharedBucket() {
    return shared;
  }

  /** A fresh bucket of this config (the shared one, or one per connection). A missing bucket never has tokens. */
  AtomicTokenBucket newBucket() {
    return fillIntervalNanos <= 0 ? new AtomicTokenBucket(0, 1, 1, clock)
        : new AtomicTokenBucket(maxTokens, tokensPerFill, fillIntervalNanos, clock);
  }
}
