package dev.javoy.proxy.accesslog.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

/**
 * A strftime-style time format compiled into opcodes, as Envoy's {@code DateFormatter} (absl's FormatTime plus
 * Envoy's {@code %s} and {@code %[1-9]f}). Supported: {@code %Y %C %y %m %d %e %H %I %M %S %p %j %a %A %b %h
 * %B %u %w %Z %z %Ez %E*z %s %f %1f..%9f %E#S %E*S %E#f %E*f %T %D %F %R %r %c %x %X %t %%}. Formatting
 * computes the calendar fields with integer arithmetic and appends, without allocating (in UTC).
 */
final class StrftimeFormat {
  private static final int LIT = 0, YEAR = 1, CENTURY = 2, YEAR2 = 3, MONTH = 4, DAY = 5, DAY_SPACE = 6,
      HOUR = 7, HOUR12 = 8, MINUTE = 9, SECOND = 10, AM_PM = 11, DAY_OF_YEAR = 12, WEEKDAY_SHORT = 13,
      WEEKDAY_LONG = 14, MONTH_SHORT = 15, MONTH_LONG = 16, WEEKDAY_MON1 = 17, WEEKDAY_SUN0 = 18,
      ZONE_NAME = 19, OFFSET = 20, OFFSET_COLON = 21, EPOCH_SECONDS = 22, FRACTION = 23,
      FRACTION_TRIMMED = 24, SECOND_FRACTION = 25, SECOND_FRACTION_TRIMMED = 26;

