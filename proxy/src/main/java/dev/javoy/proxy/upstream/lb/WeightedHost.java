package dev.javoy.proxy.upstream.lb;

import com.google.protobuf.Value;
import dev.javoy.proxy.upstream.Host;
import java.util.ArrayList;
import java.util.List;

/**
 * A host with its normalized weight (all weights of a table sum to 1), the input of ring hash and Maglev tables,
 * and the key that places it: {@code filter_metadata["envoy.lb"].hash_key} when set, else its hostname
 * ({@code use_hostname_for_hashing}) or its address, as Envoy.
 */
record WeightedHost(Host host, double weight, String key) {

  /**
   * Envoy's {@code normalizeWeights}: host weights normalized over {@code hosts}; with locality weighting, each
   * locality's share (its weight over the weights of the localities with hosts here) split by host weight.
   */
  static List<WeightedHost> normalize(PriorityLevel level, boolean panic, boolean localityWeighted,
      boolean useHostname) {
    List<WeightedHost> out = new ArrayList<>();
    if (!localityWeighted) {
      Host[] hosts = panic ? level.hosts() : level.healthyHosts();
      addLocality(out, hosts, 1.0, useHostname);
      return out;
    }
    double sumLocalityWeights = 0;
    for (int i = 0; i < level.localityCount(); i++) {
      Host[] hosts = panic ? level.hostsInLocality(i) : level.healthyHostsInLocality(i);
      if (hosts.length > 0) {
        sumLocalityWeights += level.localityWeight(i);
      }
    }
    if (sumLocalityWeights == 0) {
      return out;
    }
    for (int i = 0; i < level.localityCount(); i++) {
      Host[] hosts = panic ? level.hostsInLocality(i) : level.healthyHostsInLocality(i);
      if (hosts.length > 0 && level.localityWeight(i) > 0) {
        addLocality(out, hosts, level.localityWeight(i) / sumLocalityWeights, useHostname);
      }
    }
    return out;
  }

  private static void addLocality(List<WeightedHost> out, Host[] hosts, double share, boolean useHostname) {
    long sum = 0;
    for (Host h : hosts) {
      sum += Math.max(1, h.weight());
    }
    for (Host h : hosts) {
      out.add(new WeightedHost(h, share * Math.max(1, h.weight()) / sum, key(h, useHostname)));
    }
  }

  static String key(Host h, boolean useHostname) {
    var lb = h.metadata().getFilterMetadataMap().get("envoy.lb");
    if (lb != null) {
      Value v = lb.getFieldsMap().get("hash_key");
      if (v != null && v.hasStringValue() && !v.getStringValue().isEmpty()) {
        return v.getStringValue();
      }
    }
    return useHostname && !h.hostname().isEmpty() ? h.hostname() : h.addressString();
  }
}
