package dev.javoy.proxy.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Envoy's log levels on java.util.logging, per component: {@code -l}, {@code --component-log-level},
 * {@code --log-path}, and the admin {@code /logging} endpoint. Component {@code c} logs to the JUL logger
 * {@code javoy.c} (see {@link Log}); all javoy logs and other libraries' warnings go to one {@link LogSink}
 * formatted by a {@link SpdlogFormatter}.
 *
 * <p>Levels: trace = FINEST/FINER, debug = FINE/CONFIG, info = INFO, warning = WARNING, error = SEVERE,
 * critical = {@link #CRITICAL}, off = OFF.
 */
public final class LogLevels {
  public static final Level TRACE = Level.FINEST;
  public static final Level DEBUG = Level.FINE;
  public static final Level INFO = Level.INFO;
  public static final Level WARNING = Level.WARNING;
  public static final Level ERROR = Level.SEVERE;
  public static final Level CRITICAL = new CriticalLevel();
  public static final Level OFF = Level.OFF;

  /** The parent of every component logger. */
  public static final String ROOT_LOGGER = "javoy";

  /** Envoy's logger ids: {@code --component-log-level} and {@code /logging} know these (and javoy's own). */
  public static final List<String> COMPONENTS = List.of(
      "admin", "alternate_protocols_cache", "aws", "assert", "backtrace", "basic_auth", "cache_filter", "client",
      "config", "connection", "conn_handler", "decompression", "dns", "dubbo", "envoy_bug", "ext_authz",
      "ext_proc", "rocketmq", "file", "filter", "forward_proxy", "geolocation", "grpc", "happy_eyeballs", "hc",
      "health_checker", "http", "http2", "http3", "hystrix", "init", "io", "jwt", "kafka", "key_value_store",
      "lua", "main", "matcher", "misc", "mongo", "multi_connection", "oauth2", "quic", "quic_stream", "pool",
      "rate_limit_quota", "rbac", "rds", "redis", "router", "runtime", "stats", "secret", "tap", "testing",
      "thrift", "tracing", "upstream", "udp", "wasm", "websocket", "golang", "xds");

  private static final Pattern COMPONENT_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  /** Held so JUL does not forget levels set on loggers nobody else references yet. */
  private static final Map<String, Logger> LOGGERS = new LinkedHashMap<>();
  private static LogSink sink;

  private LogLevels() {}

  /** Envoy's level names, plus {@code warn}; throws IllegalArgumentException naming the bad one. */
  public static Level parseLevel(String name) {
    return switch (name) {
      case "trace" -> TRACE;
      case "debug" -> DEBUG;
      case "info" -> INFO;
      case "warning", "warn" -> WARNING;
      case "error" -> ERROR;
      case "critical" -> CRITICAL;
      case "off" -> OFF;
      default -> throw new IllegalArgumentException("invalid log level specified '" + name
          + "' (one of trace, debug, info, warning, error, critical, off)");
    };
  }

  /**
   * Parses {@code --component-log-level}: {@code upstream:debug,connection:trace}. Throws
   * IllegalArgumentException naming the bad entry.
   */
  public static Map<String, Level> parseComponentLevels(String spec) {
    Map<String, Level> levels = new LinkedHashMap<>();
    if (spec == null || spec.isEmpty()) {
      return levels;
    }
    for (String entry : spec.split(",", -1)) {
      String[] nameLevel = entry.split(":", -1);
      if (nameLevel.length != 2 || !COMPONENT_NAME.matcher(nameLevel[0]).matches()) {
        throw new IllegalArgumentException("component log level not correctly specified '" + entry + "'");
      }
      levels.put(nameLevel[0], parseLevel(nameLevel[1]));
    }
    return levels;
  }

  /** Envoy's name of {@code level}: trace, debug, info, warning, error, critical or off. */
  public static String envoyName(Level level) {
    int v = level.intValue();
    if (v == Level.OFF.intValue()) {
      return "off";
    }
    return v < 500 ? "trace" : v < 800 ? "debug" : v < 900 ? "info" : v < 1000 ? "warning" : v < 1100 ? "error"
        : "critical";
  }

  static String envoyShortName(Level level) {
    String name = envoyName(level);
    return name.substring(0, 1).toUpperCase(Locale.ROOT);
  }

  /** The component of a logger name ({@code javoy.upstream} → {@code upstream}); other loggers by full name. */
  static String componentOf(String loggerName) {
    if (loggerName == null || loggerName.isEmpty()) {
      return "misc";
    }
    return loggerName.startsWith(ROOT_LOGGER + ".") ? loggerName.substring(ROOT_LOGGER.length() + 1) : loggerName;
  }

  /**
   * Sends all logging to one sink: javoy's at {@code level} (and {@code componentLevels} per component), other
   * libraries' at warning or above.
   *
   * @param logPath {@code --log-path}, or null for stderr
   */
  public static synchronized void install(Level level, Map<String, Level> componentLevels, Formatter formatter,
      Path logPath) throws IOException {
    LogSink next = new LogSink(logPath);
    next.setFormatter(formatter);
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
      if (h == sink) {
        h.close();
      }
    }
    sink = next;
    root.addHandler(sink);
    root.setLevel(level.intValue() > WARNING.intValue() ? level : WARNING);
    setAllLevels(level);
    componentLevels.forEach(LogLevels::setLevel);
  }

  /** Replaces the format of every line from now on. */
  public static synchronized void setFormatter(Formatter formatter) {
    if (sink != null) {
      sink.setFormatter(formatter);
    }
  }

  /** The installed formatter, or null before {@link #install}. */
  public static synchronized Formatter formatter() {
    return sink == null ? null : sink.getFormatter();
  }

  /** Sets one component's level ({@code /logging?upstream=debug}). */
  public static synchronized void setLevel(String component, Level level) {
    logger(component).setLevel(level);
  }

  /** Sets every component's level ({@code -l}, {@code /logging?level=debug}). */
  public static synchronized void setAllLevels(Level level) {
    logger(null).setLevel(level);
    for (String c : COMPONENTS) {
      logger(c).setLevel(level);
    }
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      if (name.startsWith(ROOT_LOGGER + ".")) {
        logger(name.substring(ROOT_LOGGER.length() + 1)).setLevel(level);
      }
    }
  }

  /** Each component's level by Envoy name, sorted by component ({@code GET /logging}). */
  public static synchronized Map<String, String> levels() {
    for (String c : COMPONENTS) {
      logger(c);
    }
    Map<String, String> levels = new TreeMap<>();
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      if (name.startsWith(ROOT_LOGGER + ".")) {
        levels.put(name.substring(ROOT_LOGGER.length() + 1), envoyName(effectiveLevel(logger(componentOf(name)))));
      }
    }
    return levels;
  }

  /** Whether {@code component} is one Envoy or javoy has a logger for. */
  public static boolean isKnownComponent(String component) {
    return COMPONENTS.contains(component)
        || LogManager.getLogManager().getLogger(ROOT_LOGGER + "." + component) != null;
  }

  /** Reopens the {@code --log-path} file (SIGUSR1, {@code /reopen_logs}). */
  public static void reopen() throws IOException {
    LogSink s;
    synchronized (LogLevels.class) {
      s = sink;
    }
    if (s != null) {
      s.reopen();
    }
  }

  private static Logger logger(String component) {
    String name = component == null ? ROOT_LOGGER : ROOT_LOGGER + "." + component;
    return LOGGERS.computeIfAbsent(name, Logger::getLogger);
  }

  private static Level effectiveLevel(Logger logger) {
    for (Logger l = logger; l != null; l = l.getParent()) {
      if (l.getLevel() != null) {
        return l.getLevel();
      }
    }
    return INFO;
  }

  /** Envoy's critical: above JUL's SEVERE (error). */
  private static final class CriticalLevel extends Level {
    CriticalLevel() {
      super("CRITICAL", 1100);
    }
  }
}
