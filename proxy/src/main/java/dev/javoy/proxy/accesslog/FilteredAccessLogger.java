package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.accesslog.filter.AccessLogFilter;
import dev.javoy.proxy.stream.StreamInfo;

/** One configured access log (Envoy's {@code AccessLog}): a logger that writes only entries its filter passes. */
public final class FilteredAccessLogger implements AccessLogger {
  private final AccessLogFilter filter;
  private final AccessLogger logger;

  public FilteredAccessLogger(AccessLogFilter filter, AccessLogger logger) {
    this.filter = filter;
    this.logger = logger;
  }

  @Override
  public void log(StreamInfo info) {
    if (filter.evaluate(info)) {
      logger.log(info);
    }
  }
}
