package dev.javoy.proxy.accesslog.filter;

import static dev.javoy.proxy.accesslog.TestStreams.headers;
import static dev.javoy.proxy.accesslog.TestStreams.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.accesslog.TestStreams;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLogFilter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class AccessLogFiltersTest {
  private static dev.javoy.proxy.accesslog.filter.AccessLogFilter filter(String yaml) throws ConfigException {
    return AccessLogFilters.build(TestStreams.yaml(yaml, AccessLogFilter.newBuilder()), "filter");
  }

  private static dev.javoy.proxy.accesslog.filter.AccessLogFilter filter(String yaml, LongSupplier random)
      throws ConfigException {
    return AccessLogFilters.build(TestStreams.yaml(yaml, AccessLogFilter.newBuilder()), "filter", random);
  }

  private static StreamInfo withCode(int code) {
    StreamInfo info = stream();
    info.responseCode = code;
    return info;
  }

  @Test
  void statusCode() throws Exception {
    var ge = filter("status_code_filter: {comparison: {op: GE, value: {default_value: 500, runtime_key: k}}}");
    assertTrue(ge.evaluate(withCode(503)));
    assertTrue(ge.evaluate(withCode(500)));
    assertFalse(ge.evaluate(withCode(404)));
    var eq = filter("status_code_filter: {comparison: {op: EQ, value: {default_value: 0, runtime_key: k}}}");
    assertTrue(eq.evaluate(withCode(0)), "no response code compares as 0");
    var le = filter("status_code_filter: {comparison: {op: LE, value: {default_value: 299, runtime_key: k}}}");
    assertTrue(le.evaluate(withCode(200)));
    assertFalse(le.evaluate(withCode(300)));
  }

  @Test
  void duration() throws Exception {
    var f = filter("duration_filter: {comparison: {op: GE, value: {default_value: 100, runtime_key: k}}}");
    StreamInfo slow = stream();
    slow.endNanos = slow.startNanos + 150_000_000;
    StreamInfo fast = stream();
    fast.endNanos = fast.startNanos + 99_900_000;
    assertTrue(f.evaluate(slow));
    assertFalse(f.evaluate(fast));
  }

  @Test
  void notHealthCheckAndTraceable() throws Exception {
    var nhc = filter("not_health_check_filter: {}");
    assertFalse(nhc.evaluate(stream("user-agent", "Envoy/HC")));
    assertTrue(nhc.evaluate(stream("user-agent", "curl")));
    assertTrue(nhc.evaluate(new StreamInfo()));
    var traceable = filter("traceable_filter: {}");
    assertTrue(traceable.evaluate(stream("x-request-id", "b8f4ad6f-4b1f-aa0e-87b3-2b1f4a0e9c11")));
    assertFalse(traceable.evaluate(stream("x-request-id", "b8f4ad6f-4b1f-4a0e-87b3-2b1f4a0e9c11")));
    assertFalse(traceable.evaluate(stream()));
  }

  @Test
  void runtimeSamplesByRequestIdOrRandom() throws Exception {
    AtomicLong next = new AtomicLong();
    var f = filter("runtime_filter: {runtime_key: k, percent_sampled: {numerator: 10, denominator: HUNDRED}}",
        next::get);
    // The first 8 hex digits of the request id decide: 0x00000005 % 100 = 5 < 10.
    assertTrue(f.evaluate(stream("x-request-id", "00000005-0000-4000-8000-000000000000")));
    assertFalse(f.evaluate(stream("x-request-id", "0000000f-0000-4000-8000-000000000000")));
    next.set(3);
    assertTrue(f.evaluate(stream()), "no request id: the random source decides");
    next.set(55);
    assertFalse(f.evaluate(stream()));
    var independent = filter("runtime_filter: {runtime_key: k, percent_sampled: {numerator: 50, denominator: "
        + "TEN_THOUSAND}, use_independent_randomness: true}", next::get);
    next.set(10_049);
    assertTrue(independent.evaluate(stream("x-request-id", "ffffffff-0000-4000-8000-000000000000")));
    var never = filter("runtime_filter: {runtime_key: k}");
    assertFalse(never.evaluate(stream()), "percent_sampled defaults to 0%");
  }

  @Test
  void andOr() throws Exception {
    var and = filter("""
        and_filter:
          filters:
          - status_code_filter: {comparison: {op: GE, value: {default_value: 500, runtime_key: k}}}
          - response_flag_filter: {flags: [UH]}
        """);
    StreamInfo uh = withCode(503);
    uh.setResponseFlag(ResponseFlag.NO_HEALTHY_UPSTREAM);
    assertTrue(and.evaluate(uh));
    assertFalse(and.evaluate(withCode(503)));
    var or = filter("""
        or_filter:
          filters:
          - status_code_filter: {comparison: {op: EQ, value: {default_value: 404, runtime_key: k}}}
          - status_code_filter: {comparison: {op: EQ, value: {default_value: 403, runtime_key: k}}}
        """);
    assertTrue(or.evaluate(withCode(403)));
    assertFalse(or.evaluate(withCode(200)));
    assertThrows(ConfigException.class, () -> filter("and_filter: {filters: [{traceable_filter: {}}]}"));
  }

  @Test
  void responseFlags() throws Exception {
    var nr = filter("response_flag_filter: {flags: [NR, UO]}");
    StreamInfo info = stream();
    assertFalse(nr.evaluate(info));
    info.setResponseFlag(ResponseFlag.UPSTREAM_OVERFLOW);
    assertTrue(nr.evaluate(info));
    var any = filter("response_flag_filter: {}");
    assertFalse(any.evaluate(stream()));
    assertTrue(any.evaluate(info));
  }

  @Test
  void grpcStatus() throws Exception {
    var f = filter("grpc_status_filter: {statuses: [UNAVAILABLE, UNKNOWN]}");
    StreamInfo trailers = stream();
    trailers.responseCode = 200;
    trailers.responseTrailers = headers("grpc-status", "14");
    assertTrue(f.evaluate(trailers));
    StreamInfo ok = stream();
    ok.responseCode = 200;
    ok.responseHeaders = TestStreams.response(200, "grpc-status", "0");
    assertFalse(f.evaluate(ok));
    assertTrue(f.evaluate(withCode(503)), "503 maps to Unavailable");
    assertTrue(f.evaluate(stream()), "no status at all is Unknown");
    var exclude = filter("grpc_status_filter: {statuses: [OK], exclude: true}");
    assertFalse(exclude.evaluate(ok));
    assertTrue(exclude.evaluate(trailers));
  }

  @Test
  void headerFilter() throws Exception {
    var get = filter("header_filter: {header: {name: ':method', string_match: {exact: GET}}}");
    assertTrue(get.evaluate(stream()));
    StreamInfo post = stream();
    post.requestHeaders = TestStreams.request(io.netty.handler.codec.http.HttpMethod.POST, "/");
    assertFalse(get.evaluate(post));
    assertFalse(get.evaluate(new StreamInfo()), "no request: the header is missing");
  }

  @Test
  void unsupportedFiltersNameTheField() {
    ConfigException m = assertThrows(ConfigException.class, () -> filter("metadata_filter: {}"));
    assertEquals("filter.metadata_filter", m.path());
    assertTrue(m.getMessage().contains("not supported"), m.getMessage());
    ConfigException x = assertThrows(ConfigException.class,
        () -> filter("extension_filter: {name: envoy.access_loggers.extension_filters.cel}"));
    assertEquals("filter.extension_filter", x.path());
    assertThrows(ConfigException.class, () -> filter("{}"));
    ConfigException flag = assertThrows(ConfigException.class, () -> filter("response_flag_filter: {flags: [XX]}"));
    assertEquals("filter.response_flag_filter.flags[0]", flag.path());
  }
}
