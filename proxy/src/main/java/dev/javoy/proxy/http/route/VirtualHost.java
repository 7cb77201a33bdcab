package dev.javoy.proxy.http.route;

import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** A compiled virtual host: its routes in order, checked first match wins. */
public final class VirtualHost {
  private final String name;
  private List<Route> routes = List.of();
  private final Map<String, Object> perFilterConfig;
  private final boolean includeAttemptCountInRequest;
  private final boolean includeAttemptCountInResponse;
  private boolean usesRandom;
  private RetryPolicy retryPolicy;

  VirtualHost(String name, Map<String, Object> perFilterConfig, boolean includeAttemptCountInRequest,
      boolean includeAttemptCountInResponse) {
    this.name = name;
    this.perFilterConfig = perFilterConfig;
    this.includeAttemptCountInRequest = includeAttemptCountInRequest;
    this.includeAttemptCountInResponse = includeAttemptCountInResponse;
  }

  void setRoutes(List<Route> routes) {
    this.routes = List.copyOf(routes);
    this.usesRandom = routes.stream().anyMatch(r -> r.match().usesRandom());
  }

  void setRetryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = retryPolicy;
  }

  /** The virtual host's {@code retry_policy} (used when the route has none), or null. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  public String name() {
    return name;
  }

  public List<Route> routes() {
    return routes;
  }

  public Map<String, Object> perFilterConfig() {
    return perFilterConfig;
  }

  /** {@code include_request_attempt_count}: send {@code x-envoy-attempt-count} upstream. */
  public boolean includeAttemptCountInRequest() {
    return includeAttemptCountInRequest;
  }

  /** {@code include_attempt_count_in_response}: send {@code x-envoy-attempt-count} downstream. */
  public boolean includeAttemptCountInResponse() {
    return includeAttemptCountInResponse;
  }

  /** The first route matching the request, or null. One random value serves every route's runtime_fraction. */
  public Route match(HttpRequest request, String path) {
    return match(request, path, usesRandom ? ThreadLocalRandom.current().nextLong() : 0);
  }

  /** The first route matching the request with the stream's random value {@code random}, or null. */
  public Route match(HttpRequest request, String path, long random) {
    if (path == null) {
      path = ""; // CONNECT has no :path
    }
    int q = path.indexOf('?');
    int queryStart = q < 0 ? path.length() : q;
    for (int i = 0, n = routes.size(); i < n; i++) {
      Route r = routes.get(i);
      if (r.match().matches(request, path, queryStart, random)) {
        return r;
      }
    }
    return null;
  }
}
