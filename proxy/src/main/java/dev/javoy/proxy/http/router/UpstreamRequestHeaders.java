package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.TrustedHeaders;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.ClusterTarget;
import dev.javoy.proxy.http.route.GrpcTimeout;
import dev.javoy.proxy.http.route.HostRewrite;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.Host;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;

/**
 * Turns the downstream request into the upstream one, in place, in Envoy's order: hop-by-hop headers removed;
 * {@code grpc-timeout} set to the stream's limit; {@code x-envoy-expected-rq-timeout-ms} (the per-try timeout when
 * there is one, else the router timeout, as Envoy's {@code setTimeoutHeaders});
 * {@code x-envoy-attempt-count}; the header mutations (weighted cluster, then route, virtual host and route
 * configuration); the host rewrites (weighted cluster literal, then the route's, optionally recording the old
 * host in {@code x-forwarded-host}); the path rewrite (the old path kept in {@code x-envoy-original-path}).
 */
public final class UpstreamRequestHeaders {
  static final AsciiString X_ENVOY_EXPECTED_RQ_TIMEOUT_MS = EnvoyHeaderNames.X_ENVOY_EXPECTED_RQ_TIMEOUT_MS;
  static final AsciiString X_ENVOY_ORIGINAL_PATH = EnvoyHeaderNames.X_ENVOY_ORIGINAL_PATH;
  static final AsciiString X_ENVOY_ATTEMPT_COUNT = EnvoyHeaderNames.X_ENVOY_ATTEMPT_COUNT;
  static final AsciiString X_FORWARDED_HOST = EnvoyHeaderNames.X_FORWARDED_HOST;
  static final AsciiString ONE = AsciiString.cached("1");

  private UpstreamRequestHeaders() {}

  static void prepare(HttpRequest req, Route route, ClusterAction action, ClusterTarget target, Host host,
      StreamInfo info, RequestTimeouts timeouts, boolean suppressEnvoyHeaders) {
    HttpHeaders h = req.headers();
    int present = h instanceof FlatHttpHeaders f ? HopByHopHeaders.scan(f) : HopByHopHeaders.ANY;
    removeHopByHop(h, present);
    String uri = originForm(req);
    if (timeouts.grpc() && action.timeouts().usingNewTimeouts() && timeouts.streamDurationMillis() >= 0) {
      h.set(GrpcTimeout.HEADER, GrpcTimeout.format(timeouts.streamDurationMillis()));
    }
    // Envoy's setTimeoutHeaders: the per-try timeout when there is one, else the router timeout
    long expected = timeouts.expectedTimeoutMillis(0);
    if (expected > 0) {
      if (!suppressEnvoyHeaders) {
        String value = expected == action.timeouts().timeoutMillis()
            ? action.timeouts().timeoutHeaderValue() : Long.toString(expected);
        // digits javoy wrote: neither checked nor lower-cased again
        if (present != HopByHopHeaders.ANY && (present & HopByHopHeaders.EXPECTED_RQ_TIMEOUT) == 0) {
          TrustedHeaders.add(h, X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, value); // known absent: add appends as set would
        } else {
          TrustedHeaders.set(h, X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, value);
        }
      }
      if (timeouts.grpc() && action.timeouts().rewritesGrpcTimeoutToRouterTimeout()) {
        h.set(GrpcTimeout.HEADER, GrpcTimeout.format(expected));
      }
    }
    if (route.virtualHost().includeAttemptCountInRequest()) {
      TrustedHeaders.set(h, X_ENVOY_ATTEMPT_COUNT, ONE);
    }
    target.requestHeaders().apply(h, info);
    route.requestHeaders().apply(h, info);
    int q = uri.indexOf('?');
    int queryStart = q < 0 ? uri.length() : q;
    if (target.hostRewriteLiteral() != null) {
      h.set(HttpHeaderNames.HOST, target.hostRewriteLiteral());
    }
    HostRewrite hostRewrite = action.hostRewrite();
    if (hostRewrite != null) {
      String newHost = hostRewrite.newHost(req, uri, queryStart, host);
      if (newHost != null) {
        setHost(h, newHost, action.appendXForwardedHost());
      }
    }
    if (action.pathRewrite() != null) {
      String rewritten = action.pathRewrite().rewrite(uri, queryStart);
      if (rewritten != null) {
        if (!suppressEnvoyHeaders) {
          h.set(X_ENVOY_ORIGINAL_PATH, uri);
        }
        req.setUri(rewritten);
      }
    }
  }

  /**
   * A retry's timeout headers (Envoy's {@code doRetry} → {@code setTimeoutHeaders}): what the upstream is told again,
   * less the time the router timeout has run ({@code elapsedMillis} since the downstream request ended).
   */
  static void retryTimeoutHeaders(HttpHeaders h, ClusterAction action, RequestTimeouts timeouts, long elapsedMillis,
      boolean suppressEnvoyHeaders) {
    long expected = timeouts.expectedTimeoutMillis(elapsedMillis);
    if (expected > 0) {
      if (!suppressEnvoyHeaders) {
        TrustedHeaders.set(h, X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, Long.toString(expected));
      }
      if (timeouts.grpc() && action.timeouts().rewritesGrpcTimeoutToRouterTimeout()) {
        h.set(GrpcTimeout.HEADER, GrpcTimeout.format(expected));
      }
    }
  }

