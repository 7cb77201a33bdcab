package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import io.netty.handler.codec.http.HttpRequest;

/** How a route action names its cluster: {@code cluster}, {@code cluster_header} or {@code weighted_clusters}. */
public interface ClusterSpecifier {
  /**
   * @param random the stream's random value (for weighted clusters)
   */
  ClusterTarget select(HttpRequest request, long random);

  /** {@code cluster}: always the same target, built once. */
  static ClusterSpecifier fixed(String clusterName) {
    ClusterTarget target = ClusterTarget.of(clusterName);
    return (r, random) -> target;
  }

  /**
   * {@code cluster_header}: the first value of the header; a missing header gives the empty name, which no
   * cluster has (Envoy's "cluster not found" reply).
   */
  static ClusterSpecifier fromHeader(String header) {
    RequestHeaders.Reader reader = RequestHeaders.reader(header);
    return (r, random) -> {
      String v = reader.first(r);
      return ClusterTarget.of(v == null ? "" : v);
    };
  }
}
