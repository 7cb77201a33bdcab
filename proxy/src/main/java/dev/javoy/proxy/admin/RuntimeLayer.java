package dev.javoy.proxy.admin;

import java.util.Map;

/**
 * One runtime layer as {@code GET /runtime} shows it: its name (from {@code layered_runtime.layers[].name})
 * and its raw string values by key. Layers are listed lowest priority first, as in the bootstrap.
 */
public record RuntimeLayer(String name, Map<String, String> values) {
  public RuntimeLayer {
    values = Map.copyOf(values);
  }
}
