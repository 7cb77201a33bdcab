package dev.javoy.proxy.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Envoy's tracing decision, its UUID packing, sampling rates and stats, and what the HCM's tracing rejects. */
class TracingDecisionTest {
  final StatsStore stats = new StatsStore();

  FactoryContext context() {
    ClusterManager cm = new ClusterManager(new ClusterFactory(stats, List.of(), (c, p) -> null));
    ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
    return new FactoryContext() {
      @Override public StatsStore stats() { return stats; }
      @Override public ExtensionResolver extensions() { return resolver; }
      @Override public ClusterManager clusterManager() { return cm; }
      @Override public ServerOptions options() { return ServerOptions.defaults(); }
      @Override public String listenerStatPrefix() { return "listener.test."; }
    };
  }

  HttpTracingConfig config(String tracingJson) throws Exception {
    return config(tracingJson, "");
  }

  HttpTracingConfig config(String tracingJson, String more) throws Exception {
    HttpConnectionManager.Builder b = HttpConnectionManager.newBuilder();
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry())
        .merge("{\"stat_prefix\": \"t\", \"tracing\": " + tracingJson + more + "}", b);
    return HttpTracingConfig.create(b.build(), "hcm", context());
  }

  static String uuid() {
    return UUID.randomUUID().toString();
  }

  static HttpHeaders headers(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void defaultsSampleEverythingWithEnvoysRates() throws Exception {
    HttpTracingConfig c = config("{}");
    assertEquals(new SamplingFraction(100, 100), c.clientSampling);
    assertEquals(new SamplingFraction(10_000, 10_000), c.randomSampling);
    assertEquals(new SamplingFraction(100, 100), c.overallSampling);
    assertEquals(256, c.maxPathTagLength);
    assertEquals(Tracer.NULL, c.tracer, "no provider and no bootstrap tracer: Envoy's null tracer");
    assertEquals(TraceReason.SAMPLING, TracingDecision.decide(c, null, headers(), uuid()));
  }

  @Test
  void clientTraceIdThenForceTraceThenRandomThenOverall() throws Exception {
    HttpTracingConfig noRandom = config("{\"random_sampling\": {\"value\": 0}}");
    assertEquals(TraceReason.NOT_TRACEABLE, TracingDecision.decide(noRandom, null, headers(), uuid()));
    assertEquals(TraceReason.CLIENT_FORCED,
        TracingDecision.decide(noRandom, null, headers("x-client-trace-id", "c1"), uuid()));
    assertEquals(TraceReason.SERVICE_FORCED,
        TracingDecision.decide(noRandom, null, headers("x-envoy-force-trace", "true"), uuid()));
    HttpTracingConfig noClient = config("{\"random_sampling\": {\"value\": 0}, \"client_sampling\": {\"value\": 0}}");
    assertEquals(TraceReason.NOT_TRACEABLE,
        TracingDecision.decide(noClient, null, headers("x-client-trace-id", "c1"), uuid()));
    HttpTracingConfig noOverall = config("{\"overall_sampling\": {\"value\": 0}}");
    assertEquals(TraceReason.NOT_TRACEABLE,
        TracingDecision.decide(noOverall, null, headers("x-envoy-force-trace", "true"), uuid()));
  }

  @Test
  void aTracedRequestIdKeepsItsReasonAndABadOneIsNotTraceable() throws Exception {
    HttpTracingConfig noRandom = config("{\"random_sampling\": {\"value\": 0}}");
    String forced = UuidTraceStatus.withReason(uuid(), TraceReason.SERVICE_FORCED);
    assertEquals(TraceReason.SERVICE_FORCED, TracingDecision.decide(noRandom, null, headers(), forced));
    assertEquals(TraceReason.NOT_TRACEABLE, TracingDecision.decide(config("{}"), null, headers(), "not-hex!"));
    assertEquals(TraceReason.NOT_TRACEABLE, TracingDecision.decide(config("{}"), null, headers(), null));
  }

  @Test
  void randomSamplingIsByTheRequestIdAndHitsItsRate() throws Exception {
    HttpTracingConfig half = config("{\"random_sampling\": {\"value\": 25.5}}");
    assertEquals(new SamplingFraction(2550, 10_000), half.randomSampling, "hundredths of a percent");
    int sampled = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String id = uuid();
      TraceReason r = TracingDecision.decide(half, null, headers(), id);
      assertEquals(r, TracingDecision.decide(half, null, headers(), id), "the same id, the same decision");
      if (r == TraceReason.SAMPLING) {
        sampled++;
      }
    }
    double rate = sampled / (double) n;
    assertTrue(rate > 0.235 && rate < 0.275, "25.5% expected, got " + rate);
  }

  @Test
  void aRoutesTracingReplacesTheConnectionManagersRates() throws Exception {
    HttpTracingConfig all = config("{}");
    var none = new RouteTracing.Sampling(SamplingFraction.ALL_OF_HUNDRED, new SamplingFraction(0, 100),
        SamplingFraction.ALL_OF_HUNDRED);
    assertEquals(TraceReason.NOT_TRACEABLE, TracingDecision.decide(all, none, headers(), uuid()));
  }

  @Test
  void uuidCarriesTheReasonAtCharacter14() {
    String id = "0d3f6f9c-3c33-4a4d-9b8f-1d2c3b4a5e6f";
    assertEquals(TraceReason.NOT_TRACEABLE, UuidTraceStatus.reasonOf(id));
    assertEquals("0d3f6f9c-3c33-9a4d-9b8f-1d2c3b4a5e6f", UuidTraceStatus.withReason(id, TraceReason.SAMPLING));
    assertEquals("0d3f6f9c-3c33-aa4d-9b8f-1d2c3b4a5e6f", UuidTraceStatus.withReason(id, TraceReason.SERVICE_FORCED));
    assertEquals("0d3f6f9c-3c33-ba4d-9b8f-1d2c3b4a5e6f", UuidTraceStatus.withReason(id, TraceReason.CLIENT_FORCED));
    assertEquals(TraceReason.CLIENT_FORCED, UuidTraceStatus.reasonOf("0d3f6f9c-3c33-ba4d-9b8f-1d2c3b4a5e6f"));
    assertEquals(0x0d3f6f9cL, UuidTraceStatus.toInteger(id));
    assertEquals("short", UuidTraceStatus.withReason("short", TraceReason.SAMPLING));
  }

  @Test
  void streamTracingPacksTheReasonAndCountsIt() throws Exception {
    HttpTracingConfig c = config("{\"random_sampling\": {\"value\": 0}}");
    StreamInfo info = new StreamInfo();
    info.requestId = "0d3f6f9c-3c33-4a4d-9b8f-1d2c3b4a5e6f";
    var req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
    req.headers().set("x-request-id", info.requestId).set("x-client-trace-id", "abc");
    StreamTracing t = StreamTracing.start(c, null, req, info);
    assertEquals(TraceReason.CLIENT_FORCED, t.reason());
    assertEquals("0d3f6f9c-3c33-ba4d-9b8f-1d2c3b4a5e6f", req.headers().get("x-request-id"));
    assertEquals(req.headers().get("x-request-id"), info.requestId);
    assertEquals(Span.NULL, info.activeSpan);
    assertEquals(1, stats.counter("http.t.tracing.client_enabled").value());
    assertEquals(0, stats.counter("http.t.tracing.random_sampling").value());
    var plain = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/y");
    StreamInfo info2 = new StreamInfo();
    info2.requestId = uuid();
    StreamTracing.start(c, null, plain, info2);
    assertEquals(1, stats.counter("http.t.tracing.not_traceable").value());
  }

  @Test
  void unbuiltProvidersAndUpstreamSpansAreRejectedByPath() {
    HttpConnectionManager otel = HttpConnectionManager.newBuilder().setStatPrefix("t")
        .setTracing(HttpConnectionManager.Tracing.newBuilder().setProvider(
            io.envoyproxy.envoy.config.trace.v3.Tracing.Http.newBuilder().setName("envoy.tracers.opentelemetry")
                .setTypedConfig(com.google.protobuf.Any.newBuilder()
                    .setTypeUrl("type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig"))))
        .build();
    ConfigException e = assertThrows(ConfigException.class, () -> HttpTracingConfig.create(otel, "hcm", context()));
    assertTrue(e.getMessage().startsWith("hcm.tracing.provider.typed_config: unsupported tracer extension "
        + "'envoy.tracers.opentelemetry' with type URL type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig"),
        e.getMessage());
    ConfigException up = assertThrows(ConfigException.class, () -> config("{\"spawn_upstream_span\": true}"));
    assertTrue(up.getMessage().startsWith("hcm.tracing.spawn_upstream_span:"), up.getMessage());
    ConfigException pct = assertThrows(ConfigException.class, () -> config("{\"random_sampling\": {\"value\": 101}}"));
    assertTrue(pct.getMessage().startsWith("hcm.tracing.random_sampling.value:"), pct.getMessage());
  }

  @Test
  void customTagsCompileEnvironmentOnceAndDropMissingOnes() throws Exception {
    HttpTracingConfig c = config("{\"custom_tags\": ["
        + "{\"tag\": \"a\", \"literal\": {\"value\": \"x\"}},"
        + "{\"tag\": \"b\", \"environment\": {\"name\": \"JAVOY_SURELY_UNSET_VAR\"}},"
        + "{\"tag\": \"c\", \"environment\": {\"name\": \"JAVOY_SURELY_UNSET_VAR\", \"default_value\": \"d\"}},"
        + "{\"tag\": \"h\", \"request_header\": {\"name\": \"x-h\"}}]}");
    assertEquals(3, c.customTags.size(), "an unset variable without default makes no tag");
    assertEquals(new CustomTag.Literal("c", "d"), c.customTags.get(1));
    TagContext ctx = new TagContext(headers("x-h", "v"), new StreamInfo(), null, null);
    assertEquals("v", c.customTags.get(2).value(ctx));
    assertNull(c.customTags.get(2).value(new TagContext(headers(), new StreamInfo(), null, null)));
  }
}
