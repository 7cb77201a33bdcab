package dev.javoy.proxy.http.route;

import static dev.javoy.proxy.http.route.RetryPolicy.RETRY_ON_5XX;
import static dev.javoy.proxy.http.route.RetryPolicy.RETRY_ON_CONNECT_FAILURE;
import static dev.javoy.proxy.http.route.RetryPolicy.RETRY_ON_GATEWAY_ERROR;
import static dev.javoy.proxy.http.route.RetryPolicy.RETRY_ON_REFUSED_STREAM;
import static dev.javoy.proxy.http.route.RetryPolicy.RETRY_ON_RESET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code retry_policy}: compilation, defaults, what is rejected, and the retry decisions. */
class RetryPolicyTest {
  private static RetryPolicy policy(String json) throws Exception {
    var b = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder();
    JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
        .add(PreviousHostsPredicate.getDescriptor()).build()).merge(json, b);
    return RetryPolicy.of(b.build(), "retry_policy");
  }

  private static HttpResponse response(int code, String... headers) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void defaults() throws Exception {
    RetryPolicy p = policy("{\"retry_on\": \"5xx\"}");
    assertEquals(RETRY_ON_5XX, p.retryOn());
    assertEquals(1, p.numRetries());
    assertEquals(0, p.perTryTimeoutMillis());
    assertEquals(25, p.backoffBaseMillis());
    assertEquals(250, p.backoffMaxMillis());
    assertFalse(p.previousHosts());
    assertEquals(1, p.hostSelectionMaxAttempts());
  }

  @Test
  void fullPolicy() throws Exception {
    RetryPolicy p = policy("{\"retry_on\": \"gateway-error, connect-failure,refused-stream,reset\", \"num_retries\": 3,"
        + " \"per_try_timeout\": \"0.25s\", \"retriable_status_codes\": [418, 429],"
        + " \"retry_host_predicate\": [{\"name\": \"envoy.retry_host_predicates.previous_hosts\", \"typed_config\":"
        + " {\"@type\": \"type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate\"}}],"
        + " \"host_selection_retry_max_attempts\": 5,"
        + " \"retry_back_off\": {\"base_interval\": \"0.1s\", \"max_interval\": \"0.3s\"}}");
    assertEquals(RETRY_ON_GATEWAY_ERROR | RETRY_ON_CONNECT_FAILURE | RETRY_ON_REFUSED_STREAM | RETRY_ON_RESET,
        p.retryOn());
    assertEquals(3, p.numRetries());
    assertEquals(250, p.perTryTimeoutMillis());
    assertArrayEquals(new int[] {418, 429}, p.retriableStatusCodes());
    assertTrue(p.previousHosts());
    assertEquals(5, p.hostSelectionMaxAttempts());
    assertEquals(100, p.backoffBaseMillis());
    assertEquals(300, p.backoffMaxMillis());
    assertEquals(0, policy("{\"retry_on\": \"5xx\", \"num_retries\": 0}").numRetries());
  }

  @Test
  void rejected() {
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx,bogus\"}"));
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx\", \"retry_priority\": {\"name\": \"x\"}}"));
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx\", \"per_try_idle_timeout\": \"1s\"}"));
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx\", \"retry_host_predicate\":"
        + " [{\"name\": \"envoy.retry_host_predicates.omit_canary_hosts\"}]}"));
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx\", \"retry_back_off\":"
        + " {\"base_interval\": \"1s\", \"max_interval\": \"0.5s\"}}"));
    assertThrows(ConfigException.class, () -> policy("{\"retry_on\": \"5xx\", \"retry_back_off\":"
        + " {\"max_interval\": \"0.5s\"}}"));
  }

  @Test
  void responseDecisions() throws Exception {
    RetryPolicy p = policy("{\"retry_on\": \"5xx\"}");
    int on = p.retryOn();
    assertTrue(p.retriesResponse(on, response(500), null, null));
    assertTrue(p.retriesResponse(on, response(503), null, null));
    assertFalse(p.retriesResponse(on, response(404), null, null));
    assertFalse(p.retriesResponse(on, response(503, "x-envoy-overloaded", "true"), null, null));
    assertFalse(p.retriesResponse(on, response(503, "x-envoy-ratelimited", "true"), null, null));
    int gw = RetryPolicy.parseRetryOnHeader("gateway-error");
    assertFalse(p.retriesResponse(gw, response(500), null, null));
    assertTrue(p.retriesResponse(gw, response(504), null, null));
    assertTrue(p.retriesResponse(RetryPolicy.parseRetryOnHeader("retriable-4xx"), response(409), null, null));
    assertFalse(p.retriesResponse(RetryPolicy.parseRetryOnHeader("retriable-4xx"), response(429), null, null));
    assertTrue(p.retriesResponse(RetryPolicy.parseRetryOnHeader("envoy-ratelimited"),
        response(429, "x-envoy-ratelimited", "true"), null, null));
  }

  @Test
  void statusCodesHeadersAndGrpc() throws Exception {
    RetryPolicy p = policy("{\"retry_on\": \"retriable-status-codes,retriable-headers,unavailable\","
        + " \"retriable_status_codes\": [418],"
        + " \"retriable_headers\": [{\"name\": \"x-retry-me\", \"string_match\": {\"exact\": \"yes\"}},"
        + " {\"name\": \":status\", \"range_match\": {\"start\": 420, \"end\": 422}}]}");
    int on = p.retryOn();
    assertTrue(p.retriesResponse(on, response(418), null, null));
    assertFalse(p.retriesResponse(on, response(419), null, null));
    assertTrue(p.retriesResponse(on, response(419), new int[] {419}, null), "x-envoy-retriable-status-codes");
    assertTrue(p.retriesResponse(on, response(200, "x-retry-me", "yes"), null, null));
    assertFalse(p.retriesResponse(on, response(200, "x-retry-me", "no"), null, null));
    assertTrue(p.retriesResponse(on, response(421), null, null), ":status range");
    assertTrue(p.retriesResponse(on, response(200, "x-other", "1"), null, List.of("x-other")));
    assertTrue(p.retriesResponse(on, response(200, "grpc-status", "14"), null, null));
    assertFalse(p.retriesResponse(on, response(200, "grpc-status", "13"), null, null));
    assertTrue(p.retriesResponse(RetryPolicy.parseRetryOnHeader("internal,cancelled"),
        response(200, "grpc-status", "13"), null, null));
  }

  @Test
  void failureDecisions() {
    int connect = RetryPolicy.parseRetryOnHeader("connect-failure");
    assertTrue(RetryPolicy.retriesConnectFailure(connect));
    assertFalse(RetryPolicy.retriesReset(connect, false));
    assertFalse(RetryPolicy.retriesTimeout(connect));
    int five = RetryPolicy.parseRetryOnHeader("5xx");
    assertTrue(RetryPolicy.retriesConnectFailure(five));
    assertTrue(RetryPolicy.retriesReset(five, false));
    assertTrue(RetryPolicy.retriesTimeout(five));
    int refused = RetryPolicy.parseRetryOnHeader("refused-stream");
    assertTrue(RetryPolicy.retriesReset(refused, true));
    assertFalse(RetryPolicy.retriesReset(refused, false));
    assertTrue(RetryPolicy.retriesConnectFailure(RetryPolicy.parseRetryOnHeader("reset-before-request")));
    assertEquals(0, RetryPolicy.parseRetryOnHeader("nonsense"), "unknown header conditions are ignored");
    assertEquals(RetryPolicy.RETRY_ON_HTTP3_POST_CONNECT_FAILURE,
        RetryPolicy.parseRetryOnHeader("http3-post-connect-failure"));
  }

  @Test
  void routeOverridesVirtualHost() throws Exception {
    RouteTable t = RouteTables.table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"],"
        + " \"retry_policy\": {\"retry_on\": \"reset\", \"num_retries\": 4}, \"routes\": ["
        + "{\"match\": {\"prefix\": \"/r\"}, \"route\": {\"cluster\": \"a\", \"retry_policy\": {\"retry_on\": \"5xx\"}}},"
        + "{\"match\": {\"prefix\": \"/\"}, \"route\": {\"cluster\": \"a\"}}]}]}");
    VirtualHost vh = t.findVirtualHost("x");
    assertEquals(4, vh.retryPolicy().numRetries());
    assertEquals(RETRY_ON_5XX, ((ClusterAction) vh.routes().get(0).action()).retryPolicy().retryOn());
    assertNull(((ClusterAction) vh.routes().get(1).action()).retryPolicy());
    assertSame(vh, vh.routes().get(1).virtualHost());
  }
}
