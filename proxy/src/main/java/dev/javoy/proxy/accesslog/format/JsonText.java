package dev.javoy.proxy.accesslog.format;

/** JSON string escaping and number printing for the JSON formats. */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** {@code s} as a quoted JSON string. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"').append(s);
    escapeFrom(sb, 1);
    return sb.append('"').toString();
  }

  /**
   * Escapes, in place, the characters of {@code sb} from {@code start} on that JSON strings cannot hold as is
   * (quote, backslash, control characters). Appends nothing when there is nothing to escape.
   */
  static void escapeFrom(StringBuilder sb, int start) {
    int n = sb.length();
    int first = -1;
    for (int i = start; i < n; i++) {
      char c = sb.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return;
    }
    String tail = sb.substring(first);
    sb.setLength(first);
    for (int i = 0; i < tail.length(); i++) {
      char c = tail.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
  }

  /** A number as JSON: integral values without a fraction ({@code 2}, not {@code 2.0}); NaN/Inf as null. */
  static String number(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
