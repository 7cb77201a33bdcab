package dev.javoy.proxy.admin;

import static dev.javoy.proxy.admin.AdminEndpoint.Param;

import io.envoyproxy.envoy.admin.v3.ServerInfo;
import java.util.List;

/**
 * The endpoints about the server process: {@code /server_info}, {@code /ready}, {@code /memory},
 * {@code /certs}, {@code /hot_restart_version}, {@code /contention}, and the POST commands
 * {@code /quitquitquit}, {@code /healthcheck/fail}, {@code /healthcheck/ok}, {@code /drain_listeners} and
 * {@code /reopen_logs}. Bodies and codes are Envoy's: commands answer {@code OK\n}.
 */
final class ServerEndpoints {
  private final AdminBackend backend;
  private final ProtoJson json;

  ServerEndpoints(AdminBackend backend, ProtoJson json) {
    this.backend = backend;
    this.json = json;
  }

  List<AdminEndpoint> endpoints() {
    return List.of(
        AdminEndpoint.get("/certs", "print certs on machine", r -> AdminResponse.json(
            json.pretty(backend.certificates(), true))),
        AdminEndpoint.get("/contention", "dump current Envoy mutex contention stats (if enabled)",
            r -> AdminResponse.ok("Mutex contention tracing is not enabled. To enable, run Envoy with flag "
                + "--enable-mutex-tracing.")),
        AdminEndpoint.post("/drain_listeners", "drain listeners", this::drainListeners,
            Param.of("graceful", "When draining listeners, enter a graceful drain period prior to closing "
                + "listeners. This behaviour and duration is configurable via server options or CLI"),
            Param.of("skip_exit", "When draining listeners, do not exit after the drain period. "
                + "This must be used with graceful"),
            Param.of("inboundonly", "Drains all inbound listeners. traffic_direction field in "
                + "envoy_v3_api_msg_config.listener.v3.Listener is used to determine whether a listener is "
                + "inbound or outbound.")),
        AdminEndpoint.post("/healthcheck/fail", "cause the server to fail health checks", r -> {
          backend.setHealthCheckFailed(true);
          return AdminResponse.ok("OK\n");
        }),
        AdminEndpoint.post("/healthcheck/ok", "cause the server to pass health checks", r -> {
          backend.setHealthCheckFailed(false);
          return AdminResponse.ok("OK\n");
        }),
        AdminEndpoint.get("/hot_restart_version", "print the hot restart compatibility version",
            r -> AdminResponse.ok(hotRestartVersion())),
        AdminEndpoint.get("/memory", "print current allocation/heap usage",
            r -> AdminResponse.json(json.pretty(JvmMemory.snapshot(), true))),
        AdminEndpoint.post("/quitquitquit", "exit the server",
            r -> AdminResponse.ok("OK\n").then(backend::quitQuitQuit)),
        AdminEndpoint.get("/ready", "print server state, return 200 if LIVE, otherwise return 503",
            r -> ready()),
        AdminEndpoint.post("/reopen_logs", "reopen access logs", r -> {
          backend.reopenAccessLogs();
          return AdminResponse.ok("OK\n");
        }),
        AdminEndpoint.get("/server_info", "print server version/status information",
            r -> AdminResponse.json(json.pretty(backend.serverInfo(), true))));
  }

  private AdminResponse ready() {
    ServerInfo.State state = backend.state();
    return AdminResponse.text(state == ServerInfo.State.LIVE ? 200 : 503, state.name() + "\n");
  }

  private String hotRestartVersion() {
    String v = backend.serverInfo().getHotRestartVersion();
    return v.isEmpty() ? "disabled" : v;
  }

  private AdminResponse drainListeners(AdminRequest r) {
    boolean graceful = r.has("graceful");
    boolean skipExit = r.has("skip_exit");
    if (skipExit && !graceful) {
      return AdminResponse.text(400, "skip_exit requires graceful\n");
    }
    backend.drainListeners(graceful, r.has("inboundonly"), skipExit);
    return AdminResponse.ok("OK\n");
  }
}
