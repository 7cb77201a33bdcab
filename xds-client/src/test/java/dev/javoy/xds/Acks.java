package dev.javoy.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;

/** Waits, on the server side, for the client's ACK or NACK of a type. */
final class Acks {
  static final Duration WAIT = Duration.ofSeconds(10);

  private Acks() {}

  /** Waits for an ACK of this type (at this version in SotW); returns it as a SotW or delta request. */
  static Object awaitAck(ControlPlane controlPlane, Variant variant, ResourceType<?> type, String version)
      throws InterruptedException {
    if (variant.delta()) {
      return controlPlane.awaitDelta(r -> isDeltaAck(r, type), WAIT);
    }
    return controlPlane.awaitSotw(r -> r.getTypeUrl().equals(type.typeUrl())
        && r.getVersionInfo().equals(version) && !r.getResponseNonce().isEmpty() && !r.hasErrorDetail(), WAIT);
  }

  static boolean isDeltaAck(DeltaDiscoveryRequest r, ResourceType<?> type) {
    return r.getTypeUrl().equals(type.typeUrl()) && !r.getResponseNonce().isEmpty() && !r.hasErrorDetail();
  }

  static DiscoveryRequest awaitSotwNack(ControlPlane controlPlane, ResourceType<?> type) throws InterruptedException {
    return controlPlane.awaitSotw(r -> r.getTypeUrl().equals(type.typeUrl()) && r.hasErrorDetail(), WAIT);
  }

  static DeltaDiscoveryRequest awaitDeltaNack(ControlPlane controlPlane, ResourceType<?> type)
      throws InterruptedException {
    return controlPlane.awaitDelta(r -> r.getTypeUrl().equals(type.typeUrl()) && r.hasErrorDetail(), WAIT);
  }
}
