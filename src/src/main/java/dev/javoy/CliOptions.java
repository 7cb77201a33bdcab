package dev.javoy;

import dev.javoy.proxy.server.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Envoy's command line (the flags its documentation lists and Istio's pilot-agent passes, {@link CliFlag}).
 * Flags for Envoy features javoy does not have (hot restart, shared memory, mutex tracing) are accepted so that
 * launchers keep working, and say so in {@code --help}. Parsed by hand (picocli's reflection cost ≈ 100 ms of
 * start-up): {@code --flag value}, {@code --flag=value}, {@code -c value}, {@code -cvalue}, {@code -c=value}; a
 * flag given twice is an error unless it is repeatable; there are no positional arguments.
 */
final class CliOptions {
  static final String NO_HOT_RESTART = CliFlag.NO_HOT_RESTART;

  String configPath;
  String configYaml;
  String mode = "serve";
  Integer concurrency;
  boolean cpusetThreads;
  String logLevel = "info";
  String componentLogLevel;
  String logFormat;
  boolean logFormatEscaped;
  boolean enableFineGrainLogging;
  String logPath;
  long drainTimeSeconds = 600;
  String drainStrategy = "gradual";
  long parentShutdownTimeSeconds = 900;
  String localAddressIpVersion = "v4";
  long fileFlushIntervalMillis = 10000;
  int fileFlushMinSizeKb = 64;
  String serviceCluster;
  String serviceNode;
  String serviceZone;
  boolean allowUnknownStaticFields;
  boolean allowUnknownFields;
  boolean rejectUnknownDynamicFields;
  boolean ignoreUnknownDynamicFields;
  boolean skipDeprecatedLogs;
  List<String> disableExtensions = new ArrayList<>();
  List<String> statsTags = new ArrayList<>();
  String adminAddressPath;
  Integer bootstrapVersion;
  boolean enableCoreDump;
  boolean enableMutexTracing;
  boolean disableHotRestart;
  long restartEpoch;
  long baseId;
  boolean useDynamicBaseId;
  String baseIdPath;
  String socketPath;
  String socketMode;
  boolean skipHotRestartOnNoParent;
  boolean skipHotRestartParentStats;
  boolean hotRestartVersion;
  Long maxObjNameLen;
  Long maxStats;
  String transport = "auto";
  boolean versionRequested;
  boolean helpRequested;

  /** A command line that does not parse; the message says why (printed after {@code PARSE ERROR: }). */
  static final class ParseException extends Exception {
    ParseException(String message) {
      super(message);
    }
  }

