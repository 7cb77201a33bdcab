package dev.javoy.proxy.http.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.route.RouteTimeouts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code x-envoy-upstream-rq-timeout-ms} and {@code x-envoy-upstream-rq-per-try-timeout-ms} as Envoy's
 * {@code FilterUtility::finalTimeout} reads them: they override the route's, are consumed, and a per-try timeout not
 * below the router timeout is none. (The connection manager has removed them from requests that are not internal.)
 */
class RequestTimeoutsHeadersTest {
  static final List<Supplier<HttpHeaders>> MAPS = List.of(FlatHttpHeaders::new, DefaultHttpHeaders::new);

  static HttpRequest request(Supplier<HttpHeaders> map, String... nameValues) {
    HttpHeaders h = map.get();
    h.add("host", "h");
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", h);
  }

  @Test
  void noHeadersTheRoutesTimeouts() {
    for (Supplier<HttpHeaders> map : MAPS) {
      RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(15_000), request(map));
      assertEquals(15_000, t.routerMillis());
      assertEquals(300, t.perTryMillis(300), "the policy's per_try_timeout");
      assertEquals(0, t.perTryMillis(15_000), "not below the router timeout: none (Envoy)");
      assertEquals(0, t.perTryMillis(0));
    }
  }

  @Test
  void theHeadersOverrideAndAreConsumed() {
    for (Supplier<HttpHeaders> map : MAPS) {
      HttpRequest r = request(map, "x-envoy-upstream-rq-timeout-ms", "2500",
          "x-envoy-upstream-rq-per-try-timeout-ms", "+700", "x-other", "1");
      RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(15_000), r);
      assertEquals(2500, t.routerMillis());
      assertEquals(700, t.perTryMillis(300), "the header beats the policy");
      assertFalse(r.headers().contains("x-envoy-upstream-rq-timeout-ms"));
      assertFalse(r.headers().contains("x-envoy-upstream-rq-per-try-timeout-ms"));
      assertEquals("1", r.headers().get("x-other"));

      RequestTimeouts longTry = RequestTimeouts.of(RouteTimeouts.of(15_000),
          request(map, "x-envoy-upstream-rq-timeout-ms", "1000", "x-envoy-upstream-rq-per-try-timeout-ms", "1000"));
      assertEquals(0, longTry.perTryMillis(300), "a per-try timeout >= the global one is none");

      RequestTimeouts none = RequestTimeouts.of(RouteTimeouts.of(15_000),
          request(map, "x-envoy-upstream-rq-timeout-ms", "0", "x-envoy-upstream-rq-per-try-timeout-ms", "20000"));
      assertEquals(0, none.routerMillis(), "0 disables the router timeout");
      assertEquals(20_000, none.perTryMillis(0), "with no global timeout any per-try timeout stands");
    }
  }

  @Test
  void malformedValuesAreIgnoredButStillConsumed() {
    for (Supplier<HttpHeaders> map : MAPS) {
      HttpRequest r = request(map, "x-envoy-upstream-rq-timeout-ms", "-5",
          "x-envoy-upstream-rq-per-try-timeout-ms", "1s");
      RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(15_000), r);
      assertEquals(15_000, t.routerMillis());
      assertEquals(300, t.perTryMillis(300));
      assertFalse(r.headers().contains("x-envoy-upstream-rq-timeout-ms"));
      assertFalse(r.headers().contains("x-envoy-upstream-rq-per-try-timeout-ms"));
    }
    assertEquals(42, RequestTimeouts.parseMillis("+42"));
    assertEquals(-1, RequestTimeouts.parseMillis(""));
    assertEquals(-1, RequestTimeouts.parseMillis("4 2"));
  }

  @Test
  void altResponseMakesTimeoutsA204() {
    for (Supplier<HttpHeaders> map : MAPS) {
      RequestTimeouts plain = RequestTimeouts.of(RouteTimeouts.of(15_000), request(map));
      assertEquals(504, plain.timeoutResponseCode());
      assertEquals("upstream request timeout", plain.timeoutResponseBody());
      HttpRequest r = request(map, "x-envoy-upstream-rq-timeout-alt-response", "");
      RequestTimeouts alt = RequestTimeouts.of(RouteTimeouts.of(15_000), r);
      assertEquals(204, alt.timeoutResponseCode(), "any value, even an empty one");
      assertEquals("", alt.timeoutResponseBody());
      assertFalse(r.headers().contains("x-envoy-upstream-rq-timeout-alt-response"), "consumed");
      alt.compute(RouteTimeouts.of(15_000), request(map));
      assertEquals(504, alt.timeoutResponseCode(), "per request");
    }
  }

  @Test
  void aReusedInstanceForgetsTheLastRequestsHeader() {
    RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(15_000),
        request(FlatHttpHeaders::new, "x-envoy-upstream-rq-per-try-timeout-ms", "700"));
    t.compute(RouteTimeouts.of(15_000), request(FlatHttpHeaders::new));
    assertEquals(300, t.perTryMillis(300));
  }

  @Test
  void theExpectedTimeoutIsThePerTryOneWhenSetAndSmaller() {
    for (Supplier<HttpHeaders> map : MAPS) {
      RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(15_000), request(map));
      assertEquals(0, t.applyRetryPolicy(0));
      assertEquals(15_000, t.expectedTimeoutMillis(0), "no per-try timeout: the router timeout");
      assertEquals(300, t.applyRetryPolicy(300));
      assertEquals(300, t.expectedTimeoutMillis(0), "the policy's per_try_timeout (Envoy's setTimeoutHeaders)");
      assertEquals(300, t.expectedTimeoutMillis(14_000), "a retry: the per-try timeout while the router one lasts");
      assertEquals(200, t.expectedTimeoutMillis(14_800), "a retry: what is left of the router timeout");
      assertEquals(1, t.expectedTimeoutMillis(15_000), "used up: 1, as 0 would mean none");

      RequestTimeouts header = RequestTimeouts.of(RouteTimeouts.of(15_000),
          request(map, "x-envoy-upstream-rq-per-try-timeout-ms", "250"));
      assertEquals(250, header.expectedTimeoutMillis(0), "the header's per-try timeout, without any retry policy");
      assertEquals(250, header.applyRetryPolicy(0), "and it times the first attempt without a retry state");

      RequestTimeouts noRouter = RequestTimeouts.of(RouteTimeouts.of(0),
          request(map, "x-envoy-upstream-rq-per-try-timeout-ms", "250"));
      assertEquals(250, noRouter.expectedTimeoutMillis(0), "no router timeout: the per-try one alone");
      assertEquals(0, RequestTimeouts.of(RouteTimeouts.of(0), request(map)).expectedTimeoutMillis(0), "none at all");

      RequestTimeouts notBelow = RequestTimeouts.of(RouteTimeouts.of(1000),
          request(map, "x-envoy-upstream-rq-per-try-timeout-ms", "5000"));
      assertEquals(1000, notBelow.expectedTimeoutMillis(0), "a per-try timeout not below the router one is none");
    }
  }

  @Test
  void altStatNameIsConsumed() {
    for (Supplier<HttpHeaders> map : MAPS) {
      HttpRequest r = request(map, "x-envoy-upstream-alt-stat-name", "alt", "x-other", "1");
      UpstreamAltStatName.consume(r.headers());
      assertFalse(r.headers().contains("x-envoy-upstream-alt-stat-name"));
      assertEquals("1", r.headers().get("x-other"));
      HttpRequest plain = request(map);
      UpstreamAltStatName.consume(plain.headers());
      assertEquals("h", plain.headers().get("host"));
    }
  }

  @Test
  void aRetryTellsTheUpstreamWhatIsLeft() {
    for (Supplier<HttpHeaders> map : MAPS) {
      HttpRequest r = request(map, "x-envoy-expected-rq-timeout-ms", "300");
      RequestTimeouts t = RequestTimeouts.of(RouteTimeouts.of(1000), r);
      t.applyRetryPolicy(300);
      var action = dev.javoy.proxy.http.route.ClusterAction.to("c", 1000);
      UpstreamRequestHeaders.retryTimeoutHeaders(r.headers(), action, t, 200, false);
      assertEquals("300", r.headers().get("x-envoy-expected-rq-timeout-ms"), "the per-try timeout still fits");
      UpstreamRequestHeaders.retryTimeoutHeaders(r.headers(), action, t, 900, false);
      assertEquals("100", r.headers().get("x-envoy-expected-rq-timeout-ms"), "what is left of the router timeout");
      assertEquals(List.of("100"), r.headers().getAll("x-envoy-expected-rq-timeout-ms"));
      HttpRequest quiet = request(map);
      UpstreamRequestHeaders.retryTimeoutHeaders(quiet.headers(), action, t, 0, true);
      assertFalse(quiet.headers().contains("x-envoy-expected-rq-timeout-ms"), "suppress_envoy_headers");
    }
  }
}
