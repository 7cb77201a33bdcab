package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.DefaultHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * Headers of an HTTP/1.1 decoder that, unless asked to keep names as received ({@code preserve_case}), store every
 * name in lower case whichever way it is added (Envoy's header map keeps lower-case names), so that
 * {@link HeaderKeyFormat#format} has nothing to check or rewrite for them in its default lower-case mode.
 */
public class LowerCaseNameHeaders extends DefaultHttpHeaders {
  /** Netty's validating name check (RFC 9110 token), as its default headers factory has it. */
  private static final DefaultHeaders.NameValidator<CharSequence> VALIDATING =
      DefaultHttpHeadersFactory.headersFactory().getNameValidator();
  /**
   * The same check, skipped for Netty's well-known header name constants (valid tokens by construction), which
   * most names are: the ones javoy adds and the ones the decoders map to constants. Same verdicts, less work.
   */
  private static final DefaultHeaders.NameValidator<CharSequence> VALIDATING_UNKNOWN = name -> {
    if (!HeaderNames.isWellKnownConstant(name)) {
      VALIDATING.validateName(name);
    }
  };

  /**
   * Hash buckets of a message's header map: Netty's default is 16; 8 keep the chains at one or two entries for
   * the usual 5–15 headers of a request or response, and cost 32 bytes less per message.
   */
  private static final int HASH_BUCKETS = 8;
  private final boolean lowerCaseNames;
  /** No name was added as is ({@link #addAsIs}) with an upper-case letter. */
  private boolean allLowerCase;

  protected LowerCaseNameHeaders(DefaultHeaders.NameValidator<CharSequence> names,
      DefaultHeaders.ValueValidator<CharSequence> values, boolean lowerCaseNames) {
    super(names == VALIDATING ? VALIDATING_UNKNOWN : names, values, HASH_BUCKETS);
    this.lowerCaseNames = lowerCaseNames;
    this.allLowerCase = lowerCaseNames;
  }

  /** Whether every name in these headers is in lower case. */
  public final boolean lowerCaseNames() {
    return allLowerCase;
  }

  /** Adds a header with its name exactly as given (a formatter writing proper-case names). */
  final void addAsIs(CharSequence name, Object value) {
    if (allLowerCase && HeaderNames.hasUpperCase(name)) {
      allLowerCase = false;
    }
    super.add(name, value);
  }

  private CharSequence n(CharSequence name) {
    return lowerCaseNames ? HeaderNames.lowerCase(name) : name;
  }

  @Override
  public HttpHeaders add(String name, Object value) {
    return super.add(n(name), value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    return super.add(n(name), value);
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return super.add(n(name), values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    return super.add(n(name), values);
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    return super.addInt(n(name), value);
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    return super.addShort(n(name), value);
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return super.set(n(name), value);
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    return super.set(n(name), value);
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return super.set(n(name), values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    return super.set(n(name), values);
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    return super.setInt(n(name), value);
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    return super.setShort(n(name), value);
  }

  @Override
  public HttpHeaders add(HttpHeaders headers) {
    if (!lowerCaseNames) {
      return super.add(headers);
    }
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      add(e.getKey(), e.getValue());
    }
    return this;
  }

  @Override
  public HttpHeaders set(HttpHeaders headers) {
    if (!lowerCaseNames) {
      return super.set(headers);
    }
    if (headers != this) {
      clear();
      add(headers);
    }
    return this;
  }

  @Override
  public HttpHeaders setAll(HttpHeaders headers) {
    if (!lowerCaseNames) {
      return super.setAll(headers);
    }
    if (headers != this) {
      for (String name : headers.names()) {
        remove(name);
      }
      add(headers);
    }
    return this;
  }
}
