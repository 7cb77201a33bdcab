package dev.javoy.proxy.upstream.originaldst;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.upstream.Addresses;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostDiscovery;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.lb.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Envoy's original destination cluster ({@code type: ORIGINAL_DST}, {@code lb_policy: CLUSTER_PROVIDED}): the
 * upstream host is where the downstream connection was going before it was redirected to the proxy (its
 * restored local address), or with {@code original_dst_lb_config.use_http_header} the {@code ip:port} of the
 * {@code x-envoy-original-dst-host} header (or {@code http_header_name}); {@code upstream_port_override}
 * replaces the port. Hosts are created on demand, one per address, shared by the workers (a lock-free map
 * lookup per pick), and removed by a sweep every {@code cleanup_interval} (default 5 s) when no pick used them
 * since the previous sweep. Membership changes are published on one worker's loop (the first), so the cluster's
 * host set has a single writer.
 */
public final class OriginalDstCluster implements HostDiscovery {
  public static final String DEFAULT_HEADER = "x-envoy-original-dst-host";
  private static final Set<String> LB_CONFIG_FIELDS = Set.of("use_http_header", "http_header_name",
      "upstream_port_override");

  /** A host and whether a pick used it since the last sweep. */
  private static final class Entry {
    final Host host;
    volatile boolean used = true;

    Entry(Host host) {
      this.host = host;
    }
  }

  private final String clusterName;
  private final String header;
  private final int portOverride;
  private final long cleanupIntervalMillis;
  private final EventLoop owner;
  private final ConcurrentHashMap<InetSocketAddress, Entry> hosts = new ConcurrentHashMap<>();
  private final AtomicBoolean publishPending = new AtomicBoolean();
  private volatile UpstreamCluster cluster;
  private volatile ScheduledFuture<?> sweep;
  private volatile boolean stopped;

  OriginalDstCluster(String clusterName, String header, int portOverride, long cleanupIntervalMillis,
      EventLoop owner) {
    this.clusterName = clusterName;
    this.header = header;
    this.portOverride = portOverride;
    this.cleanupIntervalMillis = cleanupIntervalMillis;
    this.owner = owner;
  }

  /** Builds the discovery of an ORIGINAL_DST cluster, checking its config as Envoy does. */
  public static OriginalDstCluster from(Cluster c, String path, List<EventLoop> workerLoops) throws ConfigException {
    if (c.getLbPolicy() != Cluster.LbPolicy.CLUSTER_PROVIDED) {
      throw new ConfigException(path + ".lb_policy", "cluster: LB policy " + c.getLbPolicy()
          + " is not valid for Cluster type ORIGINAL_DST. Only 'CLUSTER_PROVIDED' is allowed with cluster type "
          + "'ORIGINAL_DST'");
    }
    if (c.hasLoadAssignment() && c.getLoadAssignment().getEndpointsCount() > 0) {
      throw new ConfigException(path + ".load_assignment", "ORIGINAL_DST clusters must have no load assignment "
          + "configured");
    }
    String header = null;
    int port = 0;
    if (c.hasOriginalDstLbConfig()) {
      var lb = c.getOriginalDstLbConfig();
      FieldSupport.check(lb, path + ".original_dst_lb_config", LB_CONFIG_FIELDS);
      if (lb.getUseHttpHeader()) {
        header = lb.getHttpHeaderName().isEmpty() ? DEFAULT_HEADER : lb.getHttpHeaderName().toLowerCase(Locale.ROOT);
      }
      if (lb.hasUpstreamPortOverride()) {
        port = lb.getUpstreamPortOverride().getValue();
        if (port < 1 || port > 65535) {
          throw new ConfigException(path + ".original_dst_lb_config.upstream_port_override",
              "port must be between 1 and 65535, got " + port);
        }
      }
    }
    long cleanup = c.hasCleanupInterval() ? Durations.toMillis(c.getCleanupInterval()) : 5000;
    if (cleanup <= 0) {
      throw new ConfigException(path + ".cleanup_interval", "cleanup_interval must be greater than 0");
    }
    if (workerLoops.isEmpty()) {
      throw new ConfigException(path, "ORIGINAL_DST clusters need worker threads");
    }
    return new OriginalDstCluster(c.getName(), header, port, cleanup, workerLoops.get(0));
  }


  /** The ORIGINAL_DST discovery of {@code cluster}, or null when it is another type. */
  public static OriginalDstCluster of(UpstreamCluster cluster) {
    return cluster.discovery() instanceof OriginalDstCluster o ? o : null;
  }

  /** The header that overrides the destination ({@code use_http_header}), or null. */
  public String headerName() {
    return header;
  }

  /**
   * The host for a connection or request (Envoy's {@code OriginalDstCluster::LoadBalancer::chooseHost}): the
   * header's {@code ip:port} when {@code use_http_header} and it parses, else the downstream's original
   * destination when a listener filter restored it; null when there is neither.
   *
   * @param headerValue the request's override header value, or null (tcp_proxy, or no header)
   */
  public Host chooseHost(DownstreamConnection downstream, CharSequence headerValue) {
    InetSocketAddress dst = null;
    if (header != null && headerValue != null) {
      dst = parseIpPort(headerValue.toString());
    }
    if (dst == null && downstream != null && downstream.localAddressRestored()
        && downstream.localAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
      dst = a;
    }
    if (dst == null) {
      return null;
    }
    if (portOverride > 0 && dst.getPort() != portOverride) {
      dst = new InetSocketAddress(dst.getAddress(), portOverride);
    }
    Entry e = hosts.get(dst);
    if (e == null) {
      InetSocketAddress key = dst;
      e = hosts.computeIfAbsent(key, k -> new Entry(new Host(clusterName, k, "", 1, 0,
          Metadata.getDefaultInstance())));
      publishSoon();
    } else if (!e.used) {
      e.used = true;
    }
    return e.host;
  }

  /** {@code ip:port} or {@code [ipv6]:port}, IP literals only (no DNS); null when malformed. */
  static InetSocketAddress parseIpPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      return null;
    }
    String host = s.substring(0, colon).trim();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      return null; // an IPv6 address needs brackets
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1).trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 0 || port > 65535 || !Addresses.isIpLiteral(host)) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public void start(UpstreamCluster cluster, Runnable initialized) {
    this.cluster = cluster;
    initialized.run(); // ORIGINAL_DST clusters are ready at once, with no hosts
    if (!owner.isShuttingDown()) {
      sweep = owner.scheduleWithFixedDelay(this::cleanup, cleanupIntervalMillis, cleanupIntervalMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() {
    stopped = true;
    ScheduledFuture<?> s = sweep;
    if (s != null) {
      s.cancel(false);
    }
  }

  /** Envoy's cleanup timer: hosts no pick used since the last sweep leave the cluster. */
  void cleanup() {
    boolean removed = false;
    for (var it = hosts.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.used) {
        e.used = false;
      } else {
        it.remove();
        removed = true;
      }
    }
    if (removed) {
      publish();
    }
  }

  private void publishSoon() {
    if (publishPending.compareAndSet(false, true) && !owner.isShuttingDown()) {
      owner.execute(this::publish);
    }
  }

  /** Publishes the current hosts as the cluster's membership (on the owner loop only). */
  private void publish() {
    publishPending.set(false);
    UpstreamCluster c = cluster;
    if (c == null || stopped) {
      return;
    }
    List<Host> now = new ArrayList<>(hosts.size());
    for (Entry e : hosts.values()) {
      now.add(e.host);
    }
    c.updateHosts(now);
  }

  /** The number of hosts the cluster has created and not cleaned up yet. */
  public int size() {
    return hosts.size();
  }
}
