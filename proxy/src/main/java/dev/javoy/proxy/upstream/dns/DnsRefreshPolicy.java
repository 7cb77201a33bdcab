package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.upstream.JitteredBackoff;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a DNS cluster resolves again: after a success, every {@code dns_refresh_rate} (default 5 s) or, with
 * {@code respect_dns_ttl}, after the answers' smallest TTL, plus a random {@code dns_jitter}; after a failure,
 * on the jittered exponential back-off of {@code dns_failure_refresh_rate}, or at the refresh rate without it.
 */
record DnsRefreshPolicy(long refreshMillis, boolean respectTtl, long jitterMillis, long failureBaseMillis,
    long failureMaxMillis) {
  static final long DEFAULT_REFRESH_MILLIS = 5000;

  @SuppressWarnings("deprecation")
  static DnsRefreshPolicy from(Cluster c, String path) throws ConfigException {
    long refresh = DEFAULT_REFRESH_MILLIS;
    if (c.hasDnsRefreshRate()) {
      refresh = Durations.toMillis(c.getDnsRefreshRate());
      if (refresh < 1) {
        throw new ConfigException(path + ".dns_refresh_rate", "must be at least 1ms");
      }
    }
    long jitter = c.hasDnsJitter() ? Durations.toMillis(c.getDnsJitter()) : 0;
    if (jitter < 0) {
      throw new ConfigException(path + ".dns_jitter", "must not be negative");
    }
    long base = 0;
    long max = 0;
    if (c.hasDnsFailureRefreshRate()) {
      String p = path + ".dns_failure_refresh_rate";
      Cluster.RefreshRate r = c.getDnsFailureRefreshRate();
      FieldSupport.check(r, p, Set.of("base_interval", "max_interval"));
      if (!r.hasBaseInterval() || Durations.toMillis(r.getBaseInterval()) < 1) {
        throw new ConfigException(p + ".base_interval", "is required and must be at least 1ms");
      }
      base = Durations.toMillis(r.getBaseInterval());
      if (r.hasMaxInterval()) {
        max = Durations.toMillis(r.getMaxInterval());
        if (max < base) {
          throw new ConfigException(p + ".max_interval", "must be at least base_interval");
        }
      }
    }
    return new DnsRefreshPolicy(refresh, c.getRespectDnsTtl(), jitter, base, max);
  }

  /** The delay before resolving again after a successful resolution whose smallest TTL was {@code ttlSeconds}. */
  long afterSuccess(long ttlSeconds) {
    long delay = respectTtl && ttlSeconds > 0 ? ttlSeconds * 1000 : refreshMillis;
    if (jitterMillis > 0) {
      delay += ThreadLocalRandom.current().nextLong(jitterMillis);
    }
    return delay;
  }

  /** The failure back-off of one resolve target; {@code null} means "retry at the refresh rate". */
  JitteredBackoff newFailureBackoff() {
    return failureBaseMillis > 0 ? new JitteredBackoff(failureBaseMillis, failureMaxMillis) : null;
  }

  long afterFailure(JitteredBackoff backoff) {
    return backoff == null ? refreshMillis : backoff.nextDelayMillis();
  }
}
