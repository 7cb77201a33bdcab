package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;

/**
 * Picks a host for a request. One instance per worker per cluster, so it keeps state (cursors, random
 * generators) without synchronization.
 */
public interface LoadBalancer {
  /** A host of {@code hosts}, or null when none is usable. */
  Host choose(HostSet hosts);
}
