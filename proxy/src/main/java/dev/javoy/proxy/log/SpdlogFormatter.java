package dev.javoy.proxy.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats java.util.logging records with Envoy's spdlog-style pattern ({@code --log-format},
 * {@code application_log_config.log_format}). Default: {@value #DEFAULT_FORMAT}.
 *
 * <p>Flags: {@code %v} message, {@code %_} message with newlines escaped, {@code %j} message JSON-escaped,
 * {@code %+} the same as {@code %j}, {@code %*} log tags (none; empty), {@code %n} component, {@code %l}/
 * {@code %L} level (long / one letter), {@code %t} thread id, {@code %P} process id, dates and times
 * {@code %Y %C %m %d %H %I %M %S %e %f %F %p %T %X %R %r %D %x %c %a %A %b %B %z %E}, source location
 * {@code %g} (path), {@code %s} (file), {@code %#} (line), {@code %!} (method), {@code %@} (path:line), and
 * {@code %%}. spdlog's padding ({@code %-8l}, {@code %8l}, {@code %=8l}, {@code %8!l}) is honoured; colour
 * markers {@code %^ %$} print nothing; any other {@code %x} prints as written. Times are local, as spdlog's.
 */
public final class SpdlogFormatter extends Formatter {
  /** Envoy's default log format. */
  public static final String DEFAULT_FORMAT = "[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v";

  private final String pattern;
  private final boolean escaped;
  private final List<LogPart> parts;
  private final boolean needsSource;
  private final ZoneId zone;

  /**
   * @param escaped escape C-style sequences (newlines, tabs, quotes) in each line, keeping its end
   *     ({@code --log-format-escaped})
   */
  public SpdlogFormatter(String pattern, boolean escaped) {
    this(pattern, escaped, ZoneId.systemDefault());
  }

  /** @param zone the time zone of the date and time flags (spdlog uses local time) */
  public SpdlogFormatter(String pattern, boolean escaped, ZoneId zone) {
    this.pattern = pattern;
    this.escaped = escaped;
    this.zone = zone;
    this.parts = compile(pattern);
    this.needsSource = parts.stream().anyMatch(LogPart::needsSource);
  }

  public String pattern() {
    return pattern;
  }

  public boolean escaped() {
    return escaped;
  }

  @Override
  public String format(LogRecord record) {
    LogEvent event = new LogEvent(record, message(record), zone, needsSource ? SourceLocation.ofCaller() : null);
    StringBuilder line = new StringBuilder(128);
    for (LogPart part : parts) {
      part.append(line, event);
    }
    String text = escaped ? LogEscapes.cStyle(line.toString()) : line.toString();
    return text + System.lineSeparator();
  }

  private String message(LogRecord record) {
    String message = formatMessage(record);
    if (record.getThrown() == null) {
      return message;
    }
    java.io.StringWriter trace = new java.io.StringWriter();
    record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
    String t = trace.toString();
    return message + System.lineSeparator() + t.stripTrailing();
  }

  /** One piece of a compiled pattern. */
  interface LogPart {
    void append(StringBuilder out, LogEvent event);

    default boolean needsSource() {
      return false;
    }
  }

  /** What a record shows, with its time in the formatter's zone. */
  record LogEvent(LogRecord record, String message, ZonedDateTime time, Instant instant, SourceLocation source) {
    LogEvent(LogRecord record, String message, ZoneId zone, SourceLocation source) {
      this(record, message, ZonedDateTime.ofInstant(record.getInstant(), zone), record.getInstant(), source);
    }
  }

  static List<LogPart> compile(String pattern) {
    List<LogPart> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        literal.append(c);
        i++;
        continue;
      }
      int start = i;
      i++;
      char align = 0;
      if (pattern.charAt(i) == '-' || pattern.charAt(i) == '=') {
        align = pattern.charAt(i++);
      }
      int width = 0;
      while (i < pattern.length() && Character.isDigit(pattern.charAt(i)) && width < 1000) {
        width = width * 10 + (pattern.charAt(i++) - '0');
      }
      boolean truncate = false;
      if (width > 0 && i < pattern.length() && pattern.charAt(i) == '!') {
        truncate = true;
        i++;
      }
      if (i >= pattern.length()) {
        literal.append(pattern, start, pattern.length());
        break;
      }
      char flag = pattern.charAt(i++);
      LogPart part = LogFlags.part(flag);
      if (part == null) {
        literal.append(pattern, start, i);
        continue;
      }
      if (flag == '%') {
        literal.append('%');
        continue;
      }
      if (literal.length() > 0) {
        parts.add(literalPart(literal.toString()));
        literal.setLength(0);
      }
      parts.add(width > 0 ? padded(part, align, width, truncate) : part);
    }
    if (literal.length() > 0) {
      parts.add(literalPart(literal.toString()));
    }
    return List.copyOf(parts);
  }

  private static LogPart literalPart(String text) {
    return (out, event) -> out.append(text);
  }

  private static LogPart padded(LogPart part, char align, int width, boolean truncate) {
    return new LogPart() {
      @Override
      public void append(StringBuilder out, LogEvent event) {
        StringBuilder piece = new StringBuilder();
        part.append(piece, event);
        if (piece.length() >= width) {
          out.append(truncate ? piece.substring(0, width) : piece);
          return;
        }
        int pad = width - piece.length();
        int left = align == '-' ? 0 : align == '=' ? pad / 2 : pad;
        out.append(" ".repeat(left)).append(piece).append(" ".repeat(pad - left));
      }

      @Override
      public boolean needsSource() {
        return part.needsSource();
      }
    };
  }
}
