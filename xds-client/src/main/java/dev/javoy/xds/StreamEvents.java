package dev.javoy.xds;

import io.grpc.Status;

/** What a stream tells its {@link StreamSupervisor}; on the event loop. */
interface StreamEvents {
  /** The stream is established on a connected transport. */
  void onConnected();

  /** A response arrived (the exchange works: the back-off starts over). */
  void onResponse();

  /** The stream ended; it will not be used again. */
  void onClosed(Status status);
}
