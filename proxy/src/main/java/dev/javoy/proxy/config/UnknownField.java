package dev.javoy.proxy.config;

/**
 * A field in JSON/YAML config that the message type it sits in does not have.
 *
 * @param path JSON path of the field, e.g. {@code static_resources.clusters[0].load_assignment.endpoints[0]
 *     .lb_endpoints[0].endpoint.adress}
 * @param name the field name as written
 * @param messageType full protobuf name of the message it was found in
 */
public record UnknownField(String path, String name, String messageType) {
  /** Without the path: {@code unknown field "adress" in envoy.config.endpoint.v3.Endpoint}. */
  public String problem() {
    return "unknown field \"" + name + "\" in " + messageType;
  }

  @Override
  public String toString() {
    return path + ": " + problem();
  }
}
