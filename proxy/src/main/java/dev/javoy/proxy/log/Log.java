package dev.javoy.proxy.log;

import java.util.logging.Logger;

/**
 * Loggers by Envoy component name ({@code main}, {@code config}, {@code admin}, {@code connection},
 * {@code http}, {@code router}, {@code upstream}, {@code pool}, {@code dns}, {@code filter}, ...). They are
 * java.util.logging loggers named {@code javoy.<component>}, so {@code --component-log-level} and
 * {@code POST /logging} set levels per component through {@link LogLevels}.
 */
public final class Log {
  private Log() {}

  public static Logger get(String component) {
    return Logger.getLogger("javoy." + component);
  }
}
