package dev.javoy;

import dev.javoy.proxy.server.ServerOptions;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Envoy's command line (the flags its documentation lists and Istio's pilot-agent passes), parsed by picocli.
 * Flags for Envoy features javoy does not have (hot restart, shared memory, mutex tracing) are accepted so that
 * launchers keep working, and say so in {@code --help}.
 */
@Command(
    name = "javoy",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "An Envoy-compatible proxy. Takes Envoy's command line; see "
        + "https://www.envoyproxy.io/docs/envoy/latest/operations/cli.",
    footer = "%nWith neither -c nor --config-yaml, javoy serves a demo: listener 0.0.0.0:10000, admin "
        + "127.0.0.1:9901.%nExit status: 0 on success, 1 on bad flags or bad configuration.")
final class CliOptions {
  static final String NO_HOT_RESTART = " javoy has no hot restart: accepted and ignored.";

  @Option(names = {"-c", "--config-path"}, paramLabel = "<path>",
      description = "Bootstrap config file: .yaml/.yml, .json, .pb (binary), .pb_text; else JSON, then YAML.")
  String configPath;

  @Option(names = "--config-yaml", paramLabel = "<yaml>",
      description = "Bootstrap YAML (or JSON), merged over the contents of --config-path.")
  String configYaml;

  @Option(names = "--mode", paramLabel = "<mode>", defaultValue = "serve",
      description = "serve (default), validate (load and build the config, bind nothing, print OK or the "
          + "errors) or init_only (initialize, then exit).")
  String mode;

  @Option(names = "--concurrency", paramLabel = "<n>",
      description = "Worker threads (event loops). Default: the number of CPUs. 0 means 1.")
  Integer concurrency;

  @Option(names = "--cpuset-threads",
      description = "Without --concurrency, use the CPUs this process may run on (javoy always does).")
  boolean cpusetThreads;

  @Option(names = {"-l", "--log-level"}, paramLabel = "<level>", defaultValue = "info",
      description = "Log level: trace, debug, info (default), warning/warn, error, critical, off.")
  String logLevel;

  @Option(names = "--component-log-level", paramLabel = "<list>",
      description = "Per-component log levels, e.g. upstream:debug,connection:trace.")
  String componentLogLevel;

  @Option(names = "--log-format", paramLabel = "<format>",
      description = "Log line format, spdlog syntax. Default: \"[%%Y-%%m-%%d %%T.%%e][%%t][%%l][%%n] [%%g:%%#] %%v\".")
  String logFormat;

  @Option(names = "--log-format-escaped", description = "Escape C-style sequences (newlines...) in log lines.")
  boolean logFormatEscaped;

  @Option(names = "--enable-fine-grain-logging",
      description = "Accepted; javoy's loggers are per component, as without this flag.")
  boolean enableFineGrainLogging;

  @Option(names = "--log-path", paramLabel = "<path>",
      description = "Write logs to this file (appended; reopened on SIGUSR1) instead of stderr.")
  String logPath;

  @Option(names = "--drain-time-s", paramLabel = "<s>", defaultValue = "600",
      description = "Seconds to drain connections on shutdown or listener removal. Default 600.")
  long drainTimeSeconds;

  @Option(names = "--drain-strategy", paramLabel = "<strategy>", defaultValue = "gradual",
      description = "gradual (default: more connections told to close as the drain time passes) or immediate.")
  String drainStrategy;

  @Option(names = "--parent-shutdown-time-s", paramLabel = "<s>", defaultValue = "900",
      description = "Hot restart parent shutdown time." + NO_HOT_RESTART)
  long parentShutdownTimeSeconds;

  @Option(names = "--local-address-ip-version", paramLabel = "<v4|v6>", defaultValue = "v4",
      description = "IP version of the server's local address (v4 default, or v6).")
  String localAddressIpVersion;

  @Option(names = "--file-flush-interval-msec", paramLabel = "<ms>", defaultValue = "10000",
      description = "Access log file flush interval in milliseconds. Default 10000.")
  long fileFlushIntervalMillis;

