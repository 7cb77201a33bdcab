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

  /**
   * Whether the load balancers may pick this host: the combined answer of all health flags (Envoy's
   * {@code coarseHealth() == Healthy}). Degraded hosts answer false as well.
   */
  public boolean healthy() {
    return (healthFlags & (UNHEALTHY_FLAGS | DEGRADED_FLAGS)) == 0;
  }

  /** Sets or clears {@link #FAILED_EDS_HEALTH} (kept for callers predating the health flags). */
  public void setHealthy(boolean healthy) {
    if (healthy) {
      healthFlagClear(FAILED_EDS_HEALTH);
    } else {
      healthFlagSet(FAILED_EDS_HEALTH);
    }
  }

  // ---- health flags, outlier detection and active health checking (Envoy's Host::HealthFlag) ----------------

  /** The host failed an active health check. */
  public static final int FAILED_ACTIVE_HC = 0x1;
  /** The host is ejected by outlier detection. */
  public static final int FAILED_OUTLIER_CHECK = 0x2;
  /** EDS says UNHEALTHY or TIMEOUT. */
  public static final int FAILED_EDS_HEALTH = 0x4;
  /** An active health check answered degraded ({@code x-envoy-degraded}). */
  public static final int DEGRADED_ACTIVE_HC = 0x8;
  /** EDS says DEGRADED. */
  public static final int DEGRADED_EDS_HEALTH = 0x10;
  /** Removed by discovery but kept until its active health check fails (ignore_health_on_host_removal false). */
  public static final int PENDING_DYNAMIC_REMOVAL = 0x20;
  /** No active health check has completed for the host yet. */
  public static final int PENDING_ACTIVE_HC = 0x40;
  /** A health check response carried {@code x-envoy-immediate-health-check-fail}. */
  public static final int EXCLUDED_VIA_IMMEDIATE_HC_FAIL = 0x80;
  /** The last active health check timed out. */
  public static final int ACTIVE_HC_TIMEOUT = 0x100;
  /** EDS says DRAINING. */
  public static final int EDS_STATUS_DRAINING = 0x200;

  /** Flags that make a host unhealthy (Envoy's {@code coarseHealth}). */
  private static final int UNHEALTHY_FLAGS = FAILED_ACTIVE_HC | FAILED_OUTLIER_CHECK | FAILED_EDS_HEALTH
      | EDS_STATUS_DRAINING | EXCLUDED_VIA_IMMEDIATE_HC_FAIL;
  private static final int DEGRADED_FLAGS = DEGRADED_ACTIVE_HC | DEGRADED_EDS_HEALTH;

  /** Envoy's three-valued host health. */
  public enum CoarseHealth { HEALTHY, DEGRADED, UNHEALTHY }

  /** Written by the main thread only (EDS, outlier detection, health checks); read by any worker. */
  private volatile int healthFlags;
  private volatile dev.javoy.proxy.upstream.outlier.OutlierHostMonitor outlier =
      dev.javoy.proxy.upstream.outlier.OutlierHostMonitor.NONE;
  /** {@code endpoint.health_check_config}: port (0 = the host's) and hostname of the health checks. */
  private volatile int healthCheckPort;
  private volatile String healthCheckHostname = "";

  public int healthFlags() {
    return healthFlags;
  }

  public boolean healthFlagGet(int flag) {
    return (healthFlags & flag) != 0;
  }

  /** Main thread only. */
  public void healthFlagSet(int flag) {
    healthFlags |= flag;
  }

  /** Main thread only. */
  public void healthFlagClear(int flag) {
    healthFlags &= ~flag;
  }

  public CoarseHealth coarseHealth() {
    int f = healthFlags;
    if ((f & UNHEALTHY_FLAGS) != 0) {
      return CoarseHealth.UNHEALTHY;
    }
    return (f & DEGRADED_FLAGS) != 0 ? CoarseHealth.DEGRADED : CoarseHealth.HEALTHY;
  }

  /** Sets the EDS health flags from an endpoint's {@code health_status}, clearing the previous ones. */
  public void setEdsHealth(io.envoyproxy.envoy.config.core.v3.HealthStatus status) {
    int f = healthFlags & ~(FAILED_EDS_HEALTH | DEGRADED_EDS_HEALTH | EDS_STATUS_DRAINING);
    switch (status) {
      case UNHEALTHY, TIMEOUT -> f |= FAILED_EDS_HEALTH;
      case DRAINING -> f |= EDS_STATUS_DRAINING;
      case DEGRADED -> f |= DEGRADED_EDS_HEALTH;
      default -> { }
    }
    healthFlags = f;
  }

  /** The EDS part of the flags, to carry them onto a kept Host object. */
  public int edsHealthFlags() {
    return healthFlags & (FAILED_EDS_HEALTH | DEGRADED_EDS_HEALTH | EDS_STATUS_DRAINING);
  }

  /** Where workers report request results for outlier detection; a no-op monitor without detection. */
  public dev.javoy.proxy.upstream.outlier.OutlierHostMonitor outlier() {
    return outlier;
  }

  public void setOutlier(dev.javoy.proxy.upstream.outlier.OutlierHostMonitor monitor) {
    this.outlier = monitor;
  }

  public int healthCheckPort() {
    return healthCheckPort;
  }

  public String healthCheckHostname() {
    return healthCheckHostname;
  }

  public void setHealthCheckEndpoint(int port, String hostname) {
    this.healthCheckPort = port;
    this.healthCheckHostname = hostname;
  }

  // ---- end of health -------------------------------------------------------------------------------------

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