  private static final String[] WEEKDAYS =
      {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"};
  private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  private static final int[] POW10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

  private final int[] ops;
  private final int[] args;
  private final String[] literals;
  private final ZoneRules localZone;

  private StrftimeFormat(List<int[]> compiled, List<String> lits, boolean local) {
    ops = new int[compiled.size()];
    args = new int[compiled.size()];
    for (int i = 0; i < ops.length; i++) {
      ops[i] = compiled.get(i)[0];
      args[i] = compiled.get(i)[1];
    }
    literals = lits.toArray(new String[0]);
    localZone = local ? ZoneId.systemDefault().getRules() : null;
  }

  /**
   * Compiles {@code pattern}.
   *
   * @param local format in the system time zone rather than UTC
   * @throws IllegalArgumentException when the pattern asks for a newline ({@code %n}), which Envoy rejects
   */
  static StrftimeFormat compile(String pattern, boolean local) {
    List<int[]> ops = new ArrayList<>();
    List<String> lits = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        text.append(c);
        i++;
        continue;
      }
      int start = i;
      char s = pattern.charAt(++i);
      int width = -1;
      if (s >= '1' && s <= '9' && i + 1 < pattern.length() && pattern.charAt(i + 1) == 'f') {
        width = s - '0';
        s = pattern.charAt(++i);
      } else if (s == 'E' && i + 1 < pattern.length()) {
        char e = pattern.charAt(i + 1);
        char k = i + 2 < pattern.length() ? pattern.charAt(i + 2) : 0;
        int extended = -2;
        if (e == 'z') {
          extended = OFFSET_COLON;
          i += 1;
        } else if ((e == '*' || (e >= '0' && e <= '9')) && (k == 'S' || k == 'f' || (k == 'z' && e == '*'))) {
          extended = k == 'z' ? OFFSET_COLON : k == 'S' ? SECOND_FRACTION : FRACTION;
          width = e == '*' ? -1 : e - '0';
          i += 2;
        }
        if (extended != -2) {
          flush(ops, lits, text);
          if (extended == OFFSET_COLON) {
            ops.add(new int[] {OFFSET_COLON, 0});
          } else if (width < 0) {
            ops.add(new int[] {extended == SECOND_FRACTION ? SECOND_FRACTION_TRIMMED : FRACTION_TRIMMED, 0});
          } else {
            ops.add(new int[] {extended, width});
          }
          i++;
          continue;
        }
      }
      i++;
      String expanded = expansion(s);
      if (expanded != null) {
        StrftimeFormat sub = compile(expanded, local);
        flush(ops, lits, text);
        for (int k = 0; k < sub.ops.length; k++) {
          if (sub.ops[k] == LIT) {
            lits.add(sub.literals[sub.args[k]]);
            ops.add(new int[] {LIT, lits.size() - 1});
          } else {
            ops.add(new int[] {sub.ops[k], sub.args[k]});
          }
        }
        continue;
      }
      int op = opcode(s);
      if (s == 'n') {
        throw new IllegalArgumentException("time format must not contain a newline (%n)");
      } else if (s == '%') {
        text.append('%');
      } else if (s == 't') {
        text.append('\t');
      } else if (op < 0) {
        text.append(pattern, start, i);
      } else {
        flush(ops, lits, text);
        ops.add(new int[] {op, op == FRACTION ? (width < 0 ? 9 : width) : 0});
      }
    }
    flush(ops, lits, text);
    return new StrftimeFormat(ops, lits, local);
  }

  private static void flush(List<int[]> ops, List<String> lits, StringBuilder text) {
    if (text.length() > 0) {
      lits.add(text.toString());
      ops.add(new int[] {LIT, lits.size() - 1});
      text.setLength(0);
    }
  }

  private static String expansion(char s) {
    switch (s) {
      case 'T': return "%H:%M:%S";
      case 'D': return "%m/%d/%y";
      case 'F': return "%Y-%m-%d";
      case 'R': return "%H:%M";
      case 'r': return "%I:%M:%S %p";
      case 'c': return "%a %b %e %H:%M:%S %Y";
      case 'x': return "%m/%d/%y";
      case 'X': return "%H:%M:%S";
      default: return null;
    }
  }

  private static int opcode(char s) {
    switch (s) {
      case 'Y': return YEAR;
      case 'C': return CENTURY;
      case 'y': return YEAR2;
      case 'm': return MONTH;
      case 'd': return DAY;
      case 'e': return DAY_SPACE;
      case 'H': return HOUR;
      case 'I': return HOUR12;
      case 'M': return MINUTE;
      case 'S': return SECOND;
      case 'p': return AM_PM;
      case 'j': return DAY_OF_YEAR;
      case 'a': return WEEKDAY_SHORT;
      case 'A': return WEEKDAY_LONG;
      case 'b': case 'h': return MONTH_SHORT;
      case 'B': return MONTH_LONG;
      case 'u': return WEEKDAY_MON1;
      case 'w': return WEEKDAY_SUN0;
      case 'Z': return ZONE_NAME;
      case 'z': return OFFSET;
      case 's': return EPOCH_SECONDS;
      case 'f': return FRACTION;
      default: return -1;
    }
  }

  /** Appends the time {@code epochSecond + nanos} in this format. */
  void format(long epochSecond, int nanos, StringBuilder out) {
    int offset = localZone == null ? 0 : localZone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
    long local = epochSecond + offset;
    long days = Math.floorDiv(local, 86400);
    int secOfDay = (int) Math.floorMod(local, 86400);
    // Civil date from days since 1970-01-01, in 400-year eras of 146097 days starting on March 1st.
    long z = days + 719468;
    long era = Math.floorDiv(z, 146097);
    int dayOfEra = (int) (z - era * 146097);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    int dayOfMarchYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfMarchYear + 2) / 153;
    int day = dayOfMarchYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int dayOfYear = DAYS_BEFORE_MONTH[month - 1] + day + (leap && month > 2 ? 1 : 0);
    int weekday = (int) Math.floorMod(days + 4, 7); // 1970-01-01 was a Thursday
    int hour = secOfDay / 3600;
    int minute = secOfDay / 60 % 60;
    int second = secOfDay % 60;
    for (int i = 0; i < ops.length; i++) {
      switch (ops[i]) {
        case LIT -> out.append(literals[args[i]]);
        case YEAR -> out.append(year);
        case CENTURY -> pad(out, Math.floorDiv(year, 100), 2);
        case YEAR2 -> pad(out, Math.floorMod(year, 100), 2);
        case MONTH -> pad(out, month, 2);
        case DAY -> pad(out, day, 2);
        case DAY_SPACE -> out.append(day < 10 ? " " : "").append(day);
        case HOUR -> pad(out, hour, 2);
        case HOUR12 -> pad(out, hour % 12 == 0 ? 12 : hour % 12, 2);
        case MINUTE -> pad(out, minute, 2);
        case SECOND -> pad(out, second, 2);
        case AM_PM -> out.append(hour < 12 ? "AM" : "PM");
        case DAY_OF_YEAR -> pad(out, dayOfYear, 3);
        case WEEKDAY_SHORT -> out.append(WEEKDAYS[weekday], 0, 3);
        case WEEKDAY_LONG -> out.append(WEEKDAYS[weekday]);
        case MONTH_SHORT -> out.append(MONTHS[month - 1], 0, 3);
        case MONTH_LONG -> out.append(MONTHS[month - 1]);
        case WEEKDAY_MON1 -> out.append(weekday == 0 ? 7 : weekday);
        case WEEKDAY_SUN0 -> out.append(weekday);
        case ZONE_NAME -> out.append(localZone == null ? "UTC" : zoneName(epochSecond));
        case OFFSET -> offset(out, offset, false);
        case OFFSET_COLON -> offset(out, offset, true);
        case EPOCH_SECONDS -> out.append(epochSecond);
        case FRACTION -> {
          if (args[i] > 0) {
            pad(out, nanos / POW10[9 - args[i]], args[i]);
          }
        }
        case FRACTION_TRIMMED -> trimmedFraction(out, nanos);
        case SECOND_FRACTION -> {
          pad(out, second, 2);
          if (args[i] > 0) {
            out.append('.');
            pad(out, nanos / POW10[9 - args[i]], args[i]);
          }
        }
        case SECOND_FRACTION_TRIMMED -> {
          pad(out, second, 2);
          if (nanos != 0) {
            out.append('.');
            trimmedFraction(out, nanos);
          }
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  private String zoneName(long epochSecond) {
    boolean dst = localZone.isDaylightSavings(Instant.ofEpochSecond(epochSecond));
    return TimeZone.getDefault().getDisplayName(dst, TimeZone.SHORT);
  }

  private static void trimmedFraction(StringBuilder out, int nanos) {
    int digits = 9;
    int v = nanos;
    while (digits > 1 && v % 10 == 0) {
      v /= 10;
      digits--;
    }
    pad(out, v, digits);
  }

  private static void offset(StringBuilder out, int offsetSeconds, boolean colon) {
    out.append(offsetSeconds < 0 ? '-' : '+');
    int abs = Math.abs(offsetSeconds);
    pad(out, abs / 3600, 2);
    if (colon) {
      out.append(':');
    }
    pad(out, abs / 60 % 60, 2);
  }

  private static void pad(StringBuilder out, long value, int width) {
    if (value < 0) {
      out.append('-');
      value = -value;
    }
    for (int w = width - 1; w > 0 && value < POW10[w]; w--) {
      out.append('0');
    }
    out.append(value);
  }
}
