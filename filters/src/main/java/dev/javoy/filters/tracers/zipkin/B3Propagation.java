package dev.javoy.filters.tracers.zipkin;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Zipkin's B3 headers as Envoy reads and writes them: the multi-header form ({@code x-b3-traceid},
 * {@code x-b3-spanid}, {@code x-b3-parentspanid}, {@code x-b3-sampled}, {@code x-b3-flags}) and the single
 * {@code b3} header ({@code {traceid}-{spanid}[-{sampled}[-{parentspanid}]]}, or just the sampling state), which wins
 * when present. Injection writes the multi-header form.
 */
final class B3Propagation {
  static final String TRACE_ID = "x-b3-traceid";
  static final String SPAN_ID = "x-b3-spanid";
  static final String PARENT_SPAN_ID = "x-b3-parentspanid";
  static final String SAMPLED = "x-b3-sampled";
  static final String FLAGS = "x-b3-flags";
  static final String B3 = "b3";

  /** Thrown for B3 headers that are present but malformed: Envoy then does not trace the request. */
  static final class InvalidB3 extends Exception {
    InvalidB3(String message) {
      super(message, null, false, false);
    }
  }

  private B3Propagation() {}

  /** The sampling state the headers carry, or null when they carry none. */
  static Boolean sampled(HttpHeaders h) {
    String b3 = h.get(B3);
    if (b3 != null) {
      String state = b3;
      if (b3.length() > 1) {
        String[] parts = b3.split("-", -1);
        state = parts.length >= 3 ? parts[2] : null;
      }
      if (state != null) {
        return state.equals("1") || state.equals("d");
      }
    }
    String s = h.get(SAMPLED);
    if (s != null) {
      return s.equals("1") || s.equalsIgnoreCase("true");
    }
    if ("1".equals(h.get(FLAGS))) {
      return true; // debug implies sampled
    }
    return null;
  }

  /** The propagated context, or null when the request carries none. */
  static ZipkinSpanContext extract(HttpHeaders h) throws InvalidB3 {
    String b3 = h.get(B3);
    if (b3 != null && b3.length() > 1) {
      String[] parts = b3.split("-", -1);
      if (parts.length < 2 || parts.length > 4) {
        throw new InvalidB3("invalid b3 header");
      }
      long[] trace = traceId(parts[0]);
      long span = hex64(parts[1]);
      long parent = parts.length == 4 ? hex64(parts[3]) : 0;
      if (parts.length >= 3 && !parts[2].equals("0") && !parts[2].equals("1") && !parts[2].equals("d")) {
        throw new InvalidB3("invalid sampling state in b3 header");
      }
      return new ZipkinSpanContext(trace[0], trace[1], span, parent);
    }
    String traceId = h.get(TRACE_ID);
    String spanId = h.get(SPAN_ID);
    if (traceId == null || spanId == null) {
      return null;
    }
    long[] trace = traceId(traceId);
    String parentId = h.get(PARENT_SPAN_ID);
    return new ZipkinSpanContext(trace[0], trace[1], hex64(spanId), parentId == null ? 0 : hex64(parentId));
  }

  static void inject(HttpHeaders h, ZipkinSpan span) {
    h.set(TRACE_ID, span.traceIdHex());
    h.set(SPAN_ID, hex(span.id));
    if (span.parentId != 0) {
      h.set(PARENT_SPAN_ID, hex(span.parentId));
    } else {
      h.remove(PARENT_SPAN_ID);
    }
    h.set(SAMPLED, span.sampled ? "1" : "0");
  }

  private static long[] traceId(String s) throws InvalidB3 {
    if (s.length() == 32) {
      return new long[] {hex64(s.substring(0, 16)), hex64(s.substring(16))};
    }
    if (s.length() == 16) {
      return new long[] {0, hex64(s)};
    }
    throw new InvalidB3("invalid trace id " + s);
  }

  private static long hex64(String s) throws InvalidB3 {
    if (s.length() != 16) {
      throw new InvalidB3("invalid span id " + s);
    }
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        throw new InvalidB3("invalid id " + s);
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** 16 lower-case hex digits. */
  static String hex(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    return new String(c);
  }
}
