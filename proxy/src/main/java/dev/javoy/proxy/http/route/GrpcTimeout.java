package dev.javoy.proxy.http.route;

/**
 * The {@code grpc-timeout} request header: up to 8 digits and a unit ({@code H}, {@code M}, {@code S},
 * {@code m}, {@code u}, {@code n}), read as milliseconds (sub-millisecond units rounded up), and written back
 * in the finest unit that keeps the value within 8 digits.
 */
public final class GrpcTimeout {
  public static final String HEADER = "grpc-timeout";
  private static final long MAX_VALUE = 99_999_999L;

  private GrpcTimeout() {}

  /** The timeout in milliseconds, or -1 when {@code value} is absent or malformed. */
  public static long parseMillis(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return -1;
    }
    long n = 0;
    int end = value.length() - 1;
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    switch (value.charAt(end)) {
      case 'H':
        return n * 3_600_000L;
      case 'M':
        return n * 60_000L;
      case 'S':
        return n * 1000L;
      case 'm':
        return n;
      case 'u':
        return (n + 999) / 1000;
      case 'n':
        return (n + 999_999) / 1_000_000;
      default:
        return -1;
    }
  }

  /** {@code millis} as a header value: milliseconds, else seconds, minutes or hours (clipped at 8 digits). */
  public static String format(long millis) {
    long v = millis;
    if (v <= MAX_VALUE) {
      return v + "m";
    }
    v /= 1000;
    if (v <= MAX_VALUE) {
      return v + "S";
    }
    v /= 60;
    if (v <= MAX_VALUE) {
      return v + "M";
    }
    v /= 60;
    return Math.min(v, MAX_VALUE) + "H";
  }
}