  /** Rewrites an absolute-form request target to origin form (upstream requests use origin form). */
  static String originForm(HttpRequest req) {
    String uri = req.uri();
    if (!uri.startsWith("/")) {
      int scheme = uri.indexOf("://");
      if (scheme > 0) {
        int slash = uri.indexOf('/', scheme + 3);
        uri = slash < 0 ? "/" : uri.substring(slash);
        req.setUri(uri);
      }
    }
    return uri;
  }

  /**
   * Sets the Host; with {@code append_x_forwarded_host}, the old host goes to the end of
   * {@code x-forwarded-host} unless it is already its last value.
   */
  static void setHost(HttpHeaders h, String newHost, boolean appendXfh) {
    String old = h.get(HttpHeaderNames.HOST);
    if (appendXfh && old != null && !old.isEmpty()) {
      String xfh = h.get(X_FORWARDED_HOST);
      if (xfh == null || xfh.isEmpty()) {
        h.set(X_FORWARDED_HOST, old);
      } else if (!xfh.substring(xfh.lastIndexOf(',') + 1).trim().equals(old)) {
        h.set(X_FORWARDED_HOST, xfh + "," + old);
      }
    }
    h.set(HttpHeaderNames.HOST, newHost);
  }

  private static final int TRANSFER_ENCODING_LENGTH = HttpHeaderNames.TRANSFER_ENCODING.length();

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** Removes {@code Connection} and the headers it names, and the fixed hop-by-hop set (but not chunking). */
  public static void removeHopByHop(HttpHeaders h) {
    removeHopByHop(h, h instanceof FlatHttpHeaders f ? HopByHopHeaders.scan(f) : HopByHopHeaders.ANY);
  }

  /**
   * {@link #removeHopByHop(HttpHeaders)} knowing which fixed hop-by-hop names are present ({@link HopByHopHeaders}
   * bits; {@code ANY} when unknown): lookups of absent names are skipped, which changes nothing.
   */
  static void removeHopByHop(HttpHeaders h, int present) {
    if ((present & HopByHopHeaders.ANY) == 0) {
      return;
    }
    if ((present & HopByHopHeaders.CONNECTION) != 0) {
      // javoy's HTTP/1.1 headers hand out the value as received (no String); a token that is the whole value is
      // removed by that value itself, so "Connection: keep-alive" costs nothing
      CharSequence connection;
      if (h instanceof FlatHttpHeaders f) {
        int i = f.firstIndexOf(HttpHeaderNames.CONNECTION);
        // the usual one-token values read in place: no view of a value that is dropped anyway
        if (i >= 0 && f.valueContentEqualsIgnoreCase(i, HttpHeaderValues.KEEP_ALIVE)) {
          connection = HttpHeaderValues.KEEP_ALIVE;
        } else if (i >= 0 && f.valueContentEqualsIgnoreCase(i, HttpHeaderValues.CLOSE)) {
          connection = HttpHeaderValues.CLOSE;
        } else {
          connection = i < 0 ? null : f.valueAt(i);
        }
      } else {
        connection = h.get(HttpHeaderNames.CONNECTION);
      }
      if (connection != null) {
        // token by token without String.split (no list or array per request)
        for (int start = 0, len = connection.length(); start <= len; ) {
          int end = start;
          while (end < len && connection.charAt(end) != ',') {
            end++;
          }
          int s = start;
          int e = end;
          while (s < e && isOws(connection.charAt(s))) {
            s++;
          }
          while (e > s && isOws(connection.charAt(e - 1))) {
            e--;
          }
          if (e > s && !(e - s == TRANSFER_ENCODING_LENGTH
              && AsciiString.regionMatches(connection, true, s, HttpHeaderNames.TRANSFER_ENCODING, 0, e - s))) {
            CharSequence n = s == 0 && e == len ? connection : connection.subSequence(s, e);
            int bit = HopByHopHeaders.bitOf(n);
            if ((bit & HopByHopHeaders.ANY) == 0 || (present & bit) != 0) {
              h.remove(n); // (a fixed hop-by-hop name known absent is skipped: e.g. "keep-alive" without the header)
            }
          }
          start = end + 1;
        }
        h.remove(HttpHeaderNames.CONNECTION);
      }
    }
    if ((present & HopByHopHeaders.KEEP_ALIVE) != 0) {
      h.remove(HttpHeaderNames.KEEP_ALIVE);
    }
    if ((present & HopByHopHeaders.PROXY_CONNECTION) != 0) {
      h.remove(HttpHeaderNames.PROXY_CONNECTION);
    }
    if ((present & HopByHopHeaders.UPGRADE) != 0) {
      h.remove(HttpHeaderNames.UPGRADE);
    }
    if ((present & HopByHopHeaders.TE) != 0 && h.contains(HttpHeaderNames.TE)) {
      // (containsValue allocates an iterator even when there is no TE)
      boolean trailers = h.containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
      h.remove(HttpHeaderNames.TE);
      if (trailers) {
        // as Envoy: "trailers" is the one TE value kept (gRPC)
        TrustedHeaders.set(h, HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
      }
    }
  }
}
