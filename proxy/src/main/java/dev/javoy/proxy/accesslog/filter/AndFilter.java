package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/** {@code and_filter}: passes when every sub-filter passes (evaluated in order, stopping at the first no). */
record AndFilter(AccessLogFilter[] filters) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    for (AccessLogFilter f : filters) {
      if (!f.evaluate(info)) {
        return false;
      }
    }
    return true;
  }
}
