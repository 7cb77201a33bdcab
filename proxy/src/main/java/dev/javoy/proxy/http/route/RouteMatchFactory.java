package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.filter.HeaderMatch;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.RouteMatch.PathSpecifierCase;
import java.util.Set;

/** Compiles a route's {@code match}. */
final class RouteMatchFactory {
  private static final Set<String> MATCH_FIELDS = Set.of("prefix", "path", "safe_regex", "path_separated_prefix",
      "path_match_policy", "case_sensitive", "grpc", "headers", "query_parameters", "runtime_fraction",
      "connect_matcher");

  private RouteMatchFactory() {}

  static RouteMatch create(io.envoyproxy.envoy.config.route.v3.RouteMatch m, String path) throws ConfigException {
    FieldSupport.check(m, path, MATCH_FIELDS);
    boolean cs = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    PathMatcher pm = switch (m.getPathSpecifierCase()) {
      case PREFIX -> PathMatcher.prefix(m.getPrefix(), cs);
      case PATH -> PathMatcher.exact(m.getPath(), cs);
      case PATH_SEPARATED_PREFIX -> PathMatcher.separatedPrefix(m.getPathSeparatedPrefix(), cs);
      case SAFE_REGEX -> PathMatcher.regex(RouteTableFactory.regex(m.getSafeRegex(), path + ".safe_regex", cs));
      case PATH_MATCH_POLICY -> UriTemplates.matcher(m.getPathMatchPolicy(), path + ".path_match_policy");
      case CONNECT_MATCHER -> {
        FieldSupport.check(m.getConnectMatcher(), path + ".connect_matcher", Set.of());
        yield PathMatcher.CONNECT;
      }
      default -> throw new ConfigException(path, "a route needs prefix, path, safe_regex, path_separated_prefix, "
          + "path_match_policy or connect_matcher");
    };
    if (m.hasGrpc()) {
      FieldSupport.check(m.getGrpc(), path + ".grpc", Set.of());
    }
    HeaderMatch[] headers = new HeaderMatch[m.getHeadersCount()];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = HeaderMatch.of(m.getHeaders(i), FieldSupport.index(path, "headers", i));
    }
    QueryParameterMatch[] params = new QueryParameterMatch[m.getQueryParametersCount()];
    for (int i = 0; i < params.length; i++) {
      params[i] = QueryParameterMatch.of(m.getQueryParameters(i), FieldSupport.index(path, "query_parameters", i));
    }
    RuntimeFraction runtime = m.hasRuntimeFraction()
        ? RuntimeFraction.of(m.getRuntimeFraction(), path + ".runtime_fraction") : null;
    return new RouteMatch(pm, m.hasGrpc(), headers, params, runtime);
  }

  /**
   * What {@code prefix_rewrite} replaces: the length of the matched prefix or path, or -1 for the whole path
   * without its query ({@code safe_regex}).
   */
  static int matchedLength(io.envoyproxy.envoy.config.route.v3.RouteMatch m) {
    return switch (m.getPathSpecifierCase()) {
      case PREFIX -> m.getPrefix().length();
      case PATH -> m.getPath().length();
      case PATH_SEPARATED_PREFIX -> m.getPathSeparatedPrefix().length();
      default -> -1;
    };
  }

  static boolean isUriTemplate(io.envoyproxy.envoy.config.route.v3.RouteMatch m) {
    return m.getPathSpecifierCase() == PathSpecifierCase.PATH_MATCH_POLICY;
  }
}
