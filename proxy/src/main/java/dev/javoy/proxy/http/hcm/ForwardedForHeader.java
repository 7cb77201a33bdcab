package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h1.EnvoyHeaderNames;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;

/**
 * {@code x-forwarded-for} as Envoy's header map holds it: one value. Envoy's codecs (HTTP/1.1 and HTTP/2) add a
 * repeated {@code x-forwarded-for} to the first one ({@code HeaderMapImpl::insertByKey} → {@code appendToHeader}
 * with delimiter {@code ","}, an empty value adding nothing), so the trusted-hops selection, the internal decision,
 * the append ({@code Utility::appendXff}) and the upstream request all see one comma-joined list. {@link #coalesce}
 * does the same to javoy's header map: repeated headers become one, in place.
 * <p>
 * Cost: a request without the header costs a lookup (answered by FlatHttpHeaders' name summary without a scan);
 * one header costs a scan of the headers after it in FlatHttpHeaders (HTTP/1.1), no allocation, or a value iterator in
 * other maps (HTTP/2's); only repeated headers allocate the joined value.
 */
final class ForwardedForHeader {
  static final AsciiString NAME = EnvoyHeaderNames.X_FORWARDED_FOR;

  private ForwardedForHeader() {}

  /** The whole {@code x-forwarded-for} list (null when absent), with repeated headers made one joined header. */
  static String coalesce(HttpHeaders h) {
    if (h instanceof FlatHttpHeaders f) {
      int first = f.firstIndexOf(NAME);
      if (first < 0) {
        return null;
      }
      for (int i = first + 1, n = f.size(); i < n; i++) {
        if (NAME.contentEqualsIgnoreCase(f.nameAt(i))) {
          return join(h, f.getAll(NAME));
        }
      }
      return f.valueAt(first).toString();
    }
    if (!h.contains(NAME)) { // other maps (HTTP/2's): a hash lookup
      return null;
    }
    Iterator<String> it = h.valueStringIterator(NAME);
    String first = it.next();
    return it.hasNext() ? join(h, h.getAll(NAME)) : first;
  }

  private static String join(HttpHeaders h, List<String> values) {
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      append(sb, v);
    }
    String joined = sb.toString();
    h.set(NAME, joined); // one header, as Envoy forwards it
    return joined;
  }

  /** Envoy's {@code appendToHeader}: nothing for an empty value, a {@code ","} before it when not first. */
  private static void append(StringBuilder sb, String value) {
    if (value.isEmpty()) {
      return;
    }
    if (sb.length() > 0) {
      sb.append(',');
    }
    sb.append(value);
  }

  /** {@code xff} (the whole list, or null) with {@code address} appended, as Envoy's {@code appendXff}. */
  static String appended(String xff, String address) {
    return xff == null || xff.isEmpty() ? address : xff + "," + address;
  }
}
