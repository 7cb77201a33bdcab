package dev.javoy.proxy.admin;

import static dev.javoy.proxy.admin.AdminEndpoint.Param;

import dev.javoy.proxy.admin.LoggerLevels.LogLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /logging}: {@code ?level=debug} sets every component, {@code ?http=debug} one component,
 * {@code ?paths=http:debug,upstream:trace} several; then (and with no parameter) lists
 * {@code active loggers:} with each component's level, as Envoy does. A bad request answers 400 with
 * Envoy's error and usage text followed by the list.
 */
final class LoggingEndpoint {
  private final AdminBackend backend;

  LoggingEndpoint(AdminBackend backend) {
    this.backend = backend;
  }

  AdminEndpoint endpoint() {
    List<String> levels = new ArrayList<>();
    levels.add("");
    for (LogLevel l : LogLevel.values()) {
      levels.add(l.envoyName());
    }
    return AdminEndpoint.post("/logging", "query/change logging levels", this::handle,
        Param.of("paths", "Change multiple logging levels by setting to "
            + "<logger_name1>:<desired_level1>,<logger_name2>:<desired_level2>."),
        Param.oneOf("level", "desired logging level, this will change all loggers's level",
            levels.toArray(String[]::new)));
  }

  private AdminResponse handle(AdminRequest r) {
    LoggerLevels loggers = backend.loggerLevels();
    StringBuilder out = new StringBuilder();
    int status = 200;
    if (!r.params().isEmpty()) {
      String error = change(loggers, r.params());
      if (error != null) {
        status = 400;
        out.append("error: ").append(error).append("\n\n");
        out.append("usage: /logging?<name>=<level> (change single level)\n");
        out.append("usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n");
        out.append("usage: /logging?level=<level> (change all levels)\n");
        out.append("levels: ");
        for (LogLevel l : LogLevel.values()) {
          out.append(l.envoyName()).append(' ');
        }
        out.append('\n');
      }
    }
    out.append("active loggers:\n");
    loggers.levels().forEach((name, level) ->
        out.append("  ").append(name).append(": ").append(level.envoyName()).append('\n'));
    out.append('\n');
    return AdminResponse.text(status, out.toString());
  }

  /** Applies the change; returns Envoy's error message, or null when it was applied. */
  private static String change(LoggerLevels loggers, Map<String, String> params) {
    if (params.size() != 1) {
      return "invalid number of parameters";
    }
    Map.Entry<String, String> param = params.entrySet().iterator().next();
    String key = param.getKey();
    String value = param.getValue();
    if (key.equals("level")) {
      LogLevel level = LoggerLevels.parse(value).orElse(null);
      if (level == null) {
        return "unknown logger level";
      }
      loggers.setAll(level);
      return null;
    }
    Map<String, LogLevel> changes = new LinkedHashMap<>();
    if (key.equals("paths")) {
      for (String pair : value.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int colon = pair.indexOf(':');
        String name = colon < 0 ? pair.trim() : pair.substring(0, colon).trim();
        String levelName = colon < 0 ? "" : pair.substring(colon + 1).trim();
        if (name.isEmpty() || levelName.isEmpty()) {
          return "empty logger name or empty logger level";
        }
        LogLevel level = LoggerLevels.parse(levelName).orElse(null);
        if (level == null) {
          return "unknown logger level";
        }
        changes.put(name, level);
      }
    } else {
      LogLevel level = LoggerLevels.parse(value).orElse(null);
      if (level == null) {
        return "unknown logger level";
      }
      changes.put(key, level);
    }
    for (String name : changes.keySet()) {
      if (!loggers.isKnown(name)) {
        return "unknown logger name";
      }
    }
    changes.forEach(loggers::set);
    return null;
  }
}
