package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
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
}
