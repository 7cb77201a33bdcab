package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.accesslog.format.FormatBuffers;
import dev.javoy.proxy.accesslog.format.SubstitutionFormatter;
import dev.javoy.proxy.stream.StreamInfo;

/**
 * Formats each entry into the worker's reusable builder and queues its UTF-8 bytes on an
 * {@link AccessLogFile} (Envoy's file, stdout and stderr access loggers). Never blocks.
 */
public final class FileAccessLogger implements AccessLogger {
  private final SubstitutionFormatter formatter;
  private final AccessLogFile file;

  public FileAccessLogger(SubstitutionFormatter formatter, AccessLogFile file) {
    this.formatter = formatter;
    this.file = file;
  }

  @Override
  public void log(StreamInfo info) {
    StringBuilder line = FormatBuffers.builder();
    formatter.format(info, "", line);
    file.write(FormatBuffers.utf8(line));
  }

  public AccessLogFile file() {
    return file;
  }
}
