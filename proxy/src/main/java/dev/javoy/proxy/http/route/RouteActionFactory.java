package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.http.upgrade.UpgradePolicy;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.Set;

/** Compiles a route's {@code route} action (cluster choice, rewrites, timeouts) into a {@link ClusterAction}. */
final class RouteActionFactory {
  private static final Set<String> ACTION_FIELDS = Set.of("cluster", "cluster_header", "weighted_clusters",
      "cluster_not_found_response_code", "timeout", "idle_timeout", "prefix_rewrite", "regex_rewrite",
      "path_rewrite_policy", "host_rewrite_literal", "auto_host_rewrite", "host_rewrite_header",
      "host_rewrite_path_regex", "append_x_forwarded_host", "max_stream_duration", "max_grpc_timeout",
      "grpc_timeout_offset", "retry_policy", "upgrade_configs", "hash_policy",
      "request_mirror_policies");

  private RouteActionFactory() {}

  /**
   * @param clusters the cluster manager when unknown clusters are an error ({@code validate_clusters}), else null
   */
  static ClusterAction create(RouteAction a, RouteMatch match, String path, ClusterManager clusters)
      throws ConfigException {
    FieldSupport.check(a, path, ACTION_FIELDS);
    WeightedClusters.ClusterCheck check = clusters == null ? null : (name, p) -> {
      if (clusters.get(name) == null) {
        throw new ConfigException(p, "route: unknown weighted cluster '" + name + "'");
      }
    };
    ClusterSpecifier specifier = switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        if (check != null && clusters.get(a.getCluster()) == null) {
          throw new ConfigException(path + ".cluster", "route: unknown cluster '" + a.getCluster() + "'");
        }
        yield ClusterSpecifier.fixed(a.getCluster());
      }
      case CLUSTER_HEADER -> ClusterSpecifier.fromHeader(a.getClusterHeader());
      case WEIGHTED_CLUSTERS -> WeightedClusters.of(a.getWeightedClusters(), path + ".weighted_clusters", check);
      default -> throw new ConfigException(path, "a route action needs cluster, cluster_header or weighted_clusters");
    };
    int notFound = switch (a.getClusterNotFoundResponseCode()) {
      case SERVICE_UNAVAILABLE -> 503;
      case NOT_FOUND -> 404;
      case INTERNAL_SERVER_ERROR -> 500;
      default -> throw new ConfigException(path + ".cluster_not_found_response_code", "unknown response code");
    };
    return new ClusterAction(specifier, notFound, pathRewrite(a, match, path), hostRewrite(a, path),
        a.getAppendXForwardedHost(), RouteTimeouts.of(a, path),
        a.hasRetryPolicy() ? RetryPolicy.of(a.getRetryPolicy(), path + ".retry_policy") : null,
        UpgradePolicy.forRoute(a.getUpgradeConfigsList(), path), HashPolicy.of(a.getHashPolicyList(), path),
        RequestMirror.of(a.getRequestMirrorPoliciesList(), path));
  }

  private static PathRewrite pathRewrite(RouteAction a, RouteMatch match, String path) throws ConfigException {
    int count = (a.getPrefixRewrite().isEmpty() ? 0 : 1) + (a.hasRegexRewrite() ? 1 : 0)
        + (a.hasPathRewritePolicy() ? 1 : 0);
    if (count > 1) {
      throw new ConfigException(path, "only one of prefix_rewrite, regex_rewrite or path_rewrite_policy may be "
          + "specified");
    }
    boolean template = RouteMatchFactory.isUriTemplate(match);
    if (a.hasPathRewritePolicy()) {
      if (!template) {
        throw new ConfigException(path + ".path_rewrite_policy", "a URI template rewrite needs a "
            + "path_match_policy URI template match");
      }
      return UriTemplates.rewrite(match.getPathMatchPolicy(), a.getPathRewritePolicy(),
          path + ".path_rewrite_policy");
    }
    if (!a.getPrefixRewrite().isEmpty()) {
      if (template) {
        throw new ConfigException(path + ".prefix_rewrite", "prefix_rewrite cannot be used with a "
            + "path_match_policy");
      }
      return PathRewrite.prefix(a.getPrefixRewrite(), RouteMatchFactory.matchedLength(match));
    }
    if (a.hasRegexRewrite()) {
      return PathRewrite.regex(RegexRewrite.of(a.getRegexRewrite(), path + ".regex_rewrite"));
    }
    return null;
  }

  private static HostRewrite hostRewrite(RouteAction a, String path) throws ConfigException {
    return switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL -> a.getHostRewriteLiteral().isEmpty() ? null
          : HostRewrite.literal(a.getHostRewriteLiteral());
      case AUTO_HOST_REWRITE -> a.getAutoHostRewrite().getValue() ? HostRewrite.auto() : null;
      case HOST_REWRITE_HEADER -> a.getHostRewriteHeader().isEmpty() ? null
          : HostRewrite.fromHeader(a.getHostRewriteHeader());
      case HOST_REWRITE_PATH_REGEX -> HostRewrite.pathRegex(
          RegexRewrite.of(a.getHostRewritePathRegex(), path + ".host_rewrite_path_regex"));
      default -> null;
    };
  }

  /** {@code redirect}. */
  static RedirectAction redirect(io.envoyproxy.envoy.config.route.v3.RedirectAction r, RouteMatch match,
      String path) throws ConfigException {
    if (RouteMatchFactory.isUriTemplate(match)
        && r.getPathRewriteSpecifierCase() == io.envoyproxy.envoy.config.route.v3.RedirectAction
            .PathRewriteSpecifierCase.PREFIX_REWRITE) {
      throw new ConfigException(path + ".prefix_rewrite", "prefix_rewrite cannot be used with a path_match_policy");
    }
    return RedirectAction.of(r, path, RouteMatchFactory.matchedLength(match));
  }
}
