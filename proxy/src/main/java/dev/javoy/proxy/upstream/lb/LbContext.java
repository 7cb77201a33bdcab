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

  /**
   * The how-manieth host choice of this request this is, when a retry host predicate rejected the previous
   * choice (0 at first). Hash balancers then look elsewhere in their table, as Envoy's do.
   */
  default int hostSelectionAttempt() {
    return 0;
  }

  /** {@code base} for host choice number {@code attempt} of the same request. */
  static LbContext reselect(LbContext base, int attempt) {
    return new Reselect(base, attempt);
  }

  /** A context carrying {@code hash}. */
  static LbContext ofHash(long hash) {
    return new Hashed(hash);
  }

  /** Another host choice for the same request. */
  record Reselect(LbContext base, int attempt) implements LbContext {
    @Override
    public boolean hasHashKey() {
      return base.hasHashKey();
    }

    @Override
    public long hashKey() {
      return base.hashKey();
    }

    @Override
    public int hostSelectionAttempt() {
      return attempt;
    }
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