  /** Parses {@code args}. */
  static CliOptions parse(String[] args) throws ParseException {
    CliOptions options = new CliOptions();
    EnumSet<CliFlag> seen = EnumSet.noneOf(CliFlag.class);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      CliFlag flag;
      String value = null;
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        flag = CliFlag.named(eq < 0 ? arg : arg.substring(0, eq));
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        }
      } else if (arg.length() >= 2 && arg.charAt(0) == '-') {
        flag = CliFlag.named(arg.substring(0, 2));
        if (arg.length() > 2) {
          value = arg.charAt(2) == '=' ? arg.substring(3) : arg.substring(2);
        }
      } else {
        throw new ParseException("Unmatched argument at index " + i + ": '" + arg + "'");
      }
      if (flag == null) {
        throw new ParseException("Unknown option: '" + arg + "'");
      }
      if (!flag.takesValue() && value != null) {
        throw new ParseException("option '" + flag.longName + "' takes no value (got '" + arg + "')");
      }
      if (flag.takesValue() && value == null) {
        if (i + 1 >= args.length) {
          throw new ParseException("Missing required parameter for option '" + flag.longName + "' (" + flag.label
              + ")");
        }
        value = args[++i];
      }
      if (!seen.add(flag) && !flag.repeatable()) {
        throw new ParseException("option '" + flag.longName + "'" + (flag.label == null ? "" : " (" + flag.label + ")")
            + " should be specified only once");
      }
      options.set(flag, value);
    }
    return options;
  }

  private void set(CliFlag flag, String v) throws ParseException {
    switch (flag) {
      case CONFIG_PATH -> configPath = v;
      case CONFIG_YAML -> configYaml = v;
      case MODE -> mode = v;
      case CONCURRENCY -> concurrency = parseInt(flag, v);
      case CPUSET_THREADS -> cpusetThreads = true;
      case LOG_LEVEL -> logLevel = v;
      case COMPONENT_LOG_LEVEL -> componentLogLevel = v;
      case LOG_FORMAT -> logFormat = v;
      case LOG_FORMAT_ESCAPED -> logFormatEscaped = true;
      case ENABLE_FINE_GRAIN_LOGGING -> enableFineGrainLogging = true;
      case LOG_PATH -> logPath = v;
      case DRAIN_TIME_S -> drainTimeSeconds = parseLong(flag, v);
      case DRAIN_STRATEGY -> drainStrategy = v;
      case PARENT_SHUTDOWN_TIME_S -> parentShutdownTimeSeconds = parseLong(flag, v);
      case LOCAL_ADDRESS_IP_VERSION -> localAddressIpVersion = v;
      case FILE_FLUSH_INTERVAL_MSEC -> fileFlushIntervalMillis = parseLong(flag, v);
      case FILE_FLUSH_MIN_SIZE_KB -> fileFlushMinSizeKb = parseInt(flag, v);
      case SERVICE_CLUSTER -> serviceCluster = v;
      case SERVICE_NODE -> serviceNode = v;
      case SERVICE_ZONE -> serviceZone = v;
      case ALLOW_UNKNOWN_STATIC_FIELDS -> allowUnknownStaticFields = true;
      case ALLOW_UNKNOWN_FIELDS -> allowUnknownFields = true;
      case REJECT_UNKNOWN_DYNAMIC_FIELDS -> rejectUnknownDynamicFields = true;
      case IGNORE_UNKNOWN_DYNAMIC_FIELDS -> ignoreUnknownDynamicFields = true;
      case SKIP_DEPRECATED_LOGS -> skipDeprecatedLogs = true;
      case DISABLE_EXTENSIONS -> {
        for (String name : v.split(",", -1)) {
          disableExtensions.add(name);
        }
      }
      case STATS_TAG -> statsTags.add(v);
      case ADMIN_ADDRESS_PATH -> adminAddressPath = v;
      case BOOTSTRAP_VERSION -> bootstrapVersion = parseInt(flag, v);
      case ENABLE_CORE_DUMP -> enableCoreDump = true;
      case ENABLE_MUTEX_TRACING -> enableMutexTracing = true;
      case DISABLE_HOT_RESTART -> disableHotRestart = true;
      case RESTART_EPOCH -> restartEpoch = parseLong(flag, v);
      case BASE_ID -> baseId = parseLong(flag, v);
      case USE_DYNAMIC_BASE_ID -> useDynamicBaseId = true;
      case BASE_ID_PATH -> baseIdPath = v;
      case SOCKET_PATH -> socketPath = v;
      case SOCKET_MODE -> socketMode = v;
      case SKIP_HOT_RESTART_ON_NO_PARENT -> skipHotRestartOnNoParent = true;
      case SKIP_HOT_RESTART_PARENT_STATS -> skipHotRestartParentStats = true;
      case HOT_RESTART_VERSION -> hotRestartVersion = true;
      case MAX_OBJ_NAME_LEN -> maxObjNameLen = parseLong(flag, v);
      case MAX_STATS -> maxStats = parseLong(flag, v);
      case TRANSPORT -> transport = v;
      case VERSION -> versionRequested = true;
      case HELP -> helpRequested = true;
      default -> throw new IllegalStateException(flag.name());
    }
  }

  private static int parseInt(CliFlag flag, String v) throws ParseException {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new ParseException("Invalid value for option '" + flag.longName + "': '" + v + "' is not an int");
    }
  }

  private static long parseLong(CliFlag flag, String v) throws ParseException {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new ParseException("Invalid value for option '" + flag.longName + "': '" + v + "' is not a long");
    }
  }

  /** The {@code --help} text. */
  static String usage() {
    String nl = System.lineSeparator();
    StringBuilder out = new StringBuilder();
    out.append("Usage: javoy [options]").append(nl)
        .append("An Envoy-compatible proxy. Takes Envoy's command line; see").append(nl)
        .append("https://www.envoyproxy.io/docs/envoy/latest/operations/cli.").append(nl);
    for (CliFlag flag : CliFlag.values()) {
      if (flag.description == null) {
        continue;
      }
      String names = (flag.shortName != null ? "  " + flag.shortName + ", " : "      ") + flag.longName
          + (flag.label != null ? "=" + flag.label : "");
      out.append(names);
      if (names.length() >= 29) {
        out.append(nl).append(" ".repeat(29));
      } else {
        out.append(" ".repeat(29 - names.length()));
      }
      appendWrapped(out, flag.description, 29, 79, nl);
    }
    out.append(nl)
        .append("With neither -c nor --config-yaml, javoy serves a demo: listener 0.0.0.0:10000, admin").append(nl)
        .append("127.0.0.1:9901.").append(nl).append("Exit status: 0 on success, 1 on bad flags or bad configuration.").append(nl);
    return out.toString();
  }

  /** Appends {@code text} wrapped at {@code width}, continuation lines indented to {@code indent} + 2. */
  private static void appendWrapped(StringBuilder out, String text, int indent, int width, String nl) {
    int column = indent;
    boolean first = true;
    for (String word : text.split(" ")) {
      if (!first && column + 1 + word.length() > width) {
        out.append(nl).append(" ".repeat(indent + 2));
        column = indent + 2;
        first = true;
      }
      if (!first) {
        out.append(' ');
        column++;
      }
      out.append(word);
      column += word.length();
      first = false;
    }
    out.append(nl);
  }

  /** A flag value Envoy would reject; its message is what Envoy prints. */
  static final class BadFlagException extends Exception {
    BadFlagException(String message) {
      super(message);
    }
  }

  /** Checks the flags' values and builds the options the server runs with. */
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
