package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.accesslog.format.GrpcStatuses;
import dev.javoy.proxy.stream.StreamInfo;

/**
 * {@code grpc_status_filter}: passes entries whose gRPC status (from trailers, headers, or mapped from the HTTP
 * status; Unknown when there is none) is one of {@code statuses}, or is not when {@code exclude}.
 *
 * @param statuses bit {@code n} set for status code {@code n}
 */
record GrpcStatusFilter(int statuses, boolean exclude) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    int s = GrpcStatuses.of(info);
    if (s == GrpcStatuses.NONE) {
      s = 2; // Unknown
    }
    boolean found = s >= 0 && (statuses & (1 << s)) != 0;
    return exclude != found;
  }
}
