package dev.javoy.proxy.admin;

import static dev.javoy.proxy.admin.AdminEndpoint.Param;

import dev.javoy.proxy.stats.StatNumbers;
import io.envoyproxy.envoy.admin.v3.ClusterStatus;
import io.envoyproxy.envoy.admin.v3.HostHealthStatus;
import io.envoyproxy.envoy.admin.v3.HostStatus;
import io.envoyproxy.envoy.admin.v3.ListenerStatus;
import io.envoyproxy.envoy.admin.v3.SimpleMetric;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /clusters} and {@code /listeners}: JSON is the backend's {@code Clusters} / {@code Listeners} proto;
 * text is Envoy's {@code ::}-separated lines rendered from the same protos, for example
 * {@code backend::10.0.0.1:80::cx_active::0} and {@code listener_0::0.0.0.0:10000}.
 */
final class UpstreamEndpoints {
  private final AdminBackend backend;
  private final ProtoJson json;

  UpstreamEndpoints(AdminBackend backend, ProtoJson json) {
    this.backend = backend;
    this.json = json;
  }

  List<AdminEndpoint> endpoints() {
    return List.of(
        AdminEndpoint.get("/clusters", "upstream cluster status", r -> "json".equals(r.value("format"))
            ? AdminResponse.json(json.pretty(backend.clusters(), false))
            : AdminResponse.ok(clustersText(backend.clusters().getClusterStatusesList())),
            Param.oneOf("format", "File format to use", "text", "json")),
        AdminEndpoint.get("/listeners", "print listener info", r -> "json".equals(r.value("format"))
            ? AdminResponse.json(json.pretty(backend.listeners(), false))
            : AdminResponse.ok(listenersText(backend.listeners().getListenerStatusesList())),
            Param.oneOf("format", "File format to use", "text", "json")));
  }

  static String listenersText(List<ListenerStatus> listeners) {
    StringBuilder out = new StringBuilder();
    for (ListenerStatus l : listeners) {
      out.append(l.getName()).append("::").append(addressString(l.getLocalAddress())).append('\n');
      for (Address extra : l.getAdditionalLocalAddressesList()) {
        out.append(l.getName()).append("::").append(addressString(extra)).append('\n');
      }
    }
    return out.toString();
  }

  static String clustersText(List<ClusterStatus> clusters) {
    StringBuilder out = new StringBuilder();
    for (ClusterStatus c : clusters) {
      String name = c.getName();
      line(out, name, "observability_name", c.getObservabilityName());
      appendCircuitBreakers(out, name, "default", thresholds(c, RoutingPriority.DEFAULT));
      appendCircuitBreakers(out, name, "high", thresholds(c, RoutingPriority.HIGH));
      line(out, name, "added_via_api", Boolean.toString(c.getAddedViaApi()));
      if (!c.getEdsServiceName().isEmpty()) {
        line(out, name, "eds_service_name", c.getEdsServiceName());
      }
      for (HostStatus h : c.getHostStatusesList()) {
        String prefix = name + "::" + addressString(h.getAddress());
        Map<String, Long> stats = new TreeMap<>();
        for (SimpleMetric m : h.getStatsList()) {
          stats.put(m.getName(), m.getValue());
        }
        stats.forEach((stat, value) -> line(out, prefix, stat, Long.toString(value)));
        line(out, prefix, "hostname", h.getHostname());
        line(out, prefix, "health_flags", healthFlags(h.getHealthStatus()));
        line(out, prefix, "weight", Integer.toString(h.getWeight()));
        line(out, prefix, "region", h.getLocality().getRegion());
        line(out, prefix, "zone", h.getLocality().getZone());
        line(out, prefix, "sub_zone", h.getLocality().getSubZone());
        line(out, prefix, "canary", "false");
        line(out, prefix, "priority", Integer.toString(h.getPriority()));
        line(out, prefix, "success_rate", h.hasSuccessRate()
            ? StatNumbers.shortest(h.getSuccessRate().getValue()) : "-1");
        line(out, prefix, "local_origin_success_rate", h.hasLocalOriginSuccessRate()
            ? StatNumbers.shortest(h.getLocalOriginSuccessRate().getValue()) : "-1");
      }
    }
    return out.toString();
  }

