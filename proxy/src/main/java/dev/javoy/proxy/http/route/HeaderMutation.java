package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * The header mutations of one level (weighted cluster, route, virtual host or route configuration), as
 * Envoy's {@code HeaderParser}: {@code *_headers_to_remove} first, then every value of
 * {@code *_headers_to_add} is computed (against the headers as they are then, so the options of one level do
 * not see each other), then the overwrites are applied, then the additions. Immutable and shared by workers.
 */
public final class HeaderMutation {
  /** No mutation. */
  public static final HeaderMutation NONE = new HeaderMutation(new AsciiString[0], new HeaderAppend[0]);

  private final AsciiString[] removes;
  private final HeaderAppend[] appends;

  private HeaderMutation(AsciiString[] removes, HeaderAppend[] appends) {
    this.removes = removes;
    this.appends = appends;
  }

  /**
   * @param path JSON path of the message holding the two lists
   * @param prefix {@code request} or {@code response}
   */
  static HeaderMutation of(List<HeaderValueOption> add, List<String> remove, String path, String prefix)
      throws ConfigException {
    if (add.isEmpty() && remove.isEmpty()) {
      return NONE;
    }
    AsciiString[] removes = new AsciiString[remove.size()];
    for (int i = 0; i < removes.length; i++) {
      String p = path + "." + prefix + "_headers_to_remove[" + i + "]";
      String name = remove.get(i);
      if (name.isEmpty()) {
        throw new ConfigException(p, "header name must not be empty");
      }
      checkModifiable(name, p, "removed");
      removes[i] = AsciiString.cached(name.toLowerCase(Locale.ROOT));
    }
    HeaderAppend[] appends = new HeaderAppend[add.size()];
    for (int i = 0; i < appends.length; i++) {
      appends[i] = HeaderAppend.of(add.get(i), path + "." + prefix + "_headers_to_add[" + i + "]");
    }
    return new HeaderMutation(removes, appends);
  }

  /** Envoy refuses to add, set or remove pseudo-headers and {@code host} through these lists. */
  static void checkModifiable(String name, String path, String verb) throws ConfigException {
    if (name.isEmpty()) {
      throw new ConfigException(path, "header name must not be empty");
    }
    if (name.startsWith(":") || name.equalsIgnoreCase("host")) {
      throw new ConfigException(path, "':'-prefixed or host headers may not be " + verb + " ('" + name + "')");
    }
  }

  public boolean isEmpty() {
    return removes.length == 0 && appends.length == 0;
  }

  /** Applies this level to {@code headers}; command operators read {@code info}. */
  public void apply(HttpHeaders headers, StreamInfo info) {
    for (AsciiString r : removes) {
      headers.remove(r);
    }
    int n = appends.length;
    if (n == 0) {
      return;
    }
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      HeaderAppend a = appends[i];
      String v = a.value(info);
      if (v.isEmpty() && !a.keepEmpty) {
        continue;
      }
      boolean exists = headers.contains(a.name);
      if ((a.action == HeaderAppendAction.ADD_IF_ABSENT && exists)
          || (a.action == HeaderAppendAction.OVERWRITE_IF_EXISTS && !exists)) {
        continue;
      }
      values[i] = v;
    }
    for (int i = 0; i < n; i++) {
      if (values[i] != null && overwrites(appends[i].action)) {
        headers.set(appends[i].name, values[i]);
      }
    }
    for (int i = 0; i < n; i++) {
      if (values[i] != null && !overwrites(appends[i].action)) {
        headers.add(appends[i].name, values[i]);
      }
    }
  }

  private static boolean overwrites(HeaderAppendAction a) {
    return a == HeaderAppendAction.OVERWRITE_IF_EXISTS || a == HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
  }
}
