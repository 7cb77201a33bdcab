package dev.javoy.filters.access_loggers.file;

import com.google.protobuf.Message;
import dev.javoy.proxy.accesslog.AccessLogFiles;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.FileAccessLogger;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatStrings;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.AccessLoggerFactory;
import dev.javoy.proxy.extension.FactoryContext;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import java.io.IOException;
import java.util.List;

/**
 * {@code envoy.access_loggers.file}: writes entries to {@code path} (opened once per server and shared; the
 * process's own stream for {@code /dev/stdout} and {@code /dev/stderr}) in {@code log_format}, the deprecated
 * {@code format}, {@code json_format} or {@code typed_json_format}, or Envoy's default format.
 */
public final class FileAccessLogFactory implements AccessLoggerFactory {
  @Override
  public Message defaultConfig() {
    return FileAccessLog.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.access_loggers.file", "envoy.file_access_log");
  }

  @Override
  public AccessLogger create(Message config, FactoryContext context) throws ConfigException {
    FileAccessLog c = (FileAccessLog) config;
    if (c.getPath().isEmpty()) {
      throw new ConfigException("path", "the file access log needs a path");
    }
    SubstitutionFormatter formatter = formatter(c);
    try {
      return new FileAccessLogger(formatter, AccessLogFiles.of(context).open(c.getPath()));
    } catch (IOException e) {
      throw new ConfigException("path", "cannot open access log file '" + c.getPath() + "': " + e.getMessage(), e);
    }
  }

  private static SubstitutionFormatter formatter(FileAccessLog c) throws ConfigException {
    switch (c.getAccessLogFormatCase()) {
      case FORMAT:
        return c.getFormat().isEmpty() ? SubstitutionFormatStrings.defaultFormatter()
            : SubstitutionFormatStrings.text(c.getFormat(), "format");
      case JSON_FORMAT:
        return SubstitutionFormatStrings.json(c.getJsonFormat(), false, SubstitutionFormatStrings.APPLICATION_JSON,
            "json_format");
      case TYPED_JSON_FORMAT:
        return SubstitutionFormatStrings.json(c.getTypedJsonFormat(), false,
            SubstitutionFormatStrings.APPLICATION_JSON, "typed_json_format");
      case LOG_FORMAT:
        return SubstitutionFormatStrings.create(c.getLogFormat(), "log_format");
      default:
        return SubstitutionFormatStrings.defaultFormatter();
    }
  }
}
