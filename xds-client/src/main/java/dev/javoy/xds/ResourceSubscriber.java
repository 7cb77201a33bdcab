package dev.javoy.xds;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;

/**
 * Receives the resources of one subscription. Every method runs on the client's event loop. The
 * subscriber validates and applies what it is given and says synchronously what it rejected; the client
 * then ACKs or NACKs the response.
 *
 * @param <T> the resource message
 */
public interface ResourceSubscriber<T extends Message> {
  /**
   * New or changed resources, and removed ones. A named subscription is called only when its resource
   * changes or is removed; a {@link ResourceType#WILDCARD} subscription is called on every response of
   * its type (possibly with nothing in it: an empty state of the world is news too).
   *
   * @param changedOrAdded resources to apply, by name
   * @param removed names of resources that no longer exist
   * @param version the version of the response ({@code version_info}, or {@code system_version_info} in
   *     delta), for logs and display
   * @return the resources that were rejected and why, by name; empty (or {@code null}) when all were
   *     applied. Resources not named here count as applied.
   */
  Map<String, String> onResources(Map<String, T> changedOrAdded, Set<String> removed, String version);

  /**
   * The stream to the management server failed; the resources already applied stay in force and the
   * client reconnects by itself.
   */
  default void onError(Status status) {}

  /**
   * The resource did not arrive within the subscription's initial fetch timeout (for a wildcard
   * subscription: no response of the type did). Called at most once per subscription; the resource may
   * still arrive later through {@link #onResources}.
   */
  default void onResourceDoesNotExist(String name) {}
}
