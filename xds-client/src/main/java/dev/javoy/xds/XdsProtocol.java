package dev.javoy.xds;

/** The xDS transport protocol variant. */
public enum XdsProtocol {
  /** {@code DiscoveryRequest}/{@code DiscoveryResponse}: each response is a version of the type. */
  STATE_OF_THE_WORLD,
  /** Incremental: {@code DeltaDiscoveryRequest}/{@code DeltaDiscoveryResponse}, per-resource versions. */
  DELTA
}
