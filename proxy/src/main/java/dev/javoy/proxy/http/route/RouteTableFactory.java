package dev.javoy.proxy.http.route;

import com.google.protobuf.Any;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.extension.ExtensionFactory;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Compiles an Envoy {@code RouteConfiguration} into a {@link RouteTable}, rejecting what javoy lacks. */
public final class RouteTableFactory {
  private static final Set<String> CONFIG_FIELDS = Set.of("name", "virtual_hosts", "validate_clusters",
      "ignore_port_in_host_matching", "request_headers_to_add", "request_headers_to_remove",
      "response_headers_to_add", "response_headers_to_remove", "most_specific_header_mutations_wins",
      "max_direct_response_body_size_bytes", "internal_only_headers");
  /** Envoy's default {@code max_direct_response_body_size_bytes}. */
  static final long DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;
  private static final Set<String> VHOST_FIELDS = Set.of("name", "domains", "routes", "typed_per_filter_config",
      "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
      "response_headers_to_remove", "include_request_attempt_count", "include_attempt_count_in_response",
      "retry_policy");
  private static final Set<String> ROUTE_FIELDS = Set.of("name", "match", "route", "redirect", "direct_response",
      "typed_per_filter_config", "decorator", "metadata", "request_headers_to_add", "request_headers_to_remove",
      "response_headers_to_add", "response_headers_to_remove", "tracing");
  /** Envoy's default route timeout. */
  public static final long DEFAULT_TIMEOUT_MILLIS = RouteTimeouts.DEFAULT_TIMEOUT_MILLIS;

  private final FactoryContext context;

  public RouteTableFactory(FactoryContext context) {
    this.context = context;
  }

  /** The header mutations of the enclosing levels, for the routes of one virtual host. */
  private record Levels(HeaderMutation vhostRequest, HeaderMutation vhostResponse, HeaderMutation configRequest,
      HeaderMutation configResponse, boolean mostSpecificWins) {}

