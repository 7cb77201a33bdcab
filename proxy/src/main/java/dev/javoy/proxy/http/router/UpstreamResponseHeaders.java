package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.TrustedHeaders;
import dev.javoy.proxy.http.route.ClusterTarget;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;

/**
 * Prepares an upstream response for the downstream: hop-by-hop headers out, Envoy's headers in, then the
 * route's response header mutations (weighted cluster first, then route, virtual host, route configuration)
 * and {@code x-envoy-attempt-count} when the virtual host asks for it.
 */
final class UpstreamResponseHeaders {
  static final AsciiString X_ENVOY_UPSTREAM_SERVICE_TIME = EnvoyHeaderNames.X_ENVOY_UPSTREAM_SERVICE_TIME;

  /**
   * The decimal digits of 0..1023 ms, made once: most service times are small. Not interned: this array is all that
   * needs them, and every interned string is an entry of the JVM's StringTable, which each young GC pause walks.
   */
  private static final AsciiString[] SMALL_MILLIS = new AsciiString[1024];

  static {
    for (int i = 0; i < SMALL_MILLIS.length; i++) {
      SMALL_MILLIS[i] = AsciiString.cached(Integer.toString(i));
    }
  }

  private UpstreamResponseHeaders() {}

  static CharSequence serviceTime(long millis) {
    return millis < SMALL_MILLIS.length ? SMALL_MILLIS[(int) millis] : Long.toString(millis);
  }

  /** @param serviceTimeMillis time to first response byte, or -1 to leave the header out */
  static void prepare(HttpResponse resp, HttpRequest req, long serviceTimeMillis) {
    HttpHeaders h = resp.headers();
    // One pass over the names finds the hop-by-hop headers to remove and whether content-length is there.
    int present = h instanceof FlatHttpHeaders f ? HopByHopHeaders.scan(f) : HopByHopHeaders.ANY;
    boolean contentLengthSet;
    if ((present & HopByHopHeaders.ANY) == HopByHopHeaders.CONNECTION
        && onlyConnectionKeepAlive((FlatHttpHeaders) h)) {
      // an upstream's usual "Connection: keep-alive" (nothing else hop-by-hop) went by its index: it names no
      // other header that is there, so what the scan saw of content-length still holds
      contentLengthSet = (present & HopByHopHeaders.CONTENT_LENGTH) != 0;
    } else {
      UpstreamRequestHeaders.removeHopByHop(h, present);
      contentLengthSet = (present & HopByHopHeaders.ANY) == HopByHopHeaders.ANY
          ? HttpUtil.isContentLengthSet(resp) // not scanned
          : (present & HopByHopHeaders.CONTENT_LENGTH) != 0
              && ((present & HopByHopHeaders.CONNECTION) == 0 || HttpUtil.isContentLengthSet(resp)); // Connection may name it
    }
    if (serviceTimeMillis >= 0) {
      // Envoy's inline header: in place if the upstream sent one; javoy's digits, not checked again
      TrustedHeaders.set(h, X_ENVOY_UPSTREAM_SERVICE_TIME, serviceTime(serviceTimeMillis));
    }
    int code = resp.status().code();
    boolean bodyless = code == 204 || code == 304 || (code >= 100 && code < 200)
        || isHead(req.method());
    if (!bodyless && !contentLengthSet && !HttpUtil.isTransferEncodingChunked(resp)) {
      // A close-delimited upstream body goes downstream chunked, so the downstream connection stays usable.
      TrustedHeaders.set(h, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  /**
   * When the first {@code Connection} header's value is exactly {@code keep-alive} (any case) and no
   * {@code keep-alive} header is present (the caller's scan says so), removes it and any later {@code Connection}
   * header, which is what {@link UpstreamRequestHeaders#removeHopByHop} does for it, and returns true; else changes
   * nothing.
   */
  private static boolean onlyConnectionKeepAlive(FlatHttpHeaders f) {
    int i = f.firstIndexOf(HttpHeaderNames.CONNECTION);
    if (i < 0 || !f.valueContentEqualsIgnoreCase(i, HttpHeaderValues.KEEP_ALIVE)) {
      return false;
    }
    f.removeAllFrom(i);
    return true;
  }

  /** HEAD without HttpMethod.equals's name comparison for the common methods (decoders return the constants). */
  private static boolean isHead(HttpMethod m) {
    return m == HttpMethod.HEAD || (m != HttpMethod.GET && m != HttpMethod.POST && m.equals(HttpMethod.HEAD));
  }

  /** The route's response header mutations; {@code %RESP(...)%} reads {@code resp}. */
  static void finalize(HttpResponse resp, Route route, ClusterTarget target, StreamInfo info) {
    HttpHeaders h = resp.headers();
    if (!target.responseHeaders().isEmpty() || !route.responseHeaders().isEmpty()) {
      info.responseHeaders = resp;
      target.responseHeaders().apply(h, info);
      route.responseHeaders().apply(h, info);
    }
    addAttemptCount(h, route, info);
  }

  /** {@code x-envoy-attempt-count} on responses, when the virtual host asks for it (whatever suppress says). */
  static void addAttemptCount(HttpHeaders h, Route route, StreamInfo info) {
    if (route.virtualHost().includeAttemptCountInResponse()) {
      TrustedHeaders.set(h, UpstreamRequestHeaders.X_ENVOY_ATTEMPT_COUNT,
          info.attemptCount <= 1 ? UpstreamRequestHeaders.ONE : Integer.toString(info.attemptCount));
    }
  }
}
