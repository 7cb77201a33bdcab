package dev.javoy.proxy.admin;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /runtime} ({@code {"entries":{key:{"final_value":..,"layer_values":[..]}},"layers":[names]}}, one
 * layer value per layer, "" where a layer lacks the key, the final value being the last non-empty one) and
 * {@code POST /runtime_modify?key=value...} (query or form body).
 */
final class RuntimeEndpoints {
  private final AdminBackend backend;
  private final ProtoJson json;

  RuntimeEndpoints(AdminBackend backend, ProtoJson json) {
    this.backend = backend;
    this.json = json;
  }

  List<AdminEndpoint> endpoints() {
    return List.of(
        AdminEndpoint.get("/runtime", "print runtime values", r -> AdminResponse.json(
            json.pretty(runtime(backend.runtimeLayers()), true))),
        AdminEndpoint.post("/runtime_modify", "Adds or modifies runtime values as passed in query parameters. "
            + "To delete a previously added key, use an empty string as the value. Note that deletion only "
            + "applies to overrides added via this endpoint; values loaded from disk can be modified via "
            + "override but not deleted. E.g. ?key1=value1&key2=value2...", this::modify));
  }

  static Struct runtime(List<RuntimeLayer> layers) {
    Map<String, List<Value>> byKey = new TreeMap<>();
    for (RuntimeLayer layer : layers) {
      for (String key : layer.values().keySet()) {
        byKey.putIfAbsent(key, new ArrayList<>());
      }
    }
    Struct.Builder entries = Struct.newBuilder();
    for (Map.Entry<String, List<Value>> e : byKey.entrySet()) {
      String finalValue = "";
      ListValue.Builder values = ListValue.newBuilder();
      for (RuntimeLayer layer : layers) {
        String v = layer.values().getOrDefault(e.getKey(), "");
        if (!v.isEmpty()) {
          finalValue = v;
        }
        values.addValues(string(v));
      }
      entries.putFields(e.getKey(), Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("final_value", string(finalValue))
          .putFields("layer_values", Value.newBuilder().setListValue(values).build())).build());
    }
    ListValue.Builder names = ListValue.newBuilder();
    for (RuntimeLayer layer : layers) {
      names.addValues(string(layer.name()));
    }
    return Struct.newBuilder()
        .putFields("entries", Value.newBuilder().setStructValue(entries).build())
        .putFields("layers", Value.newBuilder().setListValue(names).build())
        .build();
  }

  private AdminResponse modify(AdminRequest r) {
    Map<String, String> overrides = r.params().isEmpty() ? r.form() : r.params();
    if (overrides.isEmpty()) {
      return AdminResponse.text(400, "usage: /runtime_modify?key1=value1&key2=value2&keyN=valueN\n"
          + "       or send the parameters as form values\n"
          + "use an empty value to remove a previously added override");
    }
    try {
      backend.modifyRuntime(overrides);
    } catch (IllegalStateException | IllegalArgumentException e) {
      return AdminResponse.text(503, e.getMessage());
    }
    return AdminResponse.ok("OK\n");
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
