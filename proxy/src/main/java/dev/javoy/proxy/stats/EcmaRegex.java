package dev.javoy.proxy.stats;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a regex written for C++ {@code std::regex} (ECMAScript grammar) with {@code java.util.regex}.
 *
 * <p>Envoy compiles the regexes of {@code stats_config.stats_tags} with {@code std::regex}, not RE2, and
 * real configurations depend on that: Istio's {@code http_conn_manager_listener_prefix} tag uses the
 * lookahead {@code ^listener(?=\.)}, which RE2 (and RE2J) reject. {@code java.util.regex} is a backtracking
 * engine with the same leftmost-first semantics, lookaround and non-greedy quantifiers as ECMAScript. It is
 * acceptable here, although the proxy otherwise uses RE2J, because these patterns come from the bootstrap
 * (trusted operator input) and only ever run against stat names, once per stat, never against request data.
 *
 * <p>The grammars differ inside brackets: ECMAScript {@code std::regex} accepts POSIX classes such as
 * {@code [_.[:digit:]]} and treats any other {@code [} as a literal, while Java reads {@code [} as a nested
 * class and {@code &&} as intersection. This class rewrites those before compiling.
 */
final class EcmaRegex {
  private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
      Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("blank", "\\p{Blank}"),
      Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"), Map.entry("d", "\\p{Digit}"),
      Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
      Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\p{Space}"), Map.entry("s", "\\p{Space}"),
      Map.entry("upper", "\\p{Upper}"), Map.entry("xdigit", "\\p{XDigit}"), Map.entry("w", "\\w"));

  private EcmaRegex() {}

  /** Compiles {@code ecmascript}; throws {@link PatternSyntaxException} when it is not a valid regex. */
  static Pattern compile(String ecmascript) {
    return Pattern.compile(toJava(ecmascript));
  }

  /** The {@code java.util.regex} spelling of an ECMAScript regex. */
  static String toJava(String re) {
    StringBuilder out = new StringBuilder(re.length() + 16);
    boolean inClass = false;
    int i = 0;
    while (i < re.length()) {
      char c = re.charAt(i);
      if (c == '\\' && i + 1 < re.length()) {
        char next = re.charAt(i + 1);
        if (next == '0' && (i + 2 >= re.length() || !Character.isDigit(re.charAt(i + 2)))) {
          out.append("\\x00"); // ECMAScript NUL; Java's \0 wants octal digits
        } else {
          out.append(c).append(next);
        }
        i += 2;
        continue;
      }
      if (!inClass) {
        if (c == '[') {
          inClass = true;
          out.append(c);
          i++;
          if (i < re.length() && re.charAt(i) == '^') {
            out.append('^');
            i++;
          }
          continue;
        }
        out.append(c);
        i++;
        continue;
      }
      // Inside a bracket expression.
      if (c == ']') {
        inClass = false;
        out.append(c);
        i++;
      } else if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
        int close = re.indexOf(":]", i + 2);
        if (close < 0) {
          throw new PatternSyntaxException("unterminated POSIX class", re, i);
        }
        String name = re.substring(i + 2, close);
        String java = POSIX_CLASSES.get(name);
        if (java == null) {
          throw new PatternSyntaxException("unknown POSIX class [:" + name + ":]", re, i);
        }
        out.append(java);
        i = close + 2;
      } else if (c == '[' || c == '&') {
        out.append('\\').append(c);
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
