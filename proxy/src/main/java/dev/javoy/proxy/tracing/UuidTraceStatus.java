package dev.javoy.proxy.tracing;

import dev.javoy.proxy.http.h1.UuidHeaderValue;

/**
 * The trace decision packed into an {@code x-request-id} UUID, as Envoy's {@code envoy.request_id.uuid} extension
 * does: the version nibble (character 14) becomes {@code 9} (sampled), {@code a} (forced by the service),
 * {@code b} (forced by the client), and is {@code 4} (a plain version 4 UUID) when the request is not traced.
 * Envoy samples by the request id: its first 8 hex digits modulo 10,000.
 */
public final class UuidTraceStatus {
  static final int LENGTH = 36;
  static final int TRACE_BYTE_POSITION = 14;
  static final char NO_TRACE = '4';
  static final char SAMPLED = '9';
  static final char FORCED = 'a';
  static final char CLIENT = 'b';

  private UuidTraceStatus() {}

  /** The reason an incoming request id carries; NOT_TRACEABLE for one that is not a UUID. */
  public static TraceReason reasonOf(CharSequence id) {
    if (id == null || id.length() != LENGTH) {
      return TraceReason.NOT_TRACEABLE;
    }
    return switch (id.charAt(TRACE_BYTE_POSITION)) {
      case SAMPLED -> TraceReason.SAMPLING;
      case FORCED -> TraceReason.SERVICE_FORCED;
      case CLIENT -> TraceReason.CLIENT_FORCED;
      default -> TraceReason.NOT_TRACEABLE;
    };
  }

  /** {@link #withReason(CharSequence, TraceReason)} of a String id, as a String. */
  public static String withReason(String id, TraceReason reason) {
    CharSequence r = withReason((CharSequence) id, reason);
    return r == null ? null : r.toString();
  }

  /**
   * The id with {@code reason} packed in ({@code id} itself when it already says so); ids that are not UUIDs are
   * returned unchanged. A generated id ({@link UuidHeaderValue}) stays one, its version digit replaced.
   */
  public static CharSequence withReason(CharSequence id, TraceReason reason) {
    if (id == null || id.length() != LENGTH) {
      return id;
    }
    char c = switch (reason) {
      case SAMPLING -> SAMPLED;
      case SERVICE_FORCED -> FORCED;
      case CLIENT_FORCED -> CLIENT;
      default -> NO_TRACE;
    };
    if (id.charAt(TRACE_BYTE_POSITION) == c) {
      return id;
    }
    if (id instanceof UuidHeaderValue u) {
      return u.withVersionDigit(Character.digit(c, 16));
    }
    char[] chars = id.toString().toCharArray();
    chars[TRACE_BYTE_POSITION] = c;
    return new String(chars);
  }

  /** Envoy's {@code getInteger}: the first 8 hex digits of the id, or -1 when they are not hex. */
  public static long toInteger(CharSequence id) {
    if (id == null || id.length() < 8) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int d = Character.digit(id.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
