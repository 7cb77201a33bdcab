package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Compiles a cluster's {@code health_checks} entry into a {@link HealthCheckSpec}, rejecting what javoy lacks. */
public final class HealthCheckFactory {
  static final Set<String> SUPPORTED = Set.of("timeout", "interval", "initial_jitter", "interval_jitter",
      "interval_jitter_percent", "unhealthy_threshold", "healthy_threshold", "reuse_connection",
      "http_health_check", "tcp_health_check", "grpc_health_check", "no_traffic_interval",
      "no_traffic_healthy_interval", "unhealthy_interval", "unhealthy_edge_interval", "healthy_edge_interval");
  static final Set<String> HTTP_SUPPORTED = Set.of("host", "path", "request_headers_to_add",
      "request_headers_to_remove", "expected_statuses", "retriable_statuses", "codec_client_type", "method");
  static final Set<String> TCP_SUPPORTED = Set.of("send", "receive");
  static final Set<String> GRPC_SUPPORTED = Set.of("service_name", "authority", "initial_metadata");

  private HealthCheckFactory() {}

  public static HealthCheckSpec create(HealthCheck hc, String clusterName, long connectTimeoutMillis, String path)
      throws ConfigException {
    FieldSupport.check(hc, path, SUPPORTED);
    if (!hc.hasTimeout()) {
      throw new ConfigException(path + ".timeout", "value is required");
    }
    if (!hc.hasInterval()) {
      throw new ConfigException(path + ".interval", "value is required");
    }
    if (!hc.hasUnhealthyThreshold()) {
      throw new ConfigException(path + ".unhealthy_threshold", "value is required");
    }
    if (!hc.hasHealthyThreshold()) {
      throw new ConfigException(path + ".healthy_threshold", "value is required");
    }
    long timeout = Durations.toMillis(hc.getTimeout());
    long interval = Durations.toMillis(hc.getInterval());
    if (timeout <= 0) {
      throw new ConfigException(path + ".timeout", "value must be greater than 0s");
    }
    if (interval <= 0) {
      throw new ConfigException(path + ".interval", "value must be greater than 0s");
    }
    long unhealthyInterval = Durations.millisOr(hc.hasUnhealthyInterval(), hc.getUnhealthyInterval(), interval);
    long noTraffic = Durations.millisOr(hc.hasNoTrafficInterval(), hc.getNoTrafficInterval(), 60_000);
    HealthCheckSettings settings = new HealthCheckSettings(timeout, interval,
        Durations.millisOr(hc.hasInitialJitter(), hc.getInitialJitter(), 0),
        Durations.millisOr(hc.hasIntervalJitter(), hc.getIntervalJitter(), 0),
        hc.getIntervalJitterPercent(),
        Math.max(1, hc.getUnhealthyThreshold().getValue()),
        Math.max(1, hc.getHealthyThreshold().getValue()),
        !hc.hasReuseConnection() || hc.getReuseConnection().getValue(),
        noTraffic,
        Durations.millisOr(hc.hasNoTrafficHealthyInterval(), hc.getNoTrafficHealthyInterval(), noTraffic),
        unhealthyInterval,
        Durations.millisOr(hc.hasUnhealthyEdgeInterval(), hc.getUnhealthyEdgeInterval(), unhealthyInterval),
        Durations.millisOr(hc.hasHealthyEdgeInterval(), hc.getHealthyEdgeInterval(), interval));
    switch (hc.getHealthCheckerCase()) {
      case HTTP_HEALTH_CHECK:
        return http(hc.getHttpHealthCheck(), settings, clusterName, connectTimeoutMillis, path + ".http_health_check");
      case TCP_HEALTH_CHECK:
        return tcp(hc.getTcpHealthCheck(), settings, connectTimeoutMillis, path + ".tcp_health_check");
      case GRPC_HEALTH_CHECK: {
        var g = hc.getGrpcHealthCheck();
        String p = path + ".grpc_health_check";
        FieldSupport.check(g, p, GRPC_SUPPORTED);
        return new HealthCheckSpec.Grpc(settings, connectTimeoutMillis, g.getServiceName(),
            g.getAuthority().isEmpty() ? clusterName : g.getAuthority(),
            headers(g.getInitialMetadataList(), p + ".initial_metadata"));
      }
      default:
        throw new ConfigException(path, "a health checker (http_health_check, tcp_health_check or "
            + "grpc_health_check) is required");
    }
  }

