package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter.Op;
import java.util.function.ToLongFunction;

/**
 * {@code status_code_filter} and {@code duration_filter}: compares a number of the stream (the response code,
 * 0 when none; the duration in milliseconds) with the configured value. The value's {@code runtime_key} is
 * not looked up (javoy has no runtime layers): its {@code default_value} is used.
 */
record ComparisonFilter(ToLongFunction<StreamInfo> subject, Op op, long value) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    long v = subject.applyAsLong(info);
    switch (op) {
      case GE:
        return v >= value;
      case LE:
        return v <= value;
      default:
        return v == value;
    }
  }
}
