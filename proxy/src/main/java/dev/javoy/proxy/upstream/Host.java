package dev.javoy.proxy.upstream;

import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.net.SocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * One upstream endpoint of a cluster. Immutable apart from its counters and health, which any worker updates,
 * and the address of a LOGICAL_DNS cluster's host, which follows DNS.
 * Hosts that stay across an update of their cluster's membership keep their identity, so their connection
 * pools survive the update.
 */
public final class Host {
  private final String clusterName;
  private volatile Location location;
  private final String hostname;
  private final int weight;
  private final int priority;
  private final Metadata metadata;

  private volatile boolean healthy = true;

  public final LongAdder cxTotal = new LongAdder();
  public final LongAdder cxActive = new LongAdder();
  public final LongAdder cxConnectFail = new LongAdder();
  public final LongAdder rqTotal = new LongAdder();
  public final LongAdder rqActive = new LongAdder();
  public final LongAdder rqSuccess = new LongAdder();
  public final LongAdder rqError = new LongAdder();
  public final LongAdder rqTimeout = new LongAdder();

  public Host(String clusterName, SocketAddress address, String hostname, int weight, int priority,
      Metadata metadata) {
    this(clusterName, address, hostname, weight, priority, metadata, Locality.getDefaultInstance(), 0);
  }

  /**
   * @param locality the endpoint's locality ({@code LocalityLbEndpoints.locality})
   * @param localityWeight its locality's {@code load_balancing_weight}, 0 when unset
   */
  public Host(String clusterName, SocketAddress address, String hostname, int weight, int priority,
      Metadata metadata, Locality locality, int localityWeight) {
    this.locality = locality;
    this.localityWeight = localityWeight;
    this.clusterName = clusterName;
    this.location = new Location(address);
    this.hostname = hostname;
    this.weight = weight;
    this.priority = priority;
    this.metadata = metadata;
  }

  public String clusterName() {
    return clusterName;
  }

  public SocketAddress address() {
    return location.address;
  }

  /** {@code ip:port} or the pipe path, as Envoy prints hosts. */
  public String addressString() {
    return location.text;
  }

  /**
   * LOGICAL_DNS only: the cluster's one logical host moves to the address DNS returned last (main thread).
   * Connections opened from now on go there; open ones, and the host's pools, stay.
   */
  public void moveTo(SocketAddress address) {
    this.location = new Location(address);
  }

  /** The DNS name the host came from (STRICT_DNS/LOGICAL_DNS, or endpoint {@code hostname}); may be empty. */
  public String hostname() {
    return hostname;
  }

  public int weight() {
    return weight;
  }

  public int priority() {
    return priority;
  }

  public Metadata metadata() {
    return metadata;
  }

  // ---- locality (load balancing) ----

  private final Locality locality;
  private final int localityWeight;

  /** The locality of the endpoint's {@code LocalityLbEndpoints} (the default instance when none). */
  public Locality locality() {
    return locality;
  }

  /** Its locality's {@code load_balancing_weight} (0 when unset: no load under locality weighted LB). */
  public int localityWeight() {
    return localityWeight;
  }

  // ---- health ----

  public boolean healthy() {
    return healthy;
  }

  public void setHealthy(boolean healthy) {
    this.healthy = healthy;
  }

  /** What makes two hosts the same endpoint (for keeping Host objects across membership updates). */
  record Identity(java.net.SocketAddress address, String hostname, int weight, int priority, Metadata metadata,
      Locality locality, int localityWeight) {}

  Identity identity() {
    return new Identity(location.address, hostname, weight, priority, metadata, locality, localityWeight);
  }

  @Override
  public String toString() {
    return clusterName + "/" + location.text;
  }

  /** The address and its text, replaced together. */
  private static final class Location {
    final SocketAddress address;
    final String text;

    Location(SocketAddress address) {
      this.address = address;
      this.text = Addresses.toString(address);
    }
  }
}
