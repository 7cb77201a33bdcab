package dev.javoy.proxy.tracing;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import java.util.Set;

/**
 * A connection manager's compiled {@code tracing} (Envoy's {@code TracingConnectionManagerConfig}), immutable and
 * shared by the workers. Sampling defaults are Envoy's: every rate 100%. The tracer is the {@code provider}'s,
 * else the bootstrap's {@code tracing.http}, else {@link Tracer#NULL} (decisions made and counted, no spans
 * reported).
 */
public final class HttpTracingConfig {
  static final Set<String> SUPPORTED = Set.of("client_sampling", "random_sampling", "overall_sampling", "verbose",
      "max_path_tag_length", "custom_tags", "provider", "spawn_upstream_span");
  /** Envoy's default {@code max_path_tag_length}. */
  public static final int DEFAULT_MAX_PATH_TAG_LENGTH = 256;

  final Tracer tracer;
  /** OUTBOUND listeners trace egress (client spans); INBOUND and UNSPECIFIED ones ingress, as in Envoy. */
  final boolean egress;
  final SamplingFraction clientSampling;
  final SamplingFraction randomSampling;
  final SamplingFraction overallSampling;
  final boolean verbose;
  final int maxPathTagLength;
  final List<CustomTag> customTags;
  final TracingStats stats;
  /** {@code pack_trace_reason} of the UUID request id extension (default true). */
  final boolean packTraceReason;
  /** {@code use_request_id_for_trace_sampling} (default true): random sampling by the request id. */
  final boolean useRequestIdForSampling;
  final String nodeId;
  final String zone;
  final ClusterManager clusters;

  private HttpTracingConfig(Tracer tracer, boolean egress, SamplingFraction client, SamplingFraction random,
      SamplingFraction overall, boolean verbose, int maxPathTagLength, List<CustomTag> customTags,
      TracingStats stats, boolean packTraceReason, boolean useRequestIdForSampling, FactoryContext ctx) {
    this.tracer = tracer;
    this.egress = egress;
    this.clientSampling = client;
    this.randomSampling = random;
    this.overallSampling = overall;
    this.verbose = verbose;
    this.maxPathTagLength = maxPathTagLength;
    this.customTags = customTags;
    this.stats = stats;
    this.packTraceReason = packTraceReason;
    this.useRequestIdForSampling = useRequestIdForSampling;
    this.nodeId = ctx.localNode().getId();
    this.zone = ctx.localNode().getLocality().getZone();
    this.clusters = ctx.clusterManager();
  }

  /**
   * @param path the JSON path of the connection manager
   * @return the compiled config, or null when the connection manager has no {@code tracing}
   */
  public static HttpTracingConfig create(HttpConnectionManager hcm, String path, FactoryContext ctx)
      throws ConfigException {
    if (!hcm.hasTracing()) {
      return null;
    }
    var t = hcm.getTracing();
    String tp = FieldSupport.join(path, "tracing");
    FieldSupport.check(t, tp, SUPPORTED);
    if (t.hasSpawnUpstreamSpan() && t.getSpawnUpstreamSpan().getValue()) {
      throw new ConfigException(tp + ".spawn_upstream_span", "upstream spans are not supported by javoy yet "
          + "(in envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.Tracing)");
    }
    SamplingFraction client = SamplingFraction.ofPercent(t.hasClientSampling(), t.getClientSampling(), 100,
        tp + ".client_sampling");
    SamplingFraction random = SamplingFraction.ofPercent(t.hasRandomSampling(), t.getRandomSampling(), 10_000,
        tp + ".random_sampling");
    SamplingFraction overall = SamplingFraction.ofPercent(t.hasOverallSampling(), t.getOverallSampling(), 100,
        tp + ".overall_sampling");
    int maxPath = t.hasMaxPathTagLength() ? t.getMaxPathTagLength().getValue() : DEFAULT_MAX_PATH_TAG_LENGTH;
    List<CustomTag> tags = CustomTag.compile(t.getCustomTagsList(), tp);
    Tracer tracer;
    if (t.hasProvider()) {
      tracer = ctx.tracerProviders().provider(t.getProvider(), tp + ".provider", ctx);
    } else {
      tracer = ctx.tracerProviders().bootstrapTracer();
    }
    boolean pack = true;
    boolean useRid = true;
    if (hcm.hasRequestIdExtension()) {
      try {
        var uuid = dev.javoy.proxy.config.TypedConfigs.unpackExactly(hcm.getRequestIdExtension().getTypedConfig(),
            io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig.getDefaultInstance());
        pack = !uuid.hasPackTraceReason() || uuid.getPackTraceReason().getValue();
        useRid = !uuid.hasUseRequestIdForTraceSampling() || uuid.getUseRequestIdForTraceSampling().getValue();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new ConfigException(FieldSupport.join(path, "request_id_extension.typed_config"), e.getMessage(), e);
      }
    }
    TracingStats stats = new TracingStats(ctx.stats().scope("http." + hcm.getStatPrefix() + ".tracing."));
    return new HttpTracingConfig(tracer, ctx.trafficDirection() == TrafficDirection.OUTBOUND, client, random, overall,
        t.getVerbose(), maxPath, tags, stats, pack, useRid, ctx);
  }

  public Tracer tracer() {
    return tracer;
  }

  public boolean egress() {
    return egress;
  }
}
