package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * A route configuration's {@code internal_only_headers}: headers the connection manager removes from every request
 * that is not internal (Envoy's {@code ConnectionManagerUtility::cleanInternalHeaders}, with the route configuration
 * the stream started with). Names are lower-cased as Envoy's {@code LowerCaseString}s are. Immutable.
 */
public final class InternalOnlyHeaders {
  public static final InternalOnlyHeaders NONE = new InternalOnlyHeaders(new AsciiString[0]);

  private final AsciiString[] names;
  private final int[] bits;
  /** The {@link HeaderNameSummary} bits of all the names: a map whose summary misses them all holds none. */
  private final int mask;

  private InternalOnlyHeaders(AsciiString[] names) {
    this.names = names;
    this.bits = new int[names.length];
    int m = 0;
    for (int i = 0; i < names.length; i++) {
      bits[i] = HeaderNameSummary.bitOf(names[i]);
      m |= bits[i];
    }
    this.mask = m;
  }

  /** {@code internal_only_headers} of the route configuration at {@code path}. */
  static InternalOnlyHeaders of(List<String> headers, String path) throws ConfigException {
    if (headers.isEmpty()) {
      return NONE;
    }
    AsciiString[] names = new AsciiString[headers.size()];
    for (int i = 0; i < names.length; i++) {
      String h = headers.get(i);
      // Envoy's HTTP_HEADER_NAME rule with strict: false: no NUL, CR or LF
      if (h.isEmpty() || h.indexOf('\0') >= 0 || h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0) {
        throw new ConfigException(FieldSupport.index(path, "internal_only_headers", i),
            "value does not match regex pattern of HTTP_HEADER_NAME");
      }
      names[i] = AsciiString.cached(h.toLowerCase(Locale.ROOT));
    }
    return new InternalOnlyHeaders(names);
  }

  /** For tests and callers outside route configs. */
  public static InternalOnlyHeaders of(String... headers) {
    try {
      return of(List.of(headers), "internal_only_headers");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The union of the names' {@link HeaderNameSummary} bits (0 when there are none). */
  public int mask() {
    return mask;
  }

  public int size() {
    return names.length;
  }

  public AsciiString name(int i) {
    return names[i];
  }

  /** The {@link HeaderNameSummary} bit of the {@code i}-th name. */
  public int bit(int i) {
    return bits[i];
  }
}
