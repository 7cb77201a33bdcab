package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Envoy's access log format language into commands, once, at config time. A format is plain text with
 * command operators {@code %COMMAND%}, {@code %COMMAND(PARAM)%} or {@code %COMMAND(PARAM):LENGTH%}
 * ({@code COMMAND} of A-Z, 0-9 and _; {@code PARAM} without line breaks, ending at the first {@code )} that is
 * followed by an optional {@code :LENGTH} and {@code %}); {@code %%} is a literal {@code %}.
 */
public final class FormatParser {
  private FormatParser() {}

  /**
   * @param path JSON path of the format string, for errors
   * @throws ConfigException on malformed operators and on operators javoy does not know
   */
  public static List<FormatCommand> parse(String format, String path) throws ConfigException {
    List<FormatCommand> commands = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int pos = 0;
    int n = format.length();
    while (pos < n) {
      char c = format.charAt(pos);
      if (c != '%') {
        text.append(c);
        pos++;
        continue;
      }
      if (pos + 1 < n && format.charAt(pos + 1) == '%') {
        text.append('%');
        pos += 2;
        continue;
      }
      if (text.length() > 0) {
        commands.add(new Literal(text.toString()));
        text.setLength(0);
      }
      pos = parseOperator(format, pos, path, commands);
    }
    if (text.length() > 0 || format.isEmpty()) {
      commands.add(new Literal(text.toString()));
    }
    return List.copyOf(commands);
  }

  /** Parses the operator starting at the {@code %} at {@code start}; returns the position after it. */
  private static int parseOperator(String format, int start, String path, List<FormatCommand> out)
      throws ConfigException {
    int n = format.length();
    int i = start + 1;
    while (i < n && isCommandChar(format.charAt(i))) {
      i++;
    }
    if (i == start + 1) {
      throw invalid(format, start, path);
    }
    String name = format.substring(start + 1, i);
    String param = "";
    long[] lengthAndEnd;
    if (i < n && format.charAt(i) == '(') {
      int close = -1;
      lengthAndEnd = null;
      for (int j = format.indexOf(')', i + 1); j >= 0; j = format.indexOf(')', j + 1)) {
        lengthAndEnd = lengthAndEnd(format, j + 1);
        if (lengthAndEnd != null) {
          close = j;
          break;
        }
      }
      if (close < 0) {
        throw invalid(format, start, path);
      }
      param = format.substring(i + 1, close);
      if (param.indexOf('\n') >= 0 || param.indexOf('\r') >= 0) {
        throw new ConfigException(path, "the parameter of %" + name + "% must not contain a line break");
      }
    } else {
      lengthAndEnd = lengthAndEnd(format, i);
      if (lengthAndEnd == null) {
        throw invalid(format, start, path);
      }
    }
    int maxLength = (int) lengthAndEnd[0];
    CommandSpec spec = BuiltInCommands.get(name);
    if (spec == null) {
      throw new ConfigException(path, "unknown command operator %" + name + "% in format '" + format + "'");
    }
    spec.syntax().check(name, param, maxLength, path);
    FormatCommand command = spec.factory().create(param, path);
    out.add(maxLength >= 0 ? new Truncated(command, maxLength) : command);
    return (int) lengthAndEnd[1];
  }

  /**
   * Matches {@code (:DIGITS)?%} at {@code at}: returns {length or -1, position after the %}, or null when the
   * text there does not end an operator.
   */
  private static long[] lengthAndEnd(String format, int at) {
    int n = format.length();
    if (at < n && format.charAt(at) == '%') {
      return new long[] {-1, at + 1};
    }
    if (at >= n || format.charAt(at) != ':') {
      return null;
    }
    int i = at + 1;
    long value = 0;
    while (i < n && Character.isDigit(format.charAt(i)) && format.charAt(i) < 128) {
      value = Math.min(Integer.MAX_VALUE, value * 10 + (format.charAt(i) - '0'));
      i++;
    }
    if (i == at + 1 || i >= n || format.charAt(i) != '%') {
      return null;
    }
    return new long[] {value, i + 1};
  }

  private static boolean isCommandChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static ConfigException invalid(String format, int pos, String path) {
    return new ConfigException(path, "incorrect format '" + format + "': no valid command operator at position "
        + pos + " (write %% for a literal %)");
  }
}
