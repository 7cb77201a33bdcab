package dev.javoy.proxy.tcp;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which upstream cluster a connection goes to: the one {@code cluster}, or one of {@code weighted_clusters}
 * drawn at random by weight for each connection.
 */
public final class ClusterChoice {
  private final String[] names;
  private final long[] cumulativeWeights;

  private ClusterChoice(String[] names, long[] cumulativeWeights) {
    this.names = names;
    this.cumulativeWeights = cumulativeWeights;
  }

  public static ClusterChoice single(String name) {
    return new ClusterChoice(new String[] {name}, new long[] {1});
  }

  /** @param weights positive, one per name */
  public static ClusterChoice weighted(List<String> names, List<Long> weights) {
    long[] cumulative = new long[weights.size()];
    long total = 0;
    for (int i = 0; i < cumulative.length; i++) {
      total += weights.get(i);
      cumulative[i] = total;
    }
    return new ClusterChoice(names.toArray(String[]::new), cumulative);
  }

  public String pick() {
    if (names.length == 1) {
      return names[0];
    }
    long r = ThreadLocalRandom.current().nextLong(cumulativeWeights[cumulativeWeights.length - 1]);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (r < cumulativeWeights[i]) {
        return names[i];
      }
    }
    return names[names.length - 1];
  }

  public List<String> names() {
    return List.of(names);
  }
}
