package dev.javoy.proxy.http.h1;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Adds and sets the headers javoy itself names and values ({@code server}, {@code date}, {@code x-request-id},
 * {@code x-forwarded-proto}, {@code x-envoy-*}, ...): the name one of the interned lower-case constants
 * ({@link EnvoyHeaderNames}, Netty's {@code HttpHeaderNames}), the value valid by construction (javoy's digits, a
 * UUID, the cached {@code date}, a server name checked once). A {@link FlatHttpHeaders} takes them as they are: no
 * lower-casing, no validation, and a set replaces in place, as Envoy sets its inline headers (the header keeps its
 * position and its name as received; later duplicates go). Any other map gets Netty's {@code add}/{@code set}.
 */
public final class TrustedHeaders {
  private TrustedHeaders() {}

  /** Envoy's {@code addReference}: appended. */
  public static void add(HttpHeaders h, AsciiString name, CharSequence value) {
    if (h instanceof FlatHttpHeaders f) {
      f.addTrusted(name, value);
    } else {
      h.add(name, value);
    }
  }

  /** Envoy's inline {@code setReference}: the first header of the name gets the value in place, else appended. */
  public static void set(HttpHeaders h, AsciiString name, CharSequence value) {
    if (h instanceof FlatHttpHeaders f) {
      f.replace(name, value);
    } else {
      h.set(name, value);
    }
  }
}
