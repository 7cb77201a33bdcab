package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostDiscovery;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * LOGICAL_DNS: the cluster has one logical host, at the first address of the endpoint's name. When DNS
 * returns another first address, the same host object moves there: new connections go to the new address while
 * the host's pools and open connections stay (Envoy's {@code LogicalHost}). An answer without addresses, like
 * a failure, keeps the host where it is.
 */
final class LogicalDnsHostDiscovery implements HostDiscovery, ResolveTarget.Results {
  private final EventLoop loop;
  private final DnsResolver resolver;
  private final DnsRefreshPolicy policy;
  private final DnsLookupFamily family;
  private final DnsEndpoint endpoint;
  private ResolveTarget target;
  private UpstreamCluster cluster;
  private Runnable initialized;
  private Host host;

  LogicalDnsHostDiscovery(EventLoop loop, DnsResolver resolver, DnsRefreshPolicy policy, DnsLookupFamily family,
      DnsEndpoint endpoint) {
    this.loop = loop;
    this.resolver = resolver;
    this.policy = policy;
    this.family = family;
    this.endpoint = endpoint;
  }

  @Override
  public void start(UpstreamCluster cluster, Runnable initialized) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> start(cluster, initialized));
      return;
    }
    this.cluster = cluster;
    this.initialized = initialized;
    target = new ResolveTarget(loop, resolver, policy, family, endpoint, cluster.stats(), this);
    target.start();
  }

  @Override
  public boolean apply(ResolveTarget t, DnsResolution resolution) {
    if (resolution.addresses().isEmpty()) {
      return false;
    }
    InetSocketAddress first = new InetSocketAddress(resolution.addresses().get(0), endpoint.port());
    if (host == null) {
      host = endpoint.newHost(cluster.name(), first.getAddress());
    } else if (!host.address().equals(first)) {
      host.moveTo(first);
    }
    cluster.updateHosts(List.of(host));
    return true;
  }

  @Override
  public void firstDone(ResolveTarget t) {
    initialized.run();
  }

  /** The logical host, or null before the first successful resolution. */
  Host host() {
    return host;
  }

  @Override
  public void stop() {
    if (!loop.inEventLoop()) {
      loop.execute(this::stop);
      return;
    }
    if (target != null) {
      target.stop();
    }
  }
}
