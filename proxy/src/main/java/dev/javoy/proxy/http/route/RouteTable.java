package dev.javoy.proxy.http.route;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A compiled route configuration (Envoy's {@code ConfigImpl}): virtual hosts found by Envoy's domain rules —
 * exact, then the longest {@code *.suffix}, then the longest {@code prefix.*}, then {@code *} — matched
 * case-insensitively against the Host/:authority. Immutable; read by all workers.
 */
public final class RouteTable {
  /** A wildcard domain: the fixed part and its virtual host. */
  record Wildcard(String fixed, VirtualHost vh) {}

  private final String name;
  private final Map<String, VirtualHost> exact;
  private final List<Wildcard> suffixes;
  private final List<Wildcard> prefixes;
  private final VirtualHost fallback;
  private final boolean ignorePortInHostMatching;
  /** No exact or wildcard-affixed domain: every host gets {@link #fallback} (the {@code *} virtual host or none). */
  private final boolean onlyFallback;

  /** {@code internal_only_headers}: removed from requests that are not internal. */
  private final InternalOnlyHeaders internalOnlyHeaders;

  RouteTable(String name, Map<String, VirtualHost> exact, List<Wildcard> suffixes, List<Wildcard> prefixes,
      VirtualHost fallback, boolean ignorePortInHostMatching) {
    this(name, exact, suffixes, prefixes, fallback, ignorePortInHostMatching, InternalOnlyHeaders.NONE);
  }

  RouteTable(String name, Map<String, VirtualHost> exact, List<Wildcard> suffixes, List<Wildcard> prefixes,
      VirtualHost fallback, boolean ignorePortInHostMatching, InternalOnlyHeaders internalOnlyHeaders) {
    this.internalOnlyHeaders = internalOnlyHeaders;
    this.name = name;
    this.exact = exact;
    this.suffixes = suffixes;
    this.prefixes = prefixes;
    this.fallback = fallback;
    this.ignorePortInHostMatching = ignorePortInHostMatching;
    this.onlyFallback = exact.isEmpty() && suffixes.isEmpty() && prefixes.isEmpty();
  }

  public String name() {
    return name;
  }

  /** The route configuration's {@code internal_only_headers} (Envoy's {@code Router::Config::internalOnlyHeaders}). */
  public InternalOnlyHeaders internalOnlyHeaders() {
    return internalOnlyHeaders;
  }

  /** False when every host gets the same virtual host: callers need not read the Host header to route. */
  public boolean hostMatters() {
    return !onlyFallback;
  }

  /** The virtual host for {@code host} (the Host header or :authority), or null. */
  public VirtualHost findVirtualHost(String host) {
    if (onlyFallback) {
      return fallback; // domains ["*"] only (the usual sidecar inbound and bench shape): the Host does not matter
    }
    if (host == null) {
      host = "";
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (ignorePortInHostMatching) {
      h = stripPort(h);
    }
    VirtualHost vh = exact.get(h);
    if (vh != null) {
      return vh;
    }
    for (int i = 0, n = suffixes.size(); i < n; i++) {
      Wildcard w = suffixes.get(i);
      if (h.length() > w.fixed().length() && h.endsWith(w.fixed())) {
        return w.vh();
      }
    }
    for (int i = 0, n = prefixes.size(); i < n; i++) {
      Wildcard w = prefixes.get(i);
      if (h.length() > w.fixed().length() && h.startsWith(w.fixed())) {
        return w.vh();
      }
    }
    return fallback;
  }

  /** Removes a trailing {@code :port} (keeping IPv6 literals in brackets intact). */
  public static String stripPort(String host) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.indexOf(']', colon) >= 0) {
      return host;
    }
    if (host.startsWith("[") || host.indexOf(':') == colon) {
      for (int i = colon + 1; i < host.length(); i++) {
        if (!Character.isDigit(host.charAt(i))) {
          return host;
        }
      }
      return host.substring(0, colon);
    }
    return host; // a bare IPv6 address without brackets has no port
  }
}
