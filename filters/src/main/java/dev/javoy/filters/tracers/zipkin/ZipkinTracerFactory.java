package dev.javoy.filters.tracers.zipkin;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.TracerFactory;
import dev.javoy.proxy.tracing.Tracer;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig;
import io.envoyproxy.envoy.config.trace.v3.ZipkinConfig.CollectorEndpointVersion;
import java.util.List;
import java.util.Set;

/**
 * {@code envoy.tracers.zipkin}: B3 propagation and Zipkin v2 JSON spans posted to {@code collector_endpoint} on
 * {@code collector_cluster}. {@code HTTP_PROTO} and {@code split_spans_for_request} are not built and rejected.
 */
public final class ZipkinTracerFactory implements TracerFactory {
  static final Set<String> SUPPORTED = Set.of("collector_cluster", "collector_endpoint", "trace_id_128bit",
      "shared_span_context", "collector_endpoint_version", "collector_hostname");

  @Override
  public Message defaultConfig() {
    return ZipkinConfig.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.tracers.zipkin", "envoy.zipkin");
  }

  @Override
  public Tracer create(Message config, FactoryContext context) throws ConfigException {
    ZipkinConfig c = (ZipkinConfig) config;
    FieldSupport.check(c, "", SUPPORTED);
    if (c.getCollectorCluster().isEmpty()) {
      throw new ConfigException("collector_cluster", "value length must be at least 1 characters");
    }
    if (c.getCollectorEndpoint().isEmpty()) {
      throw new ConfigException("collector_endpoint", "value length must be at least 1 characters");
    }
    CollectorEndpointVersion v = c.getCollectorEndpointVersion();
    if (v == CollectorEndpointVersion.HTTP_PROTO || v == CollectorEndpointVersion.GRPC
        || v == CollectorEndpointVersion.UNRECOGNIZED) {
      throw new ConfigException("collector_endpoint_version", "collector endpoint version " + v
          + " is not supported by javoy (HTTP_JSON only; in envoy.config.trace.v3.ZipkinConfig)");
    }
    if (context.clusterManager() != null && context.clusterManager().get(c.getCollectorCluster()) == null) {
      throw new ConfigException("collector_cluster", "zipkin collector cluster '" + c.getCollectorCluster()
          + "' does not exist");
    }
    return new ZipkinTracer(c, context);
  }
}
