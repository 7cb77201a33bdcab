package dev.javoy.filters.tracers.zipkin;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Zipkin's v2 JSON span list ({@code POST /api/v2/spans}, Envoy's {@code HTTP_JSON}). */
final class ZipkinJson {
  private ZipkinJson() {}

  static byte[] encode(List<ZipkinSpan> spans, String serviceName, String ipv4) {
    StringBuilder sb = new StringBuilder(256 * spans.size() + 2);
    sb.append('[');
    for (int i = 0; i < spans.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      ZipkinSpan s = spans.get(i);
      sb.append("{\"traceId\":\"").append(s.traceIdHex()).append('"');
      sb.append(",\"id\":\"").append(B3Propagation.hex(s.id)).append('"');
      if (s.parentId != 0) {
        sb.append(",\"parentId\":\"").append(B3Propagation.hex(s.parentId)).append('"');
      }
      sb.append(",\"kind\":\"").append(s.client ? "CLIENT" : "SERVER").append('"');
      sb.append(",\"name\":");
      string(sb, s.name);
      sb.append(",\"timestamp\":").append(s.timestampMicros);
      sb.append(",\"duration\":").append(s.durationMicros);
      sb.append(",\"localEndpoint\":{\"serviceName\":");
      string(sb, serviceName);
      sb.append(",\"ipv4\":");
      string(sb, ipv4);
      sb.append('}');
      if (s.shared) {
        sb.append(",\"shared\":true");
      }
      if (s.annotations != null && !s.annotations.isEmpty()) {
        sb.append(",\"annotations\":[");
        for (int a = 0; a < s.annotations.size(); a++) {
          Object[] an = s.annotations.get(a);
          sb.append(a > 0 ? ",{\"timestamp\":" : "{\"timestamp\":").append((long) an[0]).append(",\"value\":");
          string(sb, (String) an[1]);
          sb.append('}');
        }
        sb.append(']');
      }
      if (s.tags != null && !s.tags.isEmpty()) {
        sb.append(",\"tags\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : s.tags.entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          string(sb, e.getKey());
          sb.append(':');
          string(sb, e.getValue());
        }
        sb.append('}');
      }
      sb.append('}');
    }
    sb.append(']');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
