package dev.javoy.proxy.admin;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stats.TagExtractors;
import io.envoyproxy.envoy.admin.v3.Certificates;
import io.envoyproxy.envoy.admin.v3.Clusters;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.Listeners;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the admin server asks of the running proxy. The server calls every method on the admin event loop
 * (the main thread's loop), so implementations must answer from memory and never block; the mutating ones
 * ({@link #quitQuitQuit}, {@link #drainListeners}, ...) start the work and return.
 */
public interface AdminBackend {
  /** {@code GET /server_info}: version, state, uptimes, command line options, node. */
  ServerInfo serverInfo();

  /**
   * The server state: {@code PRE_INITIALIZING}/{@code INITIALIZING} until the init manager is done,
   * {@code LIVE} when serving, {@code DRAINING} while draining or after {@code /healthcheck/fail}
   * (Envoy's {@code Utility::serverState}). {@code GET /ready} answers 200 only for {@code LIVE}.
   */
  ServerInfo.State state();

  /**
   * The full config dump, one {@code Any} per config tracker key in Envoy's key order (bootstrap, clusters,
   * ecds..., listeners, routes, scoped_routes, secrets), plus an {@code EndpointsConfigDump} when
   * {@code includeEds}. The admin server applies {@code resource=}, {@code mask=} and {@code name_regex=}
   * on top, and redacts fields annotated {@code udpa.annotations.sensitive}.
   */
  ConfigDump configDump(boolean includeEds);

  /**
   * Resolves every type that can appear in an {@code Any} of the dumps and protos above (for JSON, field masks
   * and redaction), including the {@code envoy.admin.v3} dump types. Asked for on every request: return a
   * registry built once, not a new one.
   */
  JsonFormat.TypeRegistry typeRegistry();

  /** {@code GET /clusters}: the active clusters, their circuit breakers and hosts with their stats. */
  Clusters clusters();

  /** {@code GET /listeners}: the active listeners and their bound addresses. */
  Listeners listeners();

  /** All stats, for {@code /stats} and {@code /stats/prometheus}. */
  StatsStore stats();

  /** The tag extraction of {@code stats_config}, for Prometheus names and labels. */
  TagExtractors tagExtractors();

  /** Custom stat namespaces (such as Istio's {@code istio}): exported to Prometheus without {@code envoy_}. */
  default Set<String> customStatNamespaces() {
    return stats().customNamespaces();
  }

  /** {@code GET /runtime}: the runtime layers, lowest priority first. */
  List<RuntimeLayer> runtimeLayers();

  /**
   * {@code POST /runtime_modify?k=v...}: merges overrides into the admin layer (an empty value removes an
   * override).
   *
   * @throws IllegalStateException when the runtime has no admin layer (answered 503 with the message)
   */
  default void modifyRuntime(Map<String, String> overrides) {
    throw new IllegalStateException("admin runtime layer not specified");
  }

  /** {@code GET /certs}: the certificates in use (none until TLS is configured). */
  default Certificates certificates() {
    return Certificates.getDefaultInstance();
  }

  /** {@code POST /quitquitquit}: begin shutting down (called after the {@code OK} response is sent). */
  void quitQuitQuit();

  /** {@code POST /healthcheck/fail} (true) and {@code POST /healthcheck/ok} (false). */
  void setHealthCheckFailed(boolean failed);

  /**
   * {@code POST /drain_listeners}.
   *
   * @param graceful enter a drain period (the drain time) before the listeners stop
   * @param inboundOnly only listeners with {@code traffic_direction: INBOUND}
   * @param skipExit keep the listeners after the drain period
   */
  void drainListeners(boolean graceful, boolean inboundOnly, boolean skipExit);

  /** {@code POST /reopen_logs}: reopen access log files. */
  default void reopenAccessLogs() {}

  /** The component loggers {@code /logging} shows and changes. */
  default LoggerLevels loggerLevels() {
    return LoggerLevels.shared();
  }
}
