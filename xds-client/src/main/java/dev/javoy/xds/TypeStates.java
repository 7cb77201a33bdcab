package dev.javoy.xds;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The state of every resource type of one client, in {@link ResourceType#all()} order. */
final class TypeStates {
  private final Map<String, TypeState<?>> byTypeUrl = new LinkedHashMap<>();

  TypeStates(ClientContext ctx) {
    for (ResourceType<?> type : ResourceType.all()) {
      byTypeUrl.put(type.typeUrl(), newState(type, ctx));
    }
  }

  private static <T extends Message> TypeState<T> newState(ResourceType<T> type, ClientContext ctx) {
    return new TypeState<>(type, ctx);
  }

  @SuppressWarnings("unchecked")
  <T extends Message> TypeState<T> get(ResourceType<T> type) {
    return (TypeState<T>) byTypeUrl.get(type.typeUrl());
  }

  /** The state of the type with this URL, or {@code null} for a type javoy does not know. */
  TypeState<?> forTypeUrl(String typeUrl) {
    return byTypeUrl.get(typeUrl);
  }

  List<TypeState<?>> all() {
    return new ArrayList<>(byTypeUrl.values());
  }
}
