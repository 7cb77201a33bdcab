package dev.javoy;

/**
 * One of Envoy's command-line flags as javoy accepts it: its names, the label of its value ({@code null} for a
 * flag without a value) and its line in {@code --help}. {@link CliOptions#parse} reads them; the order here is
 * the order of {@code --help}.
 */
enum CliFlag {
  CONFIG_PATH("-c", "--config-path", "<path>",
      "Bootstrap config file: .yaml/.yml, .json, .pb (binary), .pb_text; else JSON, then YAML."),
  CONFIG_YAML(null, "--config-yaml", "<yaml>", "Bootstrap YAML (or JSON), merged over the contents of --config-path."),
  MODE(null, "--mode", "<mode>", "serve (default), validate (load and build the config, bind nothing, print OK or the "
      + "errors) or init_only (initialize, then exit)."),
  CONCURRENCY(null, "--concurrency", "<n>", "Worker threads (event loops). Default: the number of CPUs. 0 means 1."),
  CPUSET_THREADS(null, "--cpuset-threads", null,
      "Without --concurrency, use the CPUs this process may run on (javoy always does)."),
  LOG_LEVEL("-l", "--log-level", "<level>", "Log level: trace, debug, info (default), warning/warn, error, critical, off."),
  COMPONENT_LOG_LEVEL(null, "--component-log-level", "<list>",
      "Per-component log levels, e.g. upstream:debug,connection:trace."),
  LOG_FORMAT(null, "--log-format", "<format>",
      "Log line format, spdlog syntax. Default: \"[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v\"."),
  LOG_FORMAT_ESCAPED(null, "--log-format-escaped", null, "Escape C-style sequences (newlines...) in log lines."),
  ENABLE_FINE_GRAIN_LOGGING(null, "--enable-fine-grain-logging", null,
      "Accepted; javoy's loggers are per component, as without this flag."),
  LOG_PATH(null, "--log-path", "<path>", "Write logs to this file (appended; reopened on SIGUSR1) instead of stderr."),
  DRAIN_TIME_S(null, "--drain-time-s", "<s>",
      "Seconds to drain connections on shutdown or listener removal. Default 600."),
  DRAIN_STRATEGY(null, "--drain-strategy", "<strategy>",
      "gradual (default: more connections told to close as the drain time passes) or immediate."),
  PARENT_SHUTDOWN_TIME_S(null, "--parent-shutdown-time-s", "<s>",
      "Hot restart parent shutdown time." + CliFlag.NO_HOT_RESTART),
  LOCAL_ADDRESS_IP_VERSION(null, "--local-address-ip-version", "<v4|v6>",
      "IP version of the server's local address (v4 default, or v6)."),
  FILE_FLUSH_INTERVAL_MSEC(null, "--file-flush-interval-msec", "<ms>",
      "Access log file flush interval in milliseconds. Default 10000."),
  FILE_FLUSH_MIN_SIZE_KB(null, "--file-flush-min-size-kb", "<kb>",
      "Access log buffer size that triggers a flush, in KiB. Default 64."),
  SERVICE_CLUSTER(null, "--service-cluster", "<name>", "Overrides node.cluster."),
  SERVICE_NODE(null, "--service-node", "<name>", "Overrides node.id."),
  SERVICE_ZONE(null, "--service-zone", "<zone>", "Overrides node.locality.zone."),
  ALLOW_UNKNOWN_STATIC_FIELDS(null, "--allow-unknown-static-fields", null,
      "Warn about (and ignore) unknown fields in the bootstrap instead of failing."),
  ALLOW_UNKNOWN_FIELDS(null, "--allow-unknown-fields", null, "Deprecated alias of --allow-unknown-static-fields."),
  REJECT_UNKNOWN_DYNAMIC_FIELDS(null, "--reject-unknown-dynamic-fields", null,
      "Reject xDS resources with unknown fields."),
  IGNORE_UNKNOWN_DYNAMIC_FIELDS(null, "--ignore-unknown-dynamic-fields", null,
      "Ignore unknown fields in xDS resources without warning (default: warn)."),
  SKIP_DEPRECATED_LOGS(null, "--skip-deprecated-logs", null, "Accepted; javoy does not log uses of deprecated fields."),
  DISABLE_EXTENSIONS(null, "--disable-extensions", "<list>",
      "Extensions to disable, as category/name, comma separated. Accepted; not applied yet."),
  STATS_TAG(null, "--stats-tag", "<tag:value>",
      "A tag added to every stat (tag:value); may be repeated. Accepted; not applied yet."),
  ADMIN_ADDRESS_PATH(null, "--admin-address-path", "<path>", "File to write the admin address to once bound."),
  BOOTSTRAP_VERSION(null, "--bootstrap-version", "<n>", "Bootstrap API version; only 3 (v3) exists in javoy."),
  ENABLE_CORE_DUMP(null, "--enable-core-dump", null, "Accepted; the JVM's core dump settings apply."),
  ENABLE_MUTEX_TRACING(null, "--enable-mutex-tracing", null, "Accepted and ignored (no mutex tracing in javoy)."),
  DISABLE_HOT_RESTART(null, "--disable-hot-restart", null, "Disable hot restart." + CliFlag.NO_HOT_RESTART),
  RESTART_EPOCH(null, "--restart-epoch", "<n>", "Hot restart epoch." + CliFlag.NO_HOT_RESTART),
  BASE_ID(null, "--base-id", "<n>", "Shared memory base id." + CliFlag.NO_HOT_RESTART),
  USE_DYNAMIC_BASE_ID(null, "--use-dynamic-base-id", null, "Pick a base id dynamically." + CliFlag.NO_HOT_RESTART),
  BASE_ID_PATH(null, "--base-id-path", "<path>", "Where to write the base id." + CliFlag.NO_HOT_RESTART),
  SOCKET_PATH(null, "--socket-path", "<path>", "Hot restart socket." + CliFlag.NO_HOT_RESTART),
  SOCKET_MODE(null, "--socket-mode", "<mode>", "Hot restart socket mode." + CliFlag.NO_HOT_RESTART),
  SKIP_HOT_RESTART_ON_NO_PARENT(null, "--skip-hot-restart-on-no-parent", null,
      "Hot restart tuning." + CliFlag.NO_HOT_RESTART),
  SKIP_HOT_RESTART_PARENT_STATS(null, "--skip-hot-restart-parent-stats", null,
      "Hot restart tuning." + CliFlag.NO_HOT_RESTART),
  HOT_RESTART_VERSION(null, "--hot-restart-version", null, "Print the hot restart version (\"disabled\") and exit."),
  /** Removed from Envoy; accepted for old launchers and ignored (not in {@code --help}). */
  MAX_OBJ_NAME_LEN(null, "--max-obj-name-len", "<n>", null),
  /** Removed from Envoy; accepted for old launchers and ignored (not in {@code --help}). */
  MAX_STATS(null, "--max-stats", "<n>", null),
  TRANSPORT(null, "--transport", "<transport>",
      "javoy only: event loop transport: auto (default: epoll on Linux, else NIO), epoll, io_uring or nio."),
  VERSION(null, "--version", null, "Print the version and exit."),
  HELP("-h", "--help", null, "Print this help and exit.");

  static final String NO_HOT_RESTART = " javoy has no hot restart: accepted and ignored.";

  /** {@code -x}, or null. */
  final String shortName;
  final String longName;
  /** The value's label in messages and {@code --help}; null for a flag that takes no value. */
  final String label;
  /** The {@code --help} text; null for a hidden flag. */
  final String description;

  CliFlag(String shortName, String longName, String label, String description) {
    this.shortName = shortName;
    this.longName = longName;
    this.label = label;
    this.description = description;
  }

  boolean takesValue() {
    return label != null;
  }

  /** Flags that may be given more than once (each adds values); any other given twice is an error. */
  boolean repeatable() {
    return this == DISABLE_EXTENSIONS || this == STATS_TAG;
  }

  /** The flag named {@code name} ({@code -c} or {@code --config-path}), or null. */
  static CliFlag named(String name) {
    for (CliFlag flag : values()) {
      if (name.equals(flag.longName) || name.equals(flag.shortName)) {
        return flag;
      }
    }
    return null;
  }
}
