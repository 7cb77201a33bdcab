package dev.javoy.proxy.log;

import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/** The pattern flags, by letter. */
final class LogFlags {
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

  private LogFlags() {}

  static SpdlogFormatter.LogPart part(char flag) {
    return switch (flag) {
      case 'v' -> (out, e) -> out.append(e.message());
      case '_' -> (out, e) -> out.append(e.message().replace("\n", "\\n"));
      case 'j', '+' -> (out, e) -> LogEscapes.json(out, e.message());
      case '*', '^', '$' -> (out, e) -> { };
      case 'n' -> (out, e) -> out.append(LogLevels.componentOf(e.record().getLoggerName()));
      case 'l' -> (out, e) -> out.append(LogLevels.envoyName(e.record().getLevel()));
      case 'L' -> (out, e) -> out.append(LogLevels.envoyShortName(e.record().getLevel()));
      case 't' -> (out, e) -> out.append(e.record().getLongThreadID());
      case 'P' -> (out, e) -> out.append(ProcessHandle.current().pid());
      case 'Y' -> (out, e) -> out.append(e.time().getYear());
      case 'C' -> (out, e) -> two(out, e.time().getYear() % 100);
      case 'm' -> (out, e) -> two(out, e.time().getMonthValue());
      case 'd' -> (out, e) -> two(out, e.time().getDayOfMonth());
      case 'H' -> (out, e) -> two(out, e.time().getHour());
      case 'I' -> (out, e) -> two(out, e.time().getHour() % 12 == 0 ? 12 : e.time().getHour() % 12);
      case 'M' -> (out, e) -> two(out, e.time().getMinute());
      case 'S' -> (out, e) -> two(out, e.time().getSecond());
      case 'e' -> (out, e) -> digits(out, e.time().getNano() / 1_000_000, 3);
      case 'f' -> (out, e) -> digits(out, e.time().getNano() / 1_000, 6);
      case 'F' -> (out, e) -> digits(out, e.time().getNano(), 9);
      case 'E' -> (out, e) -> out.append(e.instant().getEpochSecond());
      case 'p' -> (out, e) -> out.append(e.time().getHour() < 12 ? "AM" : "PM");
      case 'T', 'X' -> (out, e) -> time(out, e);
      case 'R' -> (out, e) -> {
        two(out, e.time().getHour());
        out.append(':');
        two(out, e.time().getMinute());
      };
      case 'r' -> (out, e) -> {
        two(out, e.time().getHour() % 12 == 0 ? 12 : e.time().getHour() % 12);
        out.append(':');
        two(out, e.time().getMinute());
        out.append(':');
        two(out, e.time().getSecond());
        out.append(e.time().getHour() < 12 ? " AM" : " PM");
      };
      case 'D', 'x' -> (out, e) -> {
        two(out, e.time().getMonthValue());
        out.append('/');
        two(out, e.time().getDayOfMonth());
        out.append('/');
        two(out, e.time().getYear() % 100);
      };
      case 'c' -> (out, e) -> out.append(DATE_TIME.format(e.time()));
      case 'a' -> (out, e) -> out.append(e.time().getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
      case 'A' -> (out, e) -> out.append(e.time().getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
      case 'b', 'h' -> (out, e) -> out.append(e.time().getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
      case 'B' -> (out, e) -> out.append(e.time().getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT));
      case 'z' -> (out, e) -> out.append(e.time().getOffset().getTotalSeconds() == 0
          ? "+00:00" : e.time().getOffset().getId());
      case 'g', 's', '#', '!', '@' -> sourcePart(flag);
      case '%' -> (out, e) -> out.append('%');
      default -> null;
    };
  }

  private static SpdlogFormatter.LogPart sourcePart(char flag) {
    return new SpdlogFormatter.LogPart() {
      @Override
      public void append(StringBuilder out, SpdlogFormatter.LogEvent e) {
        SourceLocation s = e.source();
        switch (flag) {
          case 'g' -> out.append(s.path());
          case 's' -> out.append(s.file());
          case '#' -> out.append(s.line());
          case '!' -> out.append(s.method());
          default -> out.append(s.path()).append(':').append(s.line());
        }
      }

      @Override
      public boolean needsSource() {
        return true;
      }
    };
  }

  private static void time(StringBuilder out, SpdlogFormatter.LogEvent e) {
    two(out, e.time().getHour());
    out.append(':');
    two(out, e.time().getMinute());
    out.append(':');
    two(out, e.time().getSecond());
  }

  private static void two(StringBuilder out, int v) {
    digits(out, v, 2);
  }

  private static void digits(StringBuilder out, long v, int n) {
    String s = Long.toString(v);
    for (int i = s.length(); i < n; i++) {
      out.append('0');
    }
    out.append(s);
  }
}
