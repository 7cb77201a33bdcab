package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster.ClusterWeight;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Set;

/**
 * {@code weighted_clusters} (Envoy v1.34): the stream's random value (or the unsigned number in the
 * {@code header_name} header, when it has exactly one valid value) modulo the sum of the weights picks the
 * cluster whose interval {@code [sum of the weights before it, + its weight)} holds it. {@code total_weight}
 * is deprecated and ignored; the sum must be in {@code (0, 2^32)}.
 */
final class WeightedClusters implements ClusterSpecifier {
  private static final Set<String> WEIGHTED_FIELDS =
      Set.of("clusters", "total_weight", "header_name");
  private static final Set<String> CLUSTER_FIELDS = Set.of("name", "cluster_header", "weight",
      "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
      "response_headers_to_remove", "host_rewrite_literal");

  /** One cluster: a fixed target, or one read from a header with this entry's mutations. */
  private record Entry(ClusterTarget fixed, RequestHeaders.Reader header, ClusterTarget template) {
    ClusterTarget target(HttpRequest r) {
      if (fixed != null) {
        return fixed;
      }
      String v = header.first(r);
      return new ClusterTarget(v == null ? "" : v, template.requestHeaders(), template.responseHeaders(),
          template.hostRewriteLiteral());
    }
  }

  private final Entry[] entries;
  /** The exclusive end of each entry's interval. */
  private final long[] ends;
  private final long total;
  private final String randomHeader; // null: the stream's random value

  private WeightedClusters(Entry[] entries, long[] ends, String randomHeader) {
    this.entries = entries;
    this.ends = ends;
    this.total = ends[ends.length - 1];
    this.randomHeader = randomHeader;
  }

  /**
   * @param knownCluster checks a fixed cluster name at config time (validate_clusters), or null
   */
  static WeightedClusters of(WeightedCluster w, String path, ClusterCheck knownCluster) throws ConfigException {
    FieldSupport.check(w, path, WEIGHTED_FIELDS);
    if (w.getClustersCount() == 0) {
      throw new ConfigException(path + ".clusters", "weighted_clusters needs at least one cluster");
    }
    Entry[] entries = new Entry[w.getClustersCount()];
    long[] ends = new long[entries.length];
    long sum = 0;
    for (int i = 0; i < entries.length; i++) {
      ClusterWeight c = w.getClusters(i);
      String p = FieldSupport.index(path, "clusters", i);
      FieldSupport.check(c, p, CLUSTER_FIELDS);
      boolean hasName = !c.getName().isEmpty();
      if (hasName == !c.getClusterHeader().isEmpty()) {
        throw new ConfigException(p, "exactly one of name and cluster_header must be set");
      }
      HeaderMutation req = HeaderMutation.of(c.getRequestHeadersToAddList(), c.getRequestHeadersToRemoveList(), p,
          "request");
      HeaderMutation resp = HeaderMutation.of(c.getResponseHeadersToAddList(),
          c.getResponseHeadersToRemoveList(), p, "response");
      String host = c.getHostRewriteLiteral().isEmpty() ? null : c.getHostRewriteLiteral();
      if (hasName) {
        if (knownCluster != null) {
          knownCluster.check(c.getName(), p + ".name");
        }
        entries[i] = new Entry(new ClusterTarget(c.getName(), req, resp, host), null, null);
      } else {
        entries[i] = new Entry(null, RequestHeaders.reader(c.getClusterHeader()),
            new ClusterTarget("", req, resp, host));
      }
      sum += Integer.toUnsignedLong(c.getWeight().getValue());
      ends[i] = sum;
    }
    if (sum == 0) {
      throw new ConfigException(path + ".clusters", "sum of weights in the weighted_cluster must be greater than 0");
    }
    if (sum > 0xFFFF_FFFFL) {
      throw new ConfigException(path + ".clusters", "the sum of weights of all weighted clusters exceeds 4294967295");
    }
    return new WeightedClusters(entries, ends, w.getHeaderName().isEmpty() ? null : w.getHeaderName());
  }

  /** Validates a cluster name at config time. */
  interface ClusterCheck {
    void check(String name, String path) throws ConfigException;
  }

  @Override
  public ClusterTarget select(HttpRequest request, long random) {
    long value = random;
    if (randomHeader != null) {
      List<String> values = request.headers().getAll(randomHeader);
      if (values.size() == 1) {
        try {
          value = Long.parseUnsignedLong(values.get(0));
        } catch (NumberFormatException e) {
          // not a number: the stream's random value stands
        }
      }
    }
    return pick(Long.remainderUnsigned(value, total)).target(request);
  }

  private Entry pick(long selected) {
    for (int i = 0; i < ends.length; i++) {
      if (selected < ends[i]) {
        return entries[i];
      }
    }
    return entries[entries.length - 1];
  }
}
