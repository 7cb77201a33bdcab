package dev.javoy.proxy.upstream.lb;

import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.upstream.Host;

/**
 * LEAST_REQUEST as Envoy: with equal weights, the host with the fewest active requests among
 * {@code choice_count} random picks (default 2), or among all hosts with {@code selection_method: FULL_SCAN}
 * (ties broken at random); with unequal weights, earliest deadline first where a host's
 * weight is {@code load_balancing_weight / (active_requests + 1)^active_request_bias} (recomputed each time the
 * host is scheduled again).
 */
final class LeastRequestLoadBalancer extends PriorityLoadBalancer {
  private static final Object UNWEIGHTED = new Object();

  private final int choiceCount;
  private final double activeRequestBias;
  private final boolean fullScan;

  LeastRequestLoadBalancer(Counter panicCounter, boolean localityWeighted, int choiceCount,
      double activeRequestBias, boolean fullScan) {
    super(panicCounter, localityWeighted);
    this.choiceCount = choiceCount;
    this.activeRequestBias = activeRequestBias;
    this.fullScan = fullScan;
  }

  @Override
  Object newState(Host[] hosts, Object previous) {
    if (equalWeights(hosts)) {
      return UNWEIGHTED;
    }
    EdfScheduler s = new EdfScheduler(hosts.length);
    for (int i = 0; i < hosts.length; i++) {
      s.add(i, weight(hosts[i]));
    }
    return s;
  }

  @Override
  Host pick(Object state, Host[] hosts) {
    if (state == UNWEIGHTED && fullScan) {
      Host candidate = hosts[0];
      long candidateActive = candidate.rqActive.sum();
      int tied = 1;
      for (int i = 1; i < hosts.length; i++) {
        long active = hosts[i].rqActive.sum();
        if (active < candidateActive) {
          candidate = hosts[i];
          candidateActive = active;
          tied = 1;
        } else if (active == candidateActive && random.nextInt(++tied) == 0) {
          candidate = hosts[i]; // reservoir sampling: each tied host equally likely
        }
      }
      return candidate;
    }
    if (state == UNWEIGHTED) {
      Host candidate = hosts[random.nextInt(hosts.length)];
      if (hosts.length == 1) {
        return candidate;
      }
      long candidateActive = candidate.rqActive.sum();
      for (int c = 1; c < choiceCount; c++) {
        Host sampled = hosts[random.nextInt(hosts.length)];
        long active = sampled.rqActive.sum();
        if (active < candidateActive) {
          candidate = sampled;
          candidateActive = active;
        }
      }
      return candidate;
    }
    EdfScheduler s = (EdfScheduler) state;
    int i = s.pick();
    s.add(i, weight(hosts[i]));
    return hosts[i];
  }

  double weight(Host h) {
    double w = Math.max(1, h.weight());
    if (activeRequestBias == 0.0) {
      return w;
    }
    long active = h.rqActive.sum();
    if (activeRequestBias == 1.0) {
      return w / (active + 1);
    }
    return w / Math.pow(active + 1, activeRequestBias);
  }
}