  @Option(names = "--file-flush-min-size-kb", paramLabel = "<kb>", defaultValue = "64",
      description = "Access log buffer size that triggers a flush, in KiB. Default 64.")
  int fileFlushMinSizeKb;

  @Option(names = "--service-cluster", paramLabel = "<name>", description = "Overrides node.cluster.")
  String serviceCluster;

  @Option(names = "--service-node", paramLabel = "<name>", description = "Overrides node.id.")
  String serviceNode;

  @Option(names = "--service-zone", paramLabel = "<zone>", description = "Overrides node.locality.zone.")
  String serviceZone;

  @Option(names = "--allow-unknown-static-fields",
      description = "Warn about (and ignore) unknown fields in the bootstrap instead of failing.")
  boolean allowUnknownStaticFields;

  @Option(names = "--allow-unknown-fields", description = "Deprecated alias of --allow-unknown-static-fields.")
  boolean allowUnknownFields;

  @Option(names = "--reject-unknown-dynamic-fields", description = "Reject xDS resources with unknown fields.")
  boolean rejectUnknownDynamicFields;

  @Option(names = "--ignore-unknown-dynamic-fields",
      description = "Ignore unknown fields in xDS resources without warning (default: warn).")
  boolean ignoreUnknownDynamicFields;

  @Option(names = "--skip-deprecated-logs", description = "Accepted; javoy does not log uses of deprecated fields.")
  boolean skipDeprecatedLogs;

  @Option(names = "--disable-extensions", paramLabel = "<list>", split = ",",
      description = "Extensions to disable, as category/name, comma separated. Accepted; not applied yet.")
  List<String> disableExtensions = List.of();

  @Option(names = "--stats-tag", paramLabel = "<tag:value>",
      description = "A tag added to every stat (tag:value); may be repeated. Accepted; not applied yet.")
  List<String> statsTags = List.of();

  @Option(names = "--admin-address-path", paramLabel = "<path>",
      description = "File to write the admin address to once bound.")
  String adminAddressPath;

  @Option(names = "--bootstrap-version", paramLabel = "<n>",
      description = "Bootstrap API version; only 3 (v3) exists in javoy.")
  Integer bootstrapVersion;

  @Option(names = "--enable-core-dump", description = "Accepted; the JVM's core dump settings apply.")
  boolean enableCoreDump;

  @Option(names = "--enable-mutex-tracing", description = "Accepted and ignored (no mutex tracing in javoy).")
  boolean enableMutexTracing;

  @Option(names = "--disable-hot-restart", description = "Disable hot restart." + NO_HOT_RESTART)
  boolean disableHotRestart;

  @Option(names = "--restart-epoch", paramLabel = "<n>", defaultValue = "0",
      description = "Hot restart epoch." + NO_HOT_RESTART)
  long restartEpoch;

  @Option(names = "--base-id", paramLabel = "<n>", defaultValue = "0",
      description = "Shared memory base id." + NO_HOT_RESTART)
  long baseId;

  @Option(names = "--use-dynamic-base-id", description = "Pick a base id dynamically." + NO_HOT_RESTART)
  boolean useDynamicBaseId;

  @Option(names = "--base-id-path", paramLabel = "<path>", description = "Where to write the base id."
      + NO_HOT_RESTART)
  String baseIdPath;

  @Option(names = "--socket-path", paramLabel = "<path>", description = "Hot restart socket." + NO_HOT_RESTART)
  String socketPath;

  @Option(names = "--socket-mode", paramLabel = "<mode>", description = "Hot restart socket mode."
      + NO_HOT_RESTART)
  String socketMode;

  @Option(names = "--skip-hot-restart-on-no-parent", description = "Hot restart tuning." + NO_HOT_RESTART)
  boolean skipHotRestartOnNoParent;

  @Option(names = "--skip-hot-restart-parent-stats", description = "Hot restart tuning." + NO_HOT_RESTART)
  boolean skipHotRestartParentStats;

  @Option(names = "--hot-restart-version", description = "Print the hot restart version (\"disabled\") and exit.")
  boolean hotRestartVersion;

