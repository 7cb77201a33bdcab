package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;

/**
 * A parsed format (Envoy's {@code Formatter}): text or JSON. Thread-safe and immutable; formatting appends to
 * a caller-owned builder (see {@link FormatBuffers}) and does no parsing.
 */
public interface SubstitutionFormatter {
  /**
   * Appends the entry for {@code info} to {@code out}.
   *
   * @param localReplyBody the local reply body for {@code %LOCAL_REPLY_BODY%}, "" outside local replies
   */
  void format(StreamInfo info, String localReplyBody, StringBuilder out);

  /** The content type of what this formats, for local reply bodies: text/plain or application/json. */
  String contentType();

  /** Convenience for tests and cold paths: the entry as a new string. */
  default String format(StreamInfo info, String localReplyBody) {
    StringBuilder sb = new StringBuilder(256);
    format(info, localReplyBody, sb);
    return sb.toString();
  }
}
