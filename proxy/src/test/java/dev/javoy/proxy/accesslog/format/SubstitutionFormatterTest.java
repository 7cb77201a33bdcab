package dev.javoy.proxy.accesslog.format;

import static dev.javoy.proxy.accesslog.TestStreams.headers;
import static dev.javoy.proxy.accesslog.TestStreams.request;
import static dev.javoy.proxy.accesslog.TestStreams.response;
import static dev.javoy.proxy.accesslog.TestStreams.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionFormatterTest {
  private static String fmt(String format, StreamInfo info) throws ConfigException {
    return SubstitutionFormatStrings.text(format, "f").format(info, "");
  }

  private static StreamInfo full() throws Exception {
    StreamInfo info = stream("User-Agent", "curl/8", "X-Request-Id", "abc-123", "Host", "example.com",
        "X-Forwarded-For", "10.0.0.9");
    info.requestHeaders = request(HttpMethod.POST, "/api/v1/locations?x=1", "user-agent", "curl/8",
        "x-request-id", "abc-123", "host", "example.com", "x-forwarded-for", "10.0.0.9");
    info.responseHeaders = response(204, "x-envoy-upstream-service-time", "100");
    info.responseCode = 204;
    info.bytesReceived = 154;
    info.bytesSent = 0;
    info.upstreamHostAddress = new InetSocketAddress(InetAddress.getByName("10.0.2.1"), 80);
    info.upstreamClusterName = "backend";
    info.upstreamLocalAddress = new InetSocketAddress(InetAddress.getByName("10.0.2.2"), 40000);
    info.downstreamRemoteAddress = new InetSocketAddress(InetAddress.getByName("::1"), 5555);
    info.downstreamLocalAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 10000);
    info.endNanos = info.startNanos + 226_400_000L;
    return info;
  }

  @Test
  void defaultFormatMatchesEnvoysExample() throws Exception {
    StreamInfo info = full();
    info.protocol = "HTTP/2";
    String line = SubstitutionFormatStrings.defaultFormatter().format(info, "");
    String start = Instant.ofEpochMilli(info.startTimeEpochMillis).toString();
    start = start.length() == 20 ? start.replace("Z", ".000Z") : start; // Instant drops .000
    assertEquals("[" + start + "] \"POST /api/v1/locations?x=1 HTTP/2\" 204 - 154 0 226 100 \"10.0.0.9\" "
        + "\"curl/8\" \"abc-123\" \"example.com\" \"10.0.2.1:80\"\n", line);
  }

  @Test
  void defaultFormatTextIsEnvoys() {
    assertEquals("[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
        + "%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
        + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
        + "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"\n",
        SubstitutionFormatStrings.DEFAULT_FORMAT);
  }

  @Test
  void missingValuesPrintDashOrNothingWithOmitEmpty() throws Exception {
    StreamInfo info = new StreamInfo();
    assertEquals("- - - 0 -", fmt("%REQ(:METHOD)% %PROTOCOL% %UPSTREAM_HOST% %RESPONSE_CODE% %ROUTE_NAME%", info));
    SubstitutionFormatter omit = SubstitutionFormatStrings.text("[%REQ(FOO)%][%ROUTE_NAME%]", true, "text/plain", "f");
    assertEquals("[][]", omit.format(info, ""));
  }

  @Test
  void percentEscapesAndPlainText() throws Exception {
    assertEquals("100% done %", fmt("100%% done %%", new StreamInfo()));
    assertEquals("", fmt("", new StreamInfo()));
  }

  @Test
  void requestHeadersWithAlternativesPseudoHeadersAndTruncation() throws Exception {
    StreamInfo info = full();
    assertEquals("POST|/api/v1/locations?x=1|example.com|http", fmt("%REQ(:METHOD)%|%REQ(:PATH)%|"
        + "%REQ(:AUTHORITY)%|%REQ(:SCHEME)%", info));
    info.requestHeaders.headers().add("x-envoy-original-path", "/orig");
    assertEquals("/orig", fmt("%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%", info));
    assertEquals("/api/v1/locations?x=1", fmt("%REQ(X-MISSING?:PATH)%", info));
    assertEquals("cur", fmt("%REQ(user-agent):3%", info));
    assertEquals("cur", fmt("%REQUEST_HEADER(USER-AGENT):3%", info));
    assertEquals("/api/v1/locations", fmt("%REQ_WITHOUT_QUERY(:PATH)%", info));
    assertEquals("/api/v", fmt("%REQ_WITHOUT_QUERY(:PATH):6%", info));
    assertEquals("-", fmt("%REQ(:PROTOCOL)%", info));
    info.requestHeaders.headers().add("x-multi", "a").add("x-multi", "b");
    assertEquals("a", fmt("%REQ(X-MULTI)%", info), "the first value, as Envoy");
    info.requestHeaders.headers().add("x-empty", "");
    assertEquals("[]", fmt("[%REQ(X-EMPTY)%]", info), "present but empty is empty, not -");
  }

  @Test
  void absoluteFormRequestTarget() throws Exception {
    StreamInfo info = new StreamInfo();
    info.requestHeaders = request(HttpMethod.GET, "http://proxy.example:8080/p/q?r=1", "host", "other");
    assertEquals("/p/q?r=1 proxy.example:8080 http", fmt("%REQ(:PATH)% %REQ(:AUTHORITY)% %REQ(:SCHEME)%", info));
    info.requestHeaders = request(HttpMethod.GET, "https://h?x", "x", "y");
    assertEquals("/?x h https", fmt("%REQ(:PATH)% %REQ(:AUTHORITY)% %REQ(:SCHEME)%", info));
  }

  @Test
  void responseHeadersTrailersAndStatus() throws Exception {
    StreamInfo info = full();
    assertEquals("100 204 - 100", fmt("%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% %RESP(:STATUS)% %RESP(X-NONE)% "
        + "%RESPONSE_HEADER(x-none?x-envoy-upstream-service-time)%", info));
    assertEquals("-", fmt("%TRAILER(GRPC-STATUS)%", info));
    info.responseTrailers = headers("grpc-status", "0", "grpc-message", "okay");
    assertEquals("0 ok", fmt("%TRAILER(GRPC-STATUS)% %RESPONSE_TRAILER(grpc-message):2%", info));
  }

  @Test
  void streamFacts() throws Exception {
    StreamInfo info = full();
    info.responseCodeDetails = "via upstream\tnow";
    info.connectionTerminationDetails = "closed";
    info.routeName = "r1";
    info.requestedServerName = "sni.example";
    info.filterChainName = "fc0";
    info.connectionId = 42;
    info.attemptCount = 2;
    info.upstreamTransportFailureReason = "connection refused";
    info.requestId = "rid";
    info.setResponseFlag(ResponseFlag.NO_ROUTE_FOUND);
    info.setResponseFlag(ResponseFlag.UPSTREAM_OVERFLOW);
    assertEquals("HTTP/1.1 204 via_upstream_now|via upstream\tnow closed", fmt("%PROTOCOL% %RESPONSE_CODE% "
        + "%RESPONSE_CODE_DETAILS%|%RESPONSE_CODE_DETAILS(ALLOW_WHITESPACES)% %CONNECTION_TERMINATION_DETAILS%",
        info));
    assertEquals("UO,NR upstream_overflow,no_route_found", fmt("%RESPONSE_FLAGS% %RESPONSE_FLAGS_LONG%", info));
    assertEquals("154 0 backend backend r1 sni.example fc0 42 2 connection_refused rid 0",
        fmt("%BYTES_RECEIVED% %BYTES_SENT% %UPSTREAM_CLUSTER% %UPSTREAM_CLUSTER_RAW% %ROUTE_NAME% "
            + "%REQUESTED_SERVER_NAME% %FILTER_CHAIN_NAME% %CONNECTION_ID% %UPSTREAM_REQUEST_ATTEMPT_COUNT% "
            + "%UPSTREAM_TRANSPORT_FAILURE_REASON% %STREAM_ID% %UPSTREAM_CONNECTION_ID%", info));
    assertEquals("-", fmt("%VIRTUAL_CLUSTER_NAME%", info));
    String uuid = fmt("%UNIQUE_ID%", info);
    assertTrue(uuid.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), uuid);
  }

  @Test
  void addresses() throws Exception {
    StreamInfo info = full();
    assertEquals("10.0.2.1:80 10.0.2.1:80 10.0.2.1 80", fmt("%UPSTREAM_HOST% %UPSTREAM_REMOTE_ADDRESS% "
        + "%UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %UPSTREAM_REMOTE_PORT%", info));
    assertEquals("10.0.2.2:40000 10.0.2.2 40000", fmt("%UPSTREAM_LOCAL_ADDRESS% "
        + "%UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT% %UPSTREAM_LOCAL_PORT%", info));
    assertEquals("[::1]:5555 ::1 5555 [::1]:5555 ::1", fmt("%DOWNSTREAM_REMOTE_ADDRESS% "
        + "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_REMOTE_PORT% %DOWNSTREAM_DIRECT_REMOTE_ADDRESS% "
        + "%DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT%", info));
    assertEquals("127.0.0.1:10000 127.0.0.1 10000 127.0.0.1:10000", fmt("%DOWNSTREAM_LOCAL_ADDRESS% "
        + "%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_LOCAL_PORT% %DOWNSTREAM_DIRECT_LOCAL_ADDRESS%", info));
    info.downstreamRemoteAddress = new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 443);
    assertEquals("[2001:db8::1]:443", fmt("%DOWNSTREAM_REMOTE_ADDRESS%", info));
    info.downstreamLocalAddress = new DomainSocketAddress("/tmp/sock");
    assertEquals("/tmp/sock - 10.0.2.1:80 10.0.2.1", fmt("%DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_PORT% "
        + "%UPSTREAM_HOST_NAME% %UPSTREAM_HOST_NAME_WITHOUT_PORT%", info));
    info.upstreamHostname = "backend.svc:8080";
    assertEquals("backend.svc:8080 backend.svc", fmt("%UPSTREAM_HOST_NAME% %UPSTREAM_HOST_NAME_WITHOUT_PORT%", info));
    assertEquals("- -", fmt("%UPSTREAM_HOST% %DOWNSTREAM_REMOTE_ADDRESS%", new StreamInfo()));
  }

  @Test
  void durations() throws Exception {
    StreamInfo info = new StreamInfo();
    long s = info.startNanos;
    info.lastDownstreamRxNanos = s + 5_900_000;
    info.firstUpstreamTxNanos = s + 6_000_000;
    info.lastUpstreamTxNanos = s + 7_000_000;
    info.firstUpstreamRxNanos = s + 20_000_000;
    info.lastUpstreamRxNanos = s + 30_000_000;
    info.firstDownstreamTxNanos = s + 21_000_000;
    info.lastDownstreamTxNanos = s + 31_500_000;
    info.endNanos = s + 32_000_000;
    assertEquals("32 5 7 20 11", fmt("%DURATION% %REQUEST_DURATION% %REQUEST_TX_DURATION% %RESPONSE_DURATION% "
        + "%RESPONSE_TX_DURATION%", info));
    assertEquals("14000 14000000 10 -", fmt("%COMMON_DURATION(US_TX_BEG:US_RX_BEG:us)% "
        + "%COMMON_DURATION(US_TX_BEG:US_RX_BEG:ns)% %COMMON_DURATION(DS_TX_BEG:DS_TX_END:ms)% "
        + "%COMMON_DURATION(US_CX_BEG:US_CX_END:ms)%", info));
    assertEquals("- - -", fmt("%REQUEST_DURATION% %RESPONSE_DURATION% %RESPONSE_TX_DURATION%", new StreamInfo()));
  }

  @Test
  void environmentHostnameLocalReplyBody() throws Exception {
    Map.Entry<String, String> env = System.getenv().entrySet().stream()
        .filter(e -> !e.getValue().isEmpty() && e.getValue().indexOf('\n') < 0).findFirst().orElseThrow();
    assertEquals(env.getValue(), fmt("%ENVIRONMENT(" + env.getKey() + ")%", new StreamInfo()));
    assertEquals(env.getValue().substring(0, 1), fmt("%ENVIRONMENT(" + env.getKey() + "):1%", new StreamInfo()));
    assertEquals("-", fmt("%ENVIRONMENT(JAVOY_SURELY_UNSET_VARIABLE)%", new StreamInfo()));
    assertTrue(!fmt("%HOSTNAME%", new StreamInfo()).isEmpty());
    SubstitutionFormatter f = SubstitutionFormatStrings.text("<%LOCAL_REPLY_BODY%>", "f");
    assertEquals("<no healthy upstream>", f.format(new StreamInfo(), "no healthy upstream"));
    assertEquals("<>", f.format(new StreamInfo(), ""));
  }

  @Test
  void grpcStatus() throws Exception {
    StreamInfo info = stream("content-type", "application/grpc");
    info.responseCode = 200;
    info.responseTrailers = headers("grpc-status", "14");
    assertEquals("Unavailable UNAVAILABLE 14 14", fmt("%GRPC_STATUS% %GRPC_STATUS(SNAKE_STRING)% "
        + "%GRPC_STATUS(NUMBER)% %GRPC_STATUS_NUMBER%", info));
    info.responseTrailers = null;
    info.responseCode = 404;
    assertEquals("Unimplemented", fmt("%GRPC_STATUS%", info));
    assertEquals("-", fmt("%GRPC_STATUS%", stream("content-type", "text/plain")));
  }

  @Test
  void untrackedCommandsPrintDash() throws Exception {
    assertEquals("- - - -", fmt("%DOWNSTREAM_PEER_SUBJECT% %UPSTREAM_PEER_SUBJECT% %DYNAMIC_METADATA(a:b):10% "
        + "%FILTER_STATE(x)%", full()));
  }

  @Test
  void errorsNameTheCommandAndPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%NOPE%", "a.b"));
    assertTrue(e.getMessage().startsWith("a.b: ") && e.getMessage().contains("%NOPE%"), e.getMessage());
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%REQ%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%REQ()%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%PROTOCOL(x)%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%PROTOCOL:3%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%REQ(a?b?c)%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("50%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%req(x)%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%REQ(x", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%START_TIME(%n)%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%GRPC_STATUS(FOO)%", "p"));
    assertThrows(ConfigException.class, () -> SubstitutionFormatStrings.text("%COMMON_DURATION(A:B:ms)%", "p"));
  }

  @Test
  void parameterEndsAtFirstParenFollowedByPercent() throws Exception {
    assertEquals("a)b|", fmt("%START_TIME(a)b)%|", new StreamInfo()));
    assertEquals("%d", fmt("%START_TIME(%%d)%", new StreamInfo()), "strftime's %% inside the parameter");
  }
}
