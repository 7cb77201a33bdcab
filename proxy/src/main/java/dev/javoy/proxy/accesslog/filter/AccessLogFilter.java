package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/**
 * Decides whether an entry is logged (Envoy's {@code AccessLog::Filter}); also the {@code filter} of local
 * reply mappers. Built once from config; evaluated on the worker thread.
 */
@FunctionalInterface
public interface AccessLogFilter {
  boolean evaluate(StreamInfo info);
}
