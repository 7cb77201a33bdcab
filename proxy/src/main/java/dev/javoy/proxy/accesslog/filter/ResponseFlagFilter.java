package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.stream.StreamInfo;

/** {@code response_flag_filter}: passes entries with any of the flags, or with any flag when none is listed. */
record ResponseFlagFilter(long mask) implements AccessLogFilter {
  @Override
  public boolean evaluate(StreamInfo info) {
    return mask == 0 ? info.responseFlags != 0 : (info.responseFlags & mask) != 0;
  }
}
