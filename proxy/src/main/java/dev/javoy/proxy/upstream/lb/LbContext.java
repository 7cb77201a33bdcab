package dev.javoy.proxy.upstream.lb;

/**
 * What a request tells the load balancer (Envoy's {@code LoadBalancerContext}): today its hash key, computed
 * once per request from the route's {@code hash_policy}. {@link #NONE} is shared, so a request without a hash
 * policy allocates nothing.
 */
public interface LbContext {
  LbContext NONE = new LbContext() {};

  /** Whether the request has a hash key (ring hash and Maglev pick at random without one, as Envoy). */
  default boolean hasHashKey() {
    return false;
  }

  default long hashKey() {
    return 0;
  }

  /** A context carrying {@code hash}. */
  static LbContext ofHash(long hash) {
    return new Hashed(hash);
  }

  /** A request's hash key. */
  record Hashed(long hash) implements LbContext {
    @Override
    public boolean hasHashKey() {
      return true;
    }

    @Override
    public long hashKey() {
      return hash;
    }
  }
}
