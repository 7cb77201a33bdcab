package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.HostDiscovery;
import dev.javoy.proxy.upstream.LoadAssignments;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the host discovery of STRICT_DNS and LOGICAL_DNS clusters. Discovery runs on the main event loop:
 * resolutions, their timers and the membership updates they publish.
 */
public final class DnsHostDiscoveryFactory implements ClusterFactory.DnsDiscoveryFactory {
  private final EventLoop mainLoop;
  private final DnsResolver resolver;

  /** Resolves with the system's configuration ({@code /etc/resolv.conf}, {@code /etc/hosts}). */
  public DnsHostDiscoveryFactory(EventLoop mainLoop, StatsStore stats) {
    this(mainLoop, new NettyDnsResolver(mainLoop, stats));
  }

  public DnsHostDiscoveryFactory(EventLoop mainLoop, DnsResolver resolver) {
    this.mainLoop = mainLoop;
    this.resolver = resolver;
  }

  @Override
  public HostDiscovery create(Cluster c, String path) throws ConfigException {
    DnsRefreshPolicy policy = DnsRefreshPolicy.from(c, path);
    DnsLookupFamily family = c.getDnsLookupFamily();
    if (family == DnsLookupFamily.UNRECOGNIZED) {
      throw new ConfigException(path + ".dns_lookup_family", "unknown DNS lookup family");
    }
    List<DnsEndpoint> endpoints = endpoints(c, path);
    if (c.getType() == Cluster.DiscoveryType.LOGICAL_DNS) {
      if (endpoints.size() != 1 || c.getLoadAssignment().getEndpointsCount() != 1) {
        throw new ConfigException(path + ".load_assignment",
            "LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint");
      }
      return new LogicalDnsHostDiscovery(mainLoop, resolver, policy, family, endpoints.get(0));
    }
    return new StrictDnsHostDiscovery(mainLoop, resolver, policy, family, endpoints);
  }

  /** Stops the resolver (process shutdown). */
  public void close() {
    resolver.close();
  }

  private static List<DnsEndpoint> endpoints(Cluster c, String path) throws ConfigException {
    List<DnsEndpoint> out = new ArrayList<>();
    LoadAssignments.forEach(c.getLoadAssignment(), path + ".load_assignment", (group, e, ep) -> {
      SocketAddress sa = socketAddress(e.getEndpoint().getAddress(), ep + ".endpoint.address");
      String hostname = e.getEndpoint().getHostname().isEmpty() ? sa.getAddress() : e.getEndpoint().getHostname();
      int weight = e.hasLoadBalancingWeight() ? e.getLoadBalancingWeight().getValue() : 1;
      out.add(new DnsEndpoint(sa.getAddress(), sa.getPortValue(), hostname, weight, group.getPriority(),
          e.getMetadata(), LoadAssignments.healthy(e)));
    });
    return out;
  }


  private static SocketAddress socketAddress(Address a, String path) throws ConfigException {
    if (!a.hasSocketAddress()) {
      throw new ConfigException(path + ".socket_address", "DNS clusters resolve socket addresses only");
    }
    SocketAddress sa = a.getSocketAddress();
    String sp = path + ".socket_address";
    if (sa.getPortSpecifierCase() == SocketAddress.PortSpecifierCase.NAMED_PORT) {
      throw new ConfigException(sp + ".named_port", "named ports are not supported");
    }
    if (!sa.getResolverName().isEmpty()) {
      throw new ConfigException(sp + ".resolver_name", "custom resolvers are not supported");
    }
    if (sa.getProtocol() != SocketAddress.Protocol.TCP) {
      throw new ConfigException(sp + ".protocol", "only TCP is supported");
    }
    if (sa.getAddress().isEmpty()) {
      throw new ConfigException(sp + ".address", "must not be empty");
    }
    return sa;
  }
}
