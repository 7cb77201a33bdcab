package dev.javoy.xds;

import io.grpc.Status;
import java.time.Instant;

/**
 * Events the proxy maps to Envoy's subscription stats ({@code update_attempt}, {@code update_success},
 * {@code update_rejected}, {@code update_failure}, {@code update_time}, {@code version_text},
 * {@code init_fetch_timeout}) and to the {@code control_plane.connected_state} gauge. Called on the
 * client's event loop; implementations must not block.
 */
public interface XdsStatsListener {
  XdsStatsListener NOOP = new XdsStatsListener() {};

  /**
   * An update was attempted: a response arrived, the stream failed, or an initial fetch timed out (as
   * Envoy counts {@code update_attempt}).
   */
  default void onUpdateAttempt(ResourceType<?> type) {}

  /** A response was accepted (ACKed): {@code update_success}, {@code update_time}, {@code version_text}. */
  default void onUpdateSuccess(ResourceType<?> type, String version, Instant time) {}

  /** A response was rejected (NACKed) with these details: {@code update_rejected}. */
  default void onUpdateRejected(ResourceType<?> type, String details) {}

  /** The stream serving this type failed or could not be established: {@code update_failure}. */
  default void onUpdateFailure(ResourceType<?> type, Status status) {}

  /** A subscription's initial fetch timed out: {@code init_fetch_timeout}. */
  default void onInitFetchTimeout(ResourceType<?> type) {}

  /** The client's connection to the management server came up or went down. */
  default void onConnectedStateChanged(boolean connected) {}
}
