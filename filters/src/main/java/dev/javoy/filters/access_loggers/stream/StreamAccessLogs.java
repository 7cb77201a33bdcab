package dev.javoy.filters.access_loggers.stream;

import dev.javoy.proxy.accesslog.AccessLogFiles;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.FileAccessLogger;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import java.io.IOException;

/** What the stdout and stderr loggers share: an optional {@code log_format} written to a process stream. */
final class StreamAccessLogs {
  private StreamAccessLogs() {}

  /** @param stdout stdout, else stderr */
  static AccessLogger create(boolean hasFormat, SubstitutionFormatString format, boolean stdout,
      FactoryContext context) throws ConfigException {
    SubstitutionFormatter formatter = hasFormat ? SubstitutionFormatStrings.create(format, "log_format")
        : SubstitutionFormatStrings.defaultFormatter();
    try {
      AccessLogFiles files = AccessLogFiles.of(context);
      return new FileAccessLogger(formatter, stdout ? files.stdout() : files.stderr());
    } catch (IOException e) {
      throw new ConfigException(null, "cannot log to " + (stdout ? "stdout" : "stderr") + ": " + e.getMessage(), e);
    }
  }
}
