package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Date;

/** The {@code date} response header value, formatted at most once per second per worker. */
final class DateHeader {
  private static final FastThreadLocal<DateHeader> CACHE = new FastThreadLocal<>() {
    @Override
    protected DateHeader initialValue() {
      return new DateHeader();
    }
  };

  private long second = -1;
  private AsciiString value;

  static AsciiString now() {
    return CACHE.get().get();
  }

  private AsciiString get() {
    long ms = LoopClock.currentTimeMillis(); // h1clock: the loop turn's time
    long s = ms / 1000;
    if (s != second) {
      second = s;
      value = AsciiString.cached(DateFormatter.format(new Date(s * 1000)));
    }
    return value;
  }
}
