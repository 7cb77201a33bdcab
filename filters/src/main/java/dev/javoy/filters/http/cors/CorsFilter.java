package dev.javoy.filters.http.cors;

import dev.javoy.proxy.accesslog.filter.StringMatch;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.route.ClusterAction;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One stream of {@code envoy.filters.http.cors}, as Envoy's: with a {@code CorsPolicy} on the route or virtual
 * host (each field from the most specific policy that sets it), a request with an {@code Origin} is checked
 * against {@code allow_origin_string_match}; a preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered here with 200 and the {@code access-control-*} headers
 * (unless its origin is not allowed and {@code forward_not_matching_preflights}), and the response to an allowed
 * actual request gets {@code access-control-allow-origin} (and credentials, expose headers).
 */
final class CorsFilter implements HttpFilter {
  static final String CORS_RESPONSE_DETAILS = "cors_response";
  static final String REQUEST_METHOD = "access-control-request-method";
  static final String REQUEST_HEADERS = "access-control-request-headers";
  static final String REQUEST_PRIVATE_NETWORK = "access-control-request-private-network";
  static final String ALLOW_PRIVATE_NETWORK = "access-control-allow-private-network";

  private final CorsFilterConfig config;
  private final HttpFilterCallbacks callbacks;
  private List<CorsPolicyConfig> policies = List.of();
  private String latchedOrigin;
  private boolean corsRequest;

  CorsFilter(CorsFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest req, boolean endStream) {
    if (!(callbacks.route() != null && callbacks.route().action() instanceof ClusterAction)) {
      return FilterStatus.CONTINUE; // as Envoy: no route entry (no route, direct response, redirect)
    }
    policies = policies(callbacks.perFilterConfigs());
    if (policies.isEmpty()) {
      return FilterStatus.CONTINUE;
    }
    boolean enabled = policies.get(0).sampleEnabled();
    boolean shadow = policies.get(0).sampleShadowEnabled();
    if (!enabled && !shadow) {
      return FilterStatus.CONTINUE;
    }
    HttpHeaders h = req.headers();
    String origin = h.get(HttpHeaderNames.ORIGIN);
    if (origin == null || origin.isEmpty()) {
      return FilterStatus.CONTINUE;
    }
    boolean allowed = originAllowed(origin);
    if (allowed) {
      config.originValid.inc();
      latchedOrigin = origin;
    } else {
      config.originInvalid.inc();
    }
    if (!enabled) {
      return FilterStatus.CONTINUE; // shadow mode: checked and counted, not enforced
    }
    corsRequest = true;
    String requestMethod = h.get(REQUEST_METHOD);
    if (!HttpMethod.OPTIONS.equals(req.method()) || requestMethod == null || requestMethod.isEmpty()) {
      return FilterStatus.CONTINUE;
    }
    if (!allowed && first(CorsPolicyConfig::forwardNotMatchingPreflights, true)) {
      return FilterStatus.CONTINUE;
    }
    callbacks.streamInfo().responseCodeDetails = CORS_RESPONSE_DETAILS;
    callbacks.encodeHeaders(preflightResponse(h, allowed ? origin : null, requestMethod), true);
    return FilterStatus.STOP_ITERATION;
  }

  private HttpResponse preflightResponse(HttpHeaders req, String origin, String requestMethod) {
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders h = resp.headers();
    if (origin != null) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    if (first(CorsPolicyConfig::allowCredentials, false)) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    String methods = firstString(CorsPolicyConfig::allowMethods);
    if (!methods.isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods.equals("*") ? requestMethod : methods);
    }
    String headers = firstString(CorsPolicyConfig::allowHeaders);
    if (!headers.isEmpty()) {
      String requested = req.get(REQUEST_HEADERS);
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
          headers.equals("*") ? (requested == null ? "" : requested) : headers);
    }
    String maxAge = firstString(CorsPolicyConfig::maxAge);
    if (!maxAge.isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
    }
    if (first(CorsPolicyConfig::allowPrivateNetworkAccess, false) && "true".equals(req.get(REQUEST_PRIVATE_NETWORK))) {
      h.set(ALLOW_PRIVATE_NETWORK, "true");
    }
    h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    return resp;
  }

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    if (!corsRequest || latchedOrigin == null) {
      return FilterStatus.CONTINUE;
    }
    HttpHeaders h = response.headers();
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, latchedOrigin);
    if (first(CorsPolicyConfig::allowCredentials, false)) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    String expose = firstString(CorsPolicyConfig::exposeHeaders);
    if (!expose.isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, expose);
    }
    return FilterStatus.CONTINUE;
  }

  /** As Envoy: an origin is allowed if a matcher matches it, or matches the literal {@code *}. */
  private boolean originAllowed(String origin) {
    for (CorsPolicyConfig p : policies) {
      if (!p.allowOrigins().isEmpty()) {
        for (StringMatch m : p.allowOrigins()) {
          if (m.matches("*") || m.matches(origin)) {
            return true;
          }
        }
        return false;
      }
    }
    return false;
  }

  private <T> T first(Function<CorsPolicyConfig, T> field, T otherwise) {
    for (CorsPolicyConfig p : policies) {
      T v = field.apply(p);
      if (v != null) {
        return v;
      }
    }
    return otherwise;
  }

  private String firstString(Function<CorsPolicyConfig, String> field) {
    for (CorsPolicyConfig p : policies) {
      String v = field.apply(p);
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  private static List<CorsPolicyConfig> policies(List<Object> configs) {
    if (configs.size() == 1 && configs.get(0) instanceof CorsPolicyConfig only) {
      return List.of(only);
    }
    List<CorsPolicyConfig> out = new ArrayList<>(configs.size());
    for (Object o : configs) {
      if (o instanceof CorsPolicyConfig p) {
        out.add(p);
      }
    }
    return out;
  }
}
