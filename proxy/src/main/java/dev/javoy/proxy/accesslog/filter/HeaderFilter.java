package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/** {@code header_filter}: passes when the request headers match the header matcher. */
record HeaderFilter(HeaderMatch match) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    return match.matches(info.requestHeaders);
  }
}
