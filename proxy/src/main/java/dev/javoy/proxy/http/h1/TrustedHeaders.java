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

  /**
   * Two {@link #set}s in one pass over the names ({@code server} and {@code date}): {@code name1} may be null (not set),
   * and with {@code keep1} a present {@code name1} is left as it is (Envoy's {@code APPEND_IF_ABSENT}). The names differ.
   */
  public static void set(HttpHeaders h, AsciiString name1, CharSequence value1, boolean keep1, AsciiString name2,
      CharSequence value2) {
    if (h instanceof FlatHttpHeaders f) {
      f.replaceTwo(name1, value1, keep1, name2, value2);
      return;
    }
    if (name1 != null && !(keep1 && h.contains(name1))) {
      h.set(name1, value1);
    }
    h.set(name2, value2);
  }
}