  private static HealthCheckSpec http(HealthCheck.HttpHealthCheck h, HealthCheckSettings settings, String clusterName,
      long connectTimeoutMillis, String path) throws ConfigException {
    FieldSupport.check(h, path, HTTP_SUPPORTED);
    if (h.getPath().isEmpty()) {
      throw new ConfigException(path + ".path", "value length must be at least 1 characters");
    }
    boolean http2 = switch (h.getCodecClientType()) {
      case HTTP1 -> false;
      case HTTP2 -> true;
      default -> throw new ConfigException(path + ".codec_client_type",
          "codec " + h.getCodecClientType() + " is not supported for health checks");
    };
    String method = switch (h.getMethod()) {
      case METHOD_UNSPECIFIED, GET -> "GET";
      case HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH -> h.getMethod().name();
      default -> throw new ConfigException(path + ".method", "method " + h.getMethod() + " is not allowed");
    };
    List<HealthCheckSpec.StatusRange> expected = ranges(h.getExpectedStatusesList(), path + ".expected_statuses");
    if (expected.isEmpty()) {
      expected = List.of(new HealthCheckSpec.StatusRange(200, 300));
    }
    return new HealthCheckSpec.Http(settings, connectTimeoutMillis, method, h.getPath(),
        h.getHost().isEmpty() ? clusterName : h.getHost(),
        headers(h.getRequestHeadersToAddList(), path + ".request_headers_to_add"),
        List.copyOf(h.getRequestHeadersToRemoveList()), expected,
        ranges(h.getRetriableStatusesList(), path + ".retriable_statuses"), http2);
  }

  private static HealthCheckSpec tcp(HealthCheck.TcpHealthCheck t, HealthCheckSettings settings,
      long connectTimeoutMillis, String path) throws ConfigException {
    FieldSupport.check(t, path, TCP_SUPPORTED);
    byte[] send = t.hasSend() ? payload(t.getSend(), path + ".send") : new byte[0];
    List<byte[]> receive = new ArrayList<>();
    for (int i = 0; i < t.getReceiveCount(); i++) {
      receive.add(payload(t.getReceive(i), FieldSupport.index(path, "receive", i)));
    }
    return new HealthCheckSpec.Tcp(settings, connectTimeoutMillis, send, List.copyOf(receive));
  }

  /** A payload: {@code text} is hex, as in Envoy; {@code binary} is the bytes. */
  static byte[] payload(HealthCheck.Payload p, String path) throws ConfigException {
    switch (p.getPayloadCase()) {
      case TEXT:
        try {
          return HexFormat.of().parseHex(p.getText());
        } catch (IllegalArgumentException e) {
          throw new ConfigException(path + ".text", "invalid hex string '" + p.getText() + "'");
        }
      case BINARY:
        return p.getBinary().toByteArray();
      default:
        throw new ConfigException(path, "payload needs text or binary");
    }
  }

  private static List<HealthCheckSpec.StatusRange> ranges(List<Int64Range> in, String path) throws ConfigException {
    List<HealthCheckSpec.StatusRange> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      Int64Range r = in.get(i);
      if (r.getStart() < 100 || r.getEnd() > 600 || r.getStart() >= r.getEnd()) {
        throw new ConfigException(path + "[" + i + "]",
            "invalid status range [" + r.getStart() + ", " + r.getEnd() + ")");
      }
      out.add(new HealthCheckSpec.StatusRange(r.getStart(), r.getEnd()));
    }
    return List.copyOf(out);
  }

  private static List<HealthCheckSpec.HeaderToAdd> headers(List<HeaderValueOption> in, String path)
      throws ConfigException {
    List<HealthCheckSpec.HeaderToAdd> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      HeaderValueOption o = in.get(i);
      String p = path + "[" + i + "]";
      FieldSupport.check(o, p, Set.of("header", "append", "append_action"));
      FieldSupport.check(o.getHeader(), p + ".header", Set.of("key", "value"));
      boolean append;
      if (o.hasAppend()) {
        append = o.getAppend().getValue();
      } else {
        append = switch (o.getAppendAction()) {
          case APPEND_IF_EXISTS_OR_ADD -> true;
          case OVERWRITE_IF_EXISTS_OR_ADD -> false;
          default -> throw new ConfigException(p + ".append_action", o.getAppendAction()
              + " is not supported for health check headers");
        };
      }
      out.add(new HealthCheckSpec.HeaderToAdd(o.getHeader().getKey().toLowerCase(java.util.Locale.ROOT),
          o.getHeader().getValue(), append));
    }
    return List.copyOf(out);
  }
}
