package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostDiscovery;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * STRICT_DNS: every address of every endpoint's name is a host. Each name is re-resolved on its own schedule;
 * a successful answer (even an empty one) replaces that name's hosts, a failed one keeps them. The cluster is
 * initialized once every name was resolved once.
 */
final class StrictDnsHostDiscovery implements HostDiscovery, ResolveTarget.Results {
  private final EventLoop loop;
  private final List<ResolveTarget> targets = new ArrayList<>();
  private final Map<ResolveTarget, List<Host>> hostsByTarget = new IdentityHashMap<>();
  private final DnsResolver resolver;
  private final DnsRefreshPolicy policy;
  private final DnsLookupFamily family;
  private final List<DnsEndpoint> endpoints;
  private UpstreamCluster cluster;
  private Runnable initialized;
  private int awaitingFirst;

  StrictDnsHostDiscovery(EventLoop loop, DnsResolver resolver, DnsRefreshPolicy policy, DnsLookupFamily family,
      List<DnsEndpoint> endpoints) {
    this.loop = loop;
    this.resolver = resolver;
    this.policy = policy;
    this.family = family;
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public void start(UpstreamCluster cluster, Runnable initialized) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> start(cluster, initialized));
      return;
    }
    this.cluster = cluster;
    this.initialized = initialized;
    if (endpoints.isEmpty()) {
      cluster.updateHosts(List.of());
      initialized.run();
      return;
    }
    for (DnsEndpoint e : endpoints) {
      ResolveTarget t = new ResolveTarget(loop, resolver, policy, family, e, cluster.stats(), this);
      targets.add(t);
      hostsByTarget.put(t, List.of());
    }
    awaitingFirst = targets.size();
    for (ResolveTarget t : List.copyOf(targets)) {
      t.start();
    }
  }

  @Override
  public boolean apply(ResolveTarget target, DnsResolution resolution) {
    List<Host> hosts = new ArrayList<>(resolution.addresses().size());
    for (InetAddress a : resolution.addresses()) {
      hosts.add(target.endpoint().newHost(cluster.name(), a));
    }
    hostsByTarget.put(target, hosts);
    List<Host> all = new ArrayList<>();
    for (ResolveTarget t : targets) {
      all.addAll(hostsByTarget.get(t));
    }
    cluster.updateHosts(all);
    return true;
  }

  @Override
  public void firstDone(ResolveTarget target) {
    if (--awaitingFirst == 0) {
      initialized.run();
    }
  }

  @Override
  public void stop() {
    if (!loop.inEventLoop()) {
      loop.execute(this::stop);
      return;
    }
    targets.forEach(ResolveTarget::stop);
  }
}
