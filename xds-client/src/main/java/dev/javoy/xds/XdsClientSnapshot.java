package dev.javoy.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the client knows, for the admin's {@code /config_dump} and CSDS: per type the last accepted
 * version and update time, and per resource its state and, when it was rejected, Envoy's
 * {@code error_state}.
 *
 * @param connected whether every stream to the management server is up
 * @param types the types that have subscriptions or resources, clusters first
 */
public record XdsClientSnapshot(boolean connected, List<TypeSnapshot> types) {

  /** The type's entry, if it has one. */
  public Optional<TypeSnapshot> type(ResourceType<?> type) {
    return types.stream().filter(t -> t.type() == type).findFirst();
  }

  /**
   * One resource type.
   *
   * @param type the type
   * @param acceptedVersion the version of the last accepted response ({@code ""} before any)
   * @param lastUpdated when a response was last accepted
   * @param wildcard whether the type is subscribed with {@link ResourceType#WILDCARD}
   * @param resources subscribed, received or rejected resources, by name
   */
  public record TypeSnapshot(ResourceType<?> type, String acceptedVersion, Optional<Instant> lastUpdated,
      boolean wildcard, List<ResourceSnapshot> resources) {

    /** The resource's entry, if it has one. */
    public Optional<ResourceSnapshot> resource(String name) {
      return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }
  }

  /**
   * One resource.
   *
   * @param name its name
   * @param status {@code ACKED} when the accepted version is in force; {@code NACKED} when its last update
   *     was rejected (an accepted version may still be in force: see {@code resource}); {@code REQUESTED}
   *     while awaited; {@code DOES_NOT_EXIST} after its initial fetch timed out
   * @param version the version it was accepted at (the resource's own version in delta)
   * @param lastUpdated when it was accepted
   * @param resource the accepted resource
   * @param errorState the last rejected update of it (Envoy's {@code error_state})
   */
  public record ResourceSnapshot(String name, ClientResourceStatus status, String version,
      Optional<Instant> lastUpdated, Optional<Any> resource, Optional<UpdateFailureState> errorState) {}
}
