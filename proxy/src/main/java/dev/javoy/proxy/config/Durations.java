package dev.javoy.proxy.config;

import com.google.protobuf.Duration;

/** protobuf Duration helpers. */
public final class Durations {
  private Durations() {}

  public static long toMillis(Duration d) {
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  public static long toNanos(Duration d) {
    return d.getSeconds() * 1_000_000_000L + d.getNanos();
  }

  /** Milliseconds of {@code d} if set, else {@code defaultMillis}. */
  public static long millisOr(boolean has, Duration d, long defaultMillis) {
    return has ? toMillis(d) : defaultMillis;
  }
}