  /**
   * @param checkClusters whether unknown clusters are an error (Envoy's {@code validate_clusters}, which
   *     defaults to true for route configs given inline in the bootstrap)
   */
  public RouteTable create(RouteConfiguration rc, String path, boolean checkClusters) throws ConfigException {
    FieldSupport.check(rc, path, CONFIG_FIELDS);
    boolean validate = rc.hasValidateClusters() ? rc.getValidateClusters().getValue() : checkClusters;
    HeaderMutation configRequest = HeaderMutation.of(rc.getRequestHeadersToAddList(),
        rc.getRequestHeadersToRemoveList(), path, "request");
    HeaderMutation configResponse = HeaderMutation.of(rc.getResponseHeadersToAddList(),
        rc.getResponseHeadersToRemoveList(), path, "response");
    Map<String, VirtualHost> exact = new HashMap<>();
    List<RouteTable.Wildcard> suffixes = new ArrayList<>();
    List<RouteTable.Wildcard> prefixes = new ArrayList<>();
    VirtualHost fallback = null;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
      var v = rc.getVirtualHosts(i);
      String vp = FieldSupport.index(path, "virtual_hosts", i);
      FieldSupport.check(v, vp, VHOST_FIELDS);
      if (!names.add(v.getName())) {
        throw new ConfigException(vp + ".name", "duplicate virtual host name '" + v.getName() + "'");
      }
      if (v.getDomainsCount() == 0) {
        throw new ConfigException(vp + ".domains", "a virtual host needs at least one domain");
      }
      VirtualHost vh = new VirtualHost(v.getName(), perFilter(v.getTypedPerFilterConfigMap(), vp),
          v.getIncludeRequestAttemptCount(), v.getIncludeAttemptCountInResponse());
      if (v.hasRetryPolicy()) {
        vh.setRetryPolicy(RetryPolicy.of(v.getRetryPolicy(), vp + ".retry_policy"));
      }
      Levels levels = new Levels(
          HeaderMutation.of(v.getRequestHeadersToAddList(), v.getRequestHeadersToRemoveList(), vp, "request"),
          HeaderMutation.of(v.getResponseHeadersToAddList(), v.getResponseHeadersToRemoveList(), vp, "response"),
          configRequest, configResponse, rc.getMostSpecificHeaderMutationsWins());
      List<Route> routes = new ArrayList<>();
      for (int j = 0; j < v.getRoutesCount(); j++) {
        routes.add(route(v.getRoutes(j), vh, levels, FieldSupport.index(vp, "routes", j), validate,
            rc.hasMaxDirectResponseBodySizeBytes() ? rc.getMaxDirectResponseBodySizeBytes().getValue()
                : DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES));
      }
      vh.setRoutes(routes);
      for (int d = 0; d < v.getDomainsCount(); d++) {
        String dom = v.getDomains(d).toLowerCase(Locale.ROOT);
        String dp = FieldSupport.index(vp, "domains", d);
        boolean dup;
        if (dom.equals("*")) {
          dup = fallback != null;
          fallback = vh;
        } else if (dom.startsWith("*")) {
          String s = dom.substring(1);
          dup = suffixes.stream().anyMatch(w -> w.fixed().equals(s));
          suffixes.add(new RouteTable.Wildcard(s, vh));
        } else if (dom.endsWith("*")) {
          String p = dom.substring(0, dom.length() - 1);
          dup = prefixes.stream().anyMatch(w -> w.fixed().equals(p));
          prefixes.add(new RouteTable.Wildcard(p, vh));
        } else {
          dup = exact.putIfAbsent(dom, vh) != null;
        }
        if (dup) {
          throw new ConfigException(dp, "only unique values for domains are permitted; duplicate entry of domain "
              + v.getDomains(d) + " in route " + rc.getName());
        }
      }
    }
    Comparator<RouteTable.Wildcard> longestFirst = Comparator.comparingInt(w -> -w.fixed().length());
    suffixes.sort(longestFirst);
    prefixes.sort(longestFirst);
    return new RouteTable(rc.getName(), Map.copyOf(exact), List.copyOf(suffixes), List.copyOf(prefixes),
        fallback, rc.getIgnorePortInHostMatching(),
        InternalOnlyHeaders.of(rc.getInternalOnlyHeadersList(), path));
  }

  /** @param maxBody {@code max_direct_response_body_size_bytes}: a longer direct response body is an error */
  private Route route(io.envoyproxy.envoy.config.route.v3.Route r, VirtualHost vh, Levels levels, String path,
      boolean validate, long maxBody) throws ConfigException {
    FieldSupport.check(r, path, ROUTE_FIELDS);
    var m = r.getMatch();
    RouteMatch match = RouteMatchFactory.create(m, path + ".match");
    RouteAction action = switch (r.getActionCase()) {
      case ROUTE -> RouteActionFactory.create(r.getRoute(), m, path + ".route",
          validate ? context.clusterManager() : null);
      case REDIRECT -> RouteActionFactory.redirect(r.getRedirect(), m, path + ".redirect");
      case DIRECT_RESPONSE -> {
        var d = r.getDirectResponse();
        String dp = path + ".direct_response";
        FieldSupport.check(d, dp, Set.of("status", "body"));
        if (d.getStatus() < 200 || d.getStatus() > 599) {
          throw new ConfigException(dp + ".status", "value must be in range [200, 600)");
        }
        byte[] body = d.hasBody() ? dataSource(d.getBody(), dp + ".body") : null;
        if (body != null && body.length > maxBody) {
          throw new ConfigException(dp + ".body", "response body size is " + body.length + " bytes; maximum is "
              + maxBody);
        }
        yield new DirectResponseAction(d.getStatus(), body);
      }
      default -> throw new ConfigException(path, "route action " + r.getActionCase() + " is not supported yet");
    };
    HeaderMutation request = HeaderMutation.of(r.getRequestHeadersToAddList(), r.getRequestHeadersToRemoveList(),
        path, "request");
    HeaderMutation response = HeaderMutation.of(r.getResponseHeadersToAddList(),
        r.getResponseHeadersToRemoveList(), path, "response");
    return new Route(r.getName(), vh, match, action, perFilter(r.getTypedPerFilterConfigMap(), path),
        HeaderMutationChain.of(request, levels.vhostRequest(), levels.configRequest(), levels.mostSpecificWins()),
        HeaderMutationChain.of(response, levels.vhostResponse(), levels.configResponse(),
            levels.mostSpecificWins()),
        dev.javoy.proxy.tracing.RouteTracing.of(r, path));
  }

  static Pattern regex(io.envoyproxy.envoy.type.matcher.v3.RegexMatcher rm, String path, boolean caseSensitive)
      throws ConfigException {
    FieldSupport.check(rm, path, Set.of("google_re2", "regex"));
    try {
      return Pattern.compile(rm.getRegex(), caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw new ConfigException(path + ".regex", "invalid regex '" + rm.getRegex() + "': " + e.getMessage(), e);
    }
  }

  /** Reads a {@code DataSource} (inline string/bytes or file) at config time. */
  public static byte[] dataSource(DataSource ds, String path) throws ConfigException {
    switch (ds.getSpecifierCase()) {
      case INLINE_STRING:
        return ds.getInlineString().getBytes(StandardCharsets.UTF_8);
      case INLINE_BYTES:
        return ds.getInlineBytes().toByteArray();
      case FILENAME:
        try {
          return Files.readAllBytes(Path.of(ds.getFilename()));
        } catch (IOException e) {
          throw new ConfigException(path + ".filename", "cannot read " + ds.getFilename() + ": " + e, e);
        }
      case ENVIRONMENT_VARIABLE: {
        String v = System.getenv(ds.getEnvironmentVariable());
        if (v == null) {
          throw new ConfigException(path + ".environment_variable",
              "environment variable " + ds.getEnvironmentVariable() + " is not set");
        }
        return v.getBytes(StandardCharsets.UTF_8);
      }
      default:
        return new byte[0];
    }
  }

  /** Resolves {@code typed_per_filter_config} entries to the owning HTTP filter factory by type URL. */
  private Map<String, Object> perFilter(Map<String, Any> configs, String path) throws ConfigException {
    if (configs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Any> e : configs.entrySet()) {
      String p = path + ".typed_per_filter_config[\"" + e.getKey() + "\"]";
      Any any = e.getValue();
      String typeUrl = TypedConfigs.typeUrlOf(any, p);
      HttpFilterFactory owner = null;
      com.google.protobuf.Message proto = null;
      for (ExtensionFactory f : context.extensions().registry().all()) {
        if (f instanceof HttpFilterFactory hf) {
          var routeProto = hf.defaultRouteConfig();
          if (routeProto != null && typeUrl.equals(
              dev.javoy.proxy.extension.ProtoTypeNames.typeUrl(routeProto))) {
            owner = hf;
            proto = routeProto;
            break;
          }
          if (typeUrl.equals(hf.typeUrl())) {
            owner = hf;
            proto = hf.defaultConfig();
          }
        }
      }
      if (owner == null) {
        throw new ConfigException(p, "no HTTP filter accepts per-route config with type URL " + typeUrl);
      }
      var msg = TypedConfigs.unpack(any, proto, p, context.extensions().registry().configTypes());
      out.put(e.getKey(), owner.createRouteConfig(msg, context));
    }
    return Map.copyOf(out);
  }
}
