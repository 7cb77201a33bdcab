package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.util.AsciiString;
import java.util.Calendar;
import java.util.Date;

/** Header values given through the {@code HttpHeaders} API, converted and checked as Netty's default headers do. */
final class HeaderValues {
  private static final DefaultHeaders.ValueValidator<CharSequence> VALIDATOR =
      DefaultHttpHeadersFactory.headersFactory().getValueValidator();

  private HeaderValues() {}

  /** {@code value} as a header value (dates in HTTP date format), validated when {@code validate}. */
  static CharSequence converted(boolean validate, Object value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    CharSequence v;
    if (value instanceof CharSequence cs) {
      v = cs;
    } else if (value instanceof Date d) {
      v = DateFormatter.format(d);
    } else if (value instanceof Calendar c) {
      v = DateFormatter.format(c.getTime());
    } else {
      v = value.toString();
    }
    if (validate) {
      VALIDATOR.validate(v);
    }
    return v;
  }

  /** {@code getInt}'s parse: null when not a number (as Netty's default headers). */
  static Integer parseInt(CharSequence v) {
    try {
      return v instanceof AsciiString a ? a.parseInt() : Integer.parseInt(v.toString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Short parseShort(CharSequence v) {
    try {
      return v instanceof AsciiString a ? a.parseShort() : Short.parseShort(v.toString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** An HTTP date in milliseconds, or null. */
  static Long parseTimeMillis(CharSequence v) {
    Date d = DateFormatter.parseHttpDate(v);
    return d == null ? null : d.getTime();
  }
}