  private static CircuitBreakers.Thresholds thresholds(ClusterStatus c, RoutingPriority priority) {
    for (CircuitBreakers.Thresholds t : c.getCircuitBreakers().getThresholdsList()) {
      if (t.getPriority() == priority) {
        return t;
      }
    }
    return CircuitBreakers.Thresholds.getDefaultInstance();
  }

  private static void appendCircuitBreakers(StringBuilder out, String cluster, String priority,
      CircuitBreakers.Thresholds t) {
    String prefix = cluster + "::" + priority + "_priority";
    // Envoy's defaults when the backend leaves a threshold out: 1024 connections/pending/requests, 3 retries.
    line(out, prefix, "max_connections", value(t.hasMaxConnections(), t.getMaxConnections().getValue(), 1024));
    line(out, prefix, "max_pending_requests",
        value(t.hasMaxPendingRequests(), t.getMaxPendingRequests().getValue(), 1024));
    line(out, prefix, "max_requests", value(t.hasMaxRequests(), t.getMaxRequests().getValue(), 1024));
    line(out, prefix, "max_retries", value(t.hasMaxRetries(), t.getMaxRetries().getValue(), 3));
  }

  private static String value(boolean set, int value, int otherwise) {
    return Integer.toUnsignedString(set ? value : otherwise); // uint32: 4294967295 is not -1
  }

  /** Envoy's {@code healthFlagsToString}: {@code healthy}, or every failing flag as {@code /flag}. */
  static String healthFlags(HostHealthStatus s) {
    StringBuilder sb = new StringBuilder();
    if (s.getFailedActiveHealthCheck()) {
      sb.append("/failed_active_hc");
    }
    if (s.getFailedOutlierCheck()) {
      sb.append("/failed_outlier_check");
    }
    if (s.getEdsHealthStatus() == HealthStatus.UNHEALTHY || s.getEdsHealthStatus() == HealthStatus.TIMEOUT) {
      sb.append("/failed_eds_health");
    }
    if (s.getFailedActiveDegradedCheck()) {
      sb.append("/degraded_active_hc");
    }
    if (s.getEdsHealthStatus() == HealthStatus.DEGRADED) {
      sb.append("/degraded_eds_health");
    }
    if (s.getPendingDynamicRemoval()) {
      sb.append("/pending_dynamic_removal");
    }
    if (s.getPendingActiveHc()) {
      sb.append("/pending_active_hc");
    }
    if (s.getExcludedViaImmediateHcFail()) {
      sb.append("/excluded_via_immediate_hc_fail");
    }
    if (s.getActiveHcTimeout()) {
      sb.append("/active_hc_timeout");
    }
    if (s.getEdsHealthStatus() == HealthStatus.DRAINING) {
      sb.append("/eds_status_draining");
    }
    return sb.length() == 0 ? "healthy" : sb.toString();
  }

  /** Envoy's {@code Address::asString}: {@code 1.2.3.4:80}, {@code [::1]:80}, a pipe path, or envoy://. */
  static String addressString(Address a) {
    switch (a.getAddressCase()) {
      case SOCKET_ADDRESS: {
        SocketAddress s = a.getSocketAddress();
        String host = s.getAddress().contains(":") ? "[" + s.getAddress() + "]" : s.getAddress();
        return host + ":" + s.getPortValue();
      }
      case PIPE:
        return a.getPipe().getPath();
      case ENVOY_INTERNAL_ADDRESS:
        return "envoy://" + a.getEnvoyInternalAddress().getServerListenerName() + "/"
            + a.getEnvoyInternalAddress().getEndpointId();
      default:
        return "";
    }
  }

  private static void line(StringBuilder out, String prefix, String key, String value) {
    out.append(prefix).append("::").append(key).append("::").append(value).append('\n');
  }
}
