package dev.javoy.proxy.extension;

import com.google.protobuf.GeneratedMessageV3;
import com.google.protobuf.Message;
import java.util.List;

/**
 * A generated message's protobuf full name from its Java class name, without building its descriptor (building
 * an Envoy API descriptor builds every file it depends on, which is most of javoy's start-up). Works for the
 * proto packages whose Java package is a fixed prefix and that generate one class per message
 * ({@code java_multiple_files}): Envoy's API, xDS, UDPA and protobuf's well-known types. Anything else (a
 * {@code DynamicMessage}, another package) falls back to the descriptor.
 */
public final class ProtoTypeNames {
  public static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  /** Java package prefix → proto package prefix. */
  private static final List<String[]> PACKAGES = List.of(
      new String[] {"io.envoyproxy.envoy.", "envoy."},
      new String[] {"com.github.xds.", "xds."},
      new String[] {"com.github.udpa.udpa.", "udpa."},
      new String[] {"com.google.protobuf.", "google.protobuf."});

  private ProtoTypeNames() {}

  /** The full name of {@code m}'s type, such as {@code envoy.extensions.filters.http.router.v3.Router}. */
  public static String fullName(Message m) {
    if (m instanceof GeneratedMessageV3) {
      String javaName = m.getClass().getName();
      for (String[] p : PACKAGES) {
        if (javaName.startsWith(p[0])) {
          return p[1] + javaName.substring(p[0].length()).replace('$', '.');
        }
      }
    }
    return dev.javoy.proxy.config.MessageDescriptors.of(m).getFullName();
  }

  /** {@code type.googleapis.com/} and {@link #fullName}. */
  public static String typeUrl(Message m) {
    return TYPE_URL_PREFIX + fullName(m);
  }

  /** The full name a type URL names: what follows its last {@code /}. */
  public static String fullNameOf(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }
}
