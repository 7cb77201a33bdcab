package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/** {@code or_filter}: passes when any sub-filter passes (evaluated in order, stopping at the first yes). */
record OrFilter(AccessLogFilter[] filters) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    for (AccessLogFilter f : filters) {
      if (f.evaluate(info)) {
        return true;
      }
    }
    return false;
  }
}
