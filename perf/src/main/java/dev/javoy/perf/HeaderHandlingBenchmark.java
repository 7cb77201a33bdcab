package dev.javoy.perf;

import dev.javoy.proxy.http.route.RouteTable;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-request header work on a Netty {@link DefaultHttpRequest} with 12 typical browser/API headers: the
 * <b>baseline of the Netty-header era</b>, kept to compare representations, not javoy's current path.
 *
 * <p>It replicates the header operations {@code RequestHeaderMutator} (http.hcm) and {@code UpstreamRequestHeaders}
 * (http.router) did on Netty's {@code HttpHeaders} as of 2026-11-21 (both are package-private and take an HCM config,
 * a downstream connection and a stream info) for the default configuration: HCM with {@code use_remote_address:
 * false} (only {@code x-forwarded-proto} if missing and a generated {@code x-request-id}) or {@code true} (XFF append,
 * {@code x-envoy-external-address}/{@code x-envoy-internal}, {@code x-forwarded-proto}); router: hop-by-hop removal,
 * origin form, {@code x-envoy-expected-rq-timeout-ms: 15000}; no header mutations, no rewrites. javoy has since moved
 * to its own flat header map ({@code FlatHttpHeaders}), a generated request id kept as its 128 bits
 * ({@code UuidHeaderValue}) and Envoy v1.34's full internal-header sanitizing ({@code HeaderSanitizing}); this class
 * does not follow them. The current path is measured by {@code perf/bench/HeaderPathBench.java} (javoy's own
 * classes), {@code DecodeBench.java} and {@code HeaderLinesBench.java}. Only {@link RouteTable#stripPort} is called
 * from javoy itself. Every method builds a fresh request; {@link #buildOnly} is that cost alone, to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderHandlingBenchmark {
  static final String X_REQUEST_ID = "x-request-id";
  static final String X_FORWARDED_FOR = "x-forwarded-for";
  static final String X_FORWARDED_PROTO = "x-forwarded-proto";
  static final String X_ENVOY_EXTERNAL_ADDRESS = "x-envoy-external-address";
  static final String X_ENVOY_INTERNAL = "x-envoy-internal";
  static final String X_ENVOY_EXPECTED_RQ_TIMEOUT_MS = "x-envoy-expected-rq-timeout-ms";
  static final String TIMEOUT_HEADER_VALUE = "15000"; // RouteTimeouts precomputes this string
  static final char[] HEX = "0123456789abcdef".toCharArray();

  static HttpRequest newRequest() {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/api/v1/orders/12345?expand=items&lang=en");
    req.headers()
        .add("host", "shop.example.com:8080")
        .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
        .add("accept", "application/json, text/plain, */*")
        .add("accept-language", "en-US,en;q=0.5")
        .add("accept-encoding", "gzip, deflate, br")
        .add("referer", "https://shop.example.com/orders")
        .add("cookie", "session=3b1f9c0e7a; theme=dark; _ga=GA1.2.1234567890.1700000000")
        .add("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig")
        .add("cache-control", "no-cache")
        .add("connection", "keep-alive")
        .add("x-forwarded-for", "203.0.113.7")
        .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    return req;
  }

  /** RequestIds.newUuid, copied: digits into a per-thread scratch array, then one String. */
  private static final io.netty.util.concurrent.FastThreadLocal<byte[]> UUID_SCRATCH =
      new io.netty.util.concurrent.FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[36];
        }
      };

  static String newUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
    byte[] c = UUID_SCRATCH.get();
    int p = 0;
    for (int i = 60; i >= 0; i -= 4) {
      if (p == 8 || p == 13) {
        c[p++] = '-';
      }
      c[p++] = (byte) HEX[(int) (hi >>> i) & 0xF];
    }
    c[p++] = '-';
    for (int i = 60; i >= 0; i -= 4) {
      if (p == 23) {
        c[p++] = '-';
      }
      c[p++] = (byte) HEX[(int) (lo >>> i) & 0xF];
    }
    return new String(c, 0, 36, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** RequestHeaderMutator.mutate's operations; remote 127.0.0.1 (internal) or 198.51.100.4 (external). */
  static String hcmMutate(HttpRequest req, boolean useRemoteAddress, boolean stripAnyHostPort, String remote,
      boolean internal) {
    HttpHeaders h = req.headers();
    String host = h.get(HttpHeaderNames.HOST);
    if (host != null && stripAnyHostPort) {
      String stripped = RouteTable.stripPort(host);
      if (stripped != host) {
        h.set(HttpHeaderNames.HOST, stripped);
      }
    }
    String scheme = "http";
    boolean external = false;
    if (useRemoteAddress) {
      String xff = h.get(X_FORWARDED_FOR);
      h.set(X_FORWARDED_FOR, xff == null || xff.isEmpty() ? remote : xff + "," + remote);
      external = !internal;
      if (external) {
        h.set(X_ENVOY_EXTERNAL_ADDRESS, remote);
        h.remove(X_ENVOY_INTERNAL);
      } else {
        h.set(X_ENVOY_INTERNAL, "true");
      }
      h.set(X_FORWARDED_PROTO, scheme);
    } else if (!h.contains(X_FORWARDED_PROTO)) {
      h.set(X_FORWARDED_PROTO, scheme);
    }
    String id = h.get(X_REQUEST_ID);
    if (id == null || id.isEmpty() || external) {
      id = newUuid();
      h.set(X_REQUEST_ID, id);
    }
    return id;
  }

  /** UpstreamRequestHeaders.prepare's operations for a plain route (no rewrites, no mutations, not gRPC). */
  static void upstreamPrepare(HttpRequest req) {
    HttpHeaders h = req.headers();
    removeHopByHop(h);
    String uri = req.uri();
    if (!uri.startsWith("/")) {
      int scheme = uri.indexOf("://");
      if (scheme > 0) {
        int slash = uri.indexOf('/', scheme + 3);
        uri = slash < 0 ? "/" : uri.substring(slash);
        req.setUri(uri);
      }
    }
    h.set(X_ENVOY_EXPECTED_RQ_TIMEOUT_MS, TIMEOUT_HEADER_VALUE);
  }

  /** The router's own hop-by-hop removal (public for this benchmark). */
  static void removeHopByHop(HttpHeaders h) {
    dev.javoy.proxy.http.router.UpstreamRequestHeaders.removeHopByHop(h);
  }

  /** Baseline: building the 12-header request. */
  @Benchmark
  public HttpRequest buildOnly() {
    return newRequest();
  }

  /** Build + HCM mutation with the default config (use_remote_address: false). */
  @Benchmark
  public HttpRequest hcmDefault() {
    HttpRequest req = newRequest();
    hcmMutate(req, false, false, null, true);
    return req;
  }

  /** Build + HCM default + router upstream preparation: the whole default per-request header path. */
  @Benchmark
  public HttpRequest hcmAndRouterDefault() {
    HttpRequest req = newRequest();
    hcmMutate(req, false, false, null, true);
    upstreamPrepare(req);
    return req;
  }

  /** Edge proxy: use_remote_address + strip_any_host_port, external client, then the router. */
  @Benchmark
  public HttpRequest hcmAndRouterEdge() {
    HttpRequest req = newRequest();
    hcmMutate(req, true, true, "198.51.100.4", false);
    upstreamPrepare(req);
    return req;
  }
}
