package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One {@code lb_endpoint} of a DNS cluster: the name to resolve ({@code socket_address.address}), the port, and
 * what every host resolved from it carries.
 *
 * @param dnsName the name to resolve
 * @param hostname the hosts' hostname: the endpoint's {@code hostname}, else the DNS name (as Envoy)
 */
record DnsEndpoint(String dnsName, int port, String hostname, int weight, int priority, Metadata metadata,
    boolean healthy) {

  Host newHost(String clusterName, InetAddress address) {
    Host h = new Host(clusterName, new InetSocketAddress(address, port), hostname, weight, priority, metadata);
    if (!healthy) {
      h.setHealthy(false);
    }
    return h;
  }
}
