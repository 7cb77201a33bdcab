package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/**
 * {@code traceable_filter}: passes requests whose tracing was forced by the service, which Envoy records in the
 * request id (a UUID whose 15th character is {@code a}).
 */
final class TraceableFilter implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    String id = RequestIds.of(info);
    return id != null && id.length() == 36 && id.charAt(14) == 'a';
  }
}
