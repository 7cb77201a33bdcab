package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import java.util.List;

/**
 * A factory for one Envoy extension, found by the type URL of its config message (as Envoy's
 * {@code TypedFactory}) or, when a config names the extension without {@code typed_config}, by one of its
 * well-known names. Implementations are registered with {@link java.util.ServiceLoader} under the interface of
 * their category, such as {@link HttpFilterFactory}.
 */
public interface ExtensionFactory {
  /** The default instance of the config message; its full name gives {@link #typeUrl()}. */
  Message defaultConfig();

  /** Envoy's names for the extension, such as {@code envoy.filters.http.router}. */
  default List<String> names() {
    return List.of();
  }

  /** Config messages used inside this extension's config that may appear in an {@code Any}. */
  default List<Message> nestedTypes() {
    return List.of();
  }

  /** The config's type URL (from its class name where it can: see {@link ProtoTypeNames}). */
  default String typeUrl() {
    return ProtoTypeNames.typeUrl(defaultConfig());
  }
}
