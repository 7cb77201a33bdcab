package dev.javoy.proxy.log;

/** Escaping for log lines: C-style ({@code --log-format-escaped}) and JSON string contents ({@code %j}). */
final class LogEscapes {
  private LogEscapes() {}

  /** Escapes C-style sequences in {@code line}, leaving its trailing whitespace as it is. */
  static String cStyle(String line) {
    int end = line.length();
    while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = new StringBuilder(line.length() + 16);
    for (int i = 0; i < end; i++) {
      char c = line.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\'' -> out.append("\\'");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append('\\').append(Integer.toOctalString(0x200 | c).substring(1));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append(line, end, line.length()).toString();
  }

  /** Appends {@code text} escaped as the inside of a JSON string. */
  static void json(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