  @Option(names = "--max-obj-name-len", paramLabel = "<n>", hidden = true,
      description = "Removed from Envoy; accepted for old launchers and ignored.")
  Long maxObjNameLen;

  @Option(names = "--max-stats", paramLabel = "<n>", hidden = true,
      description = "Removed from Envoy; accepted for old launchers and ignored.")
  Long maxStats;

  @Option(names = "--transport", paramLabel = "<transport>", defaultValue = "auto",
      description = "javoy only: event loop transport: auto (default: epoll on Linux, else NIO), epoll, "
          + "io_uring or nio.")
  String transport;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean versionRequested;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
  boolean helpRequested;

  /** A flag value Envoy would reject; its message is what Envoy prints. */
  static final class BadFlagException extends Exception {
    BadFlagException(String message) {
      super(message);
    }
  }

  /** Checks the values picocli cannot and builds the options the server runs with. */
  ServerOptions toServerOptions() throws BadFlagException {
    ServerOptions.Mode m = switch (mode) {
      case "serve" -> ServerOptions.Mode.SERVE;
      case "validate" -> ServerOptions.Mode.VALIDATE;
      case "init_only" -> ServerOptions.Mode.INIT_ONLY;
      default -> throw new BadFlagException("error: unknown mode '" + mode + "'");
    };
    if (!localAddressIpVersion.equals("v4") && !localAddressIpVersion.equals("v6")) {
      throw new BadFlagException("error: unknown IP address version '" + localAddressIpVersion + "'");
    }
    ServerOptions.DrainStrategy drain = switch (drainStrategy) {
      case "gradual" -> ServerOptions.DrainStrategy.GRADUAL;
      case "immediate" -> ServerOptions.DrainStrategy.IMMEDIATE;
      default -> throw new BadFlagException("error: unknown drain-strategy '" + drainStrategy + "'");
    };
    ServerOptions.Transport t = switch (transport) {
      case "auto" -> ServerOptions.Transport.AUTO;
      case "epoll" -> ServerOptions.Transport.EPOLL;
      case "io_uring" -> ServerOptions.Transport.IO_URING;
      case "nio" -> ServerOptions.Transport.NIO;
      default -> throw new BadFlagException("error: unknown transport '" + transport
          + "' (auto, epoll, io_uring or nio)");
    };
    if (useDynamicBaseId && restartEpoch > 0) {
      throw new BadFlagException("error: cannot use --restart-epoch=" + restartEpoch + " with --use-dynamic-base-id");
    }
    if (bootstrapVersion != null && bootstrapVersion != 3) {
      throw new BadFlagException("error: unsupported --bootstrap-version " + bootstrapVersion + " (only 3)");
    }
    for (String tag : statsTags) {
      if (tag.indexOf(':') <= 0) {
        throw new BadFlagException("error: misformatted stats-tag '" + tag + "'");
      }
    }
    nonNegative("--concurrency", concurrency == null ? 0 : concurrency);
    nonNegative("--drain-time-s", drainTimeSeconds);
    nonNegative("--parent-shutdown-time-s", parentShutdownTimeSeconds);
    nonNegative("--file-flush-interval-msec", fileFlushIntervalMillis);
    nonNegative("--file-flush-min-size-kb", fileFlushMinSizeKb);
    int workers = concurrency == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, concurrency);
    return new ServerOptions(configPath, configYaml, m, workers, Duration.ofSeconds(drainTimeSeconds), drain,
        Duration.ofSeconds(parentShutdownTimeSeconds), localAddressIpVersion, serviceCluster, serviceNode,
        serviceZone, allowUnknownStaticFields || allowUnknownFields, rejectUnknownDynamicFields,
        Duration.ofMillis(fileFlushIntervalMillis), fileFlushMinSizeKb, t);
  }

  private static void nonNegative(String flag, long value) throws BadFlagException {
    if (value < 0) {
      throw new BadFlagException("error: " + flag + " must not be negative (got " + value + ")");
    }
  }
}
