package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * {@code not_health_check_filter}: passes entries that are not health checks. A request is a health check
 * when it carries Envoy's health checker user agent ({@code Envoy/HC}), which is what Envoy's HTTP health
 * checker sends and its {@code health_check} filter answers.
 */
final class NotHealthCheckFilter implements AccessLogFilter {
  static final String HEALTH_CHECK_USER_AGENT = "Envoy/HC";

  @Override
  public boolean evaluate(StreamInfo info) {
    if (info.requestHeaders == null) {
      return true;
    }
    String ua = info.requestHeaders.headers().get(HttpHeaderNames.USER_AGENT);
    return ua == null || !ua.startsWith(HEALTH_CHECK_USER_AGENT);
  }
}
