package dev.javoy.proxy.admin;

import dev.javoy.proxy.log.LogLevels;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The per-component log levels behind {@code /logging}, over the levels and component list of
 * {@link LogLevels} (which the command line sets): components are Envoy's logger names ({@code admin}, {@code http},
 * {@code upstream}, ...) backed by java.util.logging loggers named {@code <root>.<component>}, with Envoy's
 * level names mapped onto JUL levels.
 *
 * <p>JUL's log manager only keeps loggers weakly, so a level set on a logger nobody holds yet would be lost;
 * this class holds every logger whose level it set.
 */
public final class LoggerLevels {
  /** Envoy's log levels (spdlog names) and the JUL level each maps to. */
  public enum LogLevel {
    TRACE("trace", Level.FINEST),
    DEBUG("debug", Level.FINE),
    INFO("info", Level.INFO),
    WARNING("warning", Level.WARNING),
    ERROR("error", Level.SEVERE),
    CRITICAL("critical", LogLevels.CRITICAL),
    OFF("off", Level.OFF);

    private final String envoyName;
    private final Level julLevel;

    LogLevel(String envoyName, Level julLevel) {
      this.envoyName = envoyName;
      this.julLevel = julLevel;
    }

    public String envoyName() {
      return envoyName;
    }

    public Level julLevel() {
      return julLevel;
    }

    /** The Envoy level a JUL level shows as. */
    static LogLevel of(Level jul) {
      int v = jul.intValue();
      if (v == Level.OFF.intValue()) {
        return OFF;
      }
      if (v <= Level.FINEST.intValue()) {
        return TRACE;
      }
      if (v <= Level.FINE.intValue()) {
        return DEBUG;
      }
      if (v <= Level.INFO.intValue()) {
        return INFO;
      }
      if (v <= Level.WARNING.intValue()) {
        return WARNING;
      }
      return v <= Level.SEVERE.intValue() ? ERROR : CRITICAL;
    }
  }

  /** Envoy's logger ids: these exist (and can be changed) even before javoy code first logs to them. */
  static final List<String> ENVOY_COMPONENTS = LogLevels.COMPONENTS;

  private static final LoggerLevels SHARED = new LoggerLevels("javoy");

  private final String root;
  private final Map<String, Logger> held = new ConcurrentHashMap<>();

  /** @param root the JUL logger name the component loggers live under ({@code javoy} in the proxy) */
  public LoggerLevels(String root) {
    this.root = root;
  }

  /** The levels of the proxy's {@code javoy.*} loggers. */
  public static LoggerLevels shared() {
    return SHARED;
  }

  /** Parses an Envoy level name ({@code trace}, {@code debug}, {@code info}, {@code warning} or
   * {@code warn}, {@code error}, {@code critical}, {@code off}). */
  public static Optional<LogLevel> parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("warn")) {
      return Optional.of(LogLevel.WARNING);
    }
    for (LogLevel l : LogLevel.values()) {
      if (l.envoyName.equals(n)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /** Every component (Envoy's ids plus any other {@code <root>.x} logger) and its effective level, sorted. */
  public Map<String, LogLevel> levels() {
    Map<String, LogLevel> out = new TreeMap<>();
    for (String c : ENVOY_COMPONENTS) {
      out.put(c, effective(c));
    }
    String prefix = root + ".";
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      if (name.startsWith(prefix)) {
        String component = name.substring(prefix.length());
        out.put(component, effective(component));
      }
    }
    return out;
  }

  /** Whether {@code component} is a logger name {@code /logging} accepts. */
  public boolean isKnown(String component) {
    return ENVOY_COMPONENTS.contains(component)
        || LogManager.getLogManager().getLogger(root + "." + component) != null;
  }

  /** Sets one component's level. */
  public void set(String component, LogLevel level) {
    logger(root + "." + component).setLevel(level.julLevel());
  }

  /** Sets every component's level (and the root's, for components that appear later). */
  public void setAll(LogLevel level) {
    logger(root).setLevel(level.julLevel());
    for (String component : levels().keySet()) {
      set(component, level);
    }
  }

  /** The level a component logs at (its own, else inherited). */
  public LogLevel effective(String component) {
    Logger l = Logger.getLogger(root + "." + component);
    while (l != null && l.getLevel() == null) {
      l = l.getParent();
    }
    return l == null ? LogLevel.INFO : LogLevel.of(l.getLevel());
  }

  private Logger logger(String name) {
    return held.computeIfAbsent(name, Logger::getLogger);
  }
}
