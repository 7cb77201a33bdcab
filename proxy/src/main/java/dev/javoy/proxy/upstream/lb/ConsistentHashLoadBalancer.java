package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import java.util.SplittableRandom;

/**
 * The worker side of RING_HASH and MAGLEV (Envoy's thread-aware balancers): the priority and then the host come
 * from the request's hash key, through the tables the main thread built for the host set ({@link
 * HostSet#lbData()}); a request without a hash key uses a random number instead, as Envoy.
 */
final class ConsistentHashLoadBalancer implements LoadBalancer {
  private final SplittableRandom random = new SplittableRandom();
  private final Counter panicCounter;

  ConsistentHashLoadBalancer(Counter panicCounter) {
    this.panicCounter = panicCounter;
  }

  @Override
  public Host choose(HostSet hostSet, LbContext context) {
    if (hostSet.levelCount() == 0 || !(hostSet.lbData() instanceof HashTable[] tables)) {
      return null;
    }
    long h = context.hasHashKey() ? context.hashKey() : random.nextLong();
    int p = tables.length == 1 ? 0 : hostSet.load().choose(h);
    if (hostSet.load().panic(p) && panicCounter != null) {
      panicCounter.inc();
    }
    HashTable t = tables[p];
    if (t == null) {
      return null;
    }
    return t.pick(h, context.hostSelectionAttempt());
  }
}
