package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;
import java.util.function.LongSupplier;

/**
 * {@code runtime_filter}: samples {@code numerator / denominator} of the entries. Unless
 * {@code use_independent_randomness}, the sample is decided by the request id (so every log of one request
 * agrees), else by the random source. The {@code runtime_key} is not looked up (javoy has no runtime layers):
 * {@code percent_sampled} is used.
 */
record RuntimeFilter(long numerator, long denominator, boolean independent, LongSupplier random)
    implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    long value = independent ? -1 : RequestIds.toInteger(RequestIds.of(info));
    if (value < 0) {
      value = random.getAsLong() & Long.MAX_VALUE;
    }
    return value % denominator < numerator;
  }
}
