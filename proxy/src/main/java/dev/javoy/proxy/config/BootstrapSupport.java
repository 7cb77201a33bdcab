package dev.javoy.proxy.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.util.Set;

/**
 * Which {@link Bootstrap} fields javoy implements. A bootstrap that sets any other field is rejected with the
 * field's path rather than silently running without it. The lists below are the one place to widen (as features
 * land) or narrow. Extensions nested in accepted fields ({@code overload_manager}, {@code bootstrap_extensions},
 * {@code stats_sinks}, {@code tracing}) are checked where they are built, not here.
 */
public final class BootstrapSupport {
  /** Top-level {@link Bootstrap} fields javoy accepts. */
  static final Set<String> BOOTSTRAP_FIELDS = Set.of(
      "node",
      "node_context_params",
      "static_resources",
      "dynamic_resources", // parsed; xDS is wired separately
      "admin",
      "stats_config",
      "stats_flush_interval",
      "stats_sinks",
      "deferred_stat_options",
      "layered_runtime",
      "cluster_manager", // only CLUSTER_MANAGER_FIELDS
      "overload_manager",
      "bootstrap_extensions",
      "application_log_config",
      "tracing",
      "watchdog",
      "watchdogs",
      "header_prefix",
      "use_tcp_for_dns_lookups",
      "dns_resolution_config",
      "typed_dns_resolver_config");

  /** Deprecated fields kept in the proto under this prefix are accepted (Envoy ignores them too). */
  static final String HIDDEN_DEPRECATED_PREFIX = "hidden_envoy_deprecated_";

  /** What {@link #check} lets through at the top: the accepted fields and the hidden deprecated ones. */
  private static final Set<String> NOT_CHECKED_HERE = acceptedOrHidden();

  /** {@code cluster_manager} fields javoy accepts. */
  static final Set<String> CLUSTER_MANAGER_FIELDS =
      Set.of("local_cluster_name", "outlier_detection", "enable_deferred_cluster_creation");

  /** {@code cluster_manager.outlier_detection} fields javoy accepts. */
  static final Set<String> OUTLIER_EVENT_LOG_FIELDS = Set.of("event_log_path");

  private BootstrapSupport() {}

  /** Throws naming the first field {@code bootstrap} sets that javoy does not implement. */
  public static void check(Bootstrap bootstrap) throws ConfigException {
    FieldDescriptor first = FieldSupport.firstUnsupported(bootstrap, NOT_CHECKED_HERE);
    if (first != null) {
      throw unsupported(first.getName(), "Bootstrap");
    }
    if (bootstrap.hasClusterManager()) {
      FieldSupport.check(bootstrap.getClusterManager(), "cluster_manager", CLUSTER_MANAGER_FIELDS);
      if (bootstrap.getClusterManager().hasOutlierDetection()) {
        FieldSupport.check(bootstrap.getClusterManager().getOutlierDetection(),
            "cluster_manager.outlier_detection", OUTLIER_EVENT_LOG_FIELDS);
      }
    }
  }

  private static Set<String> acceptedOrHidden() {
    Set<String> names = new java.util.HashSet<>(BOOTSTRAP_FIELDS);
    for (FieldDescriptor f : Bootstrap.getDescriptor().getFields()) {
      if (f.getName().startsWith(HIDDEN_DEPRECATED_PREFIX)) {
        names.add(f.getName());
      }
    }
    return Set.copyOf(names);
  }

  private static ConfigException unsupported(String path, String in) {
    return new ConfigException(path, "field not supported by javoy yet (in envoy.config.bootstrap.v3." + in + ")");
  }
}
