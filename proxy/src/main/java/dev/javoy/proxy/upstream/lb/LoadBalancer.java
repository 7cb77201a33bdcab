package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;

/**
 * Picks a host for a request. One instance per worker per cluster, so it keeps state (cursors, schedulers,
 * random generators) without synchronization; what is shared (priority loads, hash tables) is in the
 * immutable {@link HostSet}.
 */
public interface LoadBalancer {
  /** A host of {@code hosts} for a request with {@code context}, or null when none is usable. */
  Host choose(HostSet hosts, LbContext context);

  /** A host for a request without context (no hash key). */
  default Host choose(HostSet hosts) {
    return choose(hosts, LbContext.NONE);
  }
}
