package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One of a route's {@code request_mirror_policies} (Envoy's shadow policy): which cluster gets a copy of the
 * request ({@code cluster}, or the cluster named by the request header {@code cluster_header}), for which
 * fraction of requests ({@code runtime_fraction}, default every request), and whether the shadow's host gets the
 * {@code -shadow} suffix.
 *
 * <p>javoy reads no runtime layers for routes, so {@code runtime_fraction.default_value} always applies, as in
 * Envoy when the runtime key has no value.
 */
public final class RequestMirror {
  static final Set<String> FIELDS = Set.of("cluster", "cluster_header", "runtime_fraction",
      "disable_shadow_host_suffix_append");

  private final String cluster;
  private final AsciiString clusterHeader;
  private final RuntimeFraction fraction;
  private final boolean disableShadowHostSuffixAppend;

  RequestMirror(String cluster, String clusterHeader, RuntimeFraction fraction, boolean disableShadowHostSuffixAppend) {
    this.cluster = cluster;
    this.clusterHeader = clusterHeader == null ? null : AsciiString.cached(clusterHeader.toLowerCase(Locale.ROOT));
    this.fraction = fraction;
    this.disableShadowHostSuffixAppend = disableShadowHostSuffixAppend;
  }

  static List<RequestMirror> of(List<RequestMirrorPolicy> policies, String path) throws ConfigException {
    if (policies.isEmpty()) {
      return List.of();
    }
    List<RequestMirror> out = new ArrayList<>(policies.size());
    for (int i = 0; i < policies.size(); i++) {
      RequestMirrorPolicy p = policies.get(i);
      String pp = FieldSupport.index(path, "request_mirror_policies", i);
      FieldSupport.check(p, pp, FIELDS);
      boolean hasCluster = !p.getCluster().isEmpty();
      boolean hasHeader = !p.getClusterHeader().isEmpty();
      if (hasCluster == hasHeader) {
        throw new ConfigException(pp, "exactly one of cluster or cluster_header must be set");
      }
      RuntimeFraction f = p.hasRuntimeFraction()
          ? RuntimeFraction.of(p.getRuntimeFraction(), pp + ".runtime_fraction") : null;
      out.add(new RequestMirror(hasCluster ? p.getCluster() : null, hasHeader ? p.getClusterHeader() : null, f,
          p.getDisableShadowHostSuffixAppend()));
    }
    return List.copyOf(out);
  }

  /** Whether this request is mirrored, by the stream's random value (Envoy's {@code featureEnabled}). */
  public boolean sampled(long random) {
    return fraction == null || fraction.matches(random);
  }

  /** The cluster to mirror to: the fixed one, or the value of {@code cluster_header} (null when absent). */
  public String clusterFor(HttpRequest request) {
    if (cluster != null) {
      return cluster;
    }
    String v = request.headers().get(clusterHeader);
    return v == null || v.isEmpty() ? null : v;
  }

  public boolean appendShadowSuffix() {
    return !disableShadowHostSuffixAppend;
  }

  /** The shadow's host: {@code -shadow} after the host name, before any port ({@code a:80 → a-shadow:80}). */
  public static String shadowHost(String host) {
    if (host == null || host.isEmpty()) {
      return host;
    }
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    if (colon > 0 && colon > bracket) {
      return host.substring(0, colon) + "-shadow" + host.substring(colon);
    }
    return host + "-shadow";
  }
}
