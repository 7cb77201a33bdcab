package dev.javoy.proxy.upstream;

import java.util.List;

/** STATIC clusters: the hosts of {@code load_assignment}, known at config time. */
final class StaticHostDiscovery implements HostDiscovery {
  private final List<Host> hosts;

  StaticHostDiscovery(List<Host> hosts) {
    this.hosts = hosts;
  }

  @Override
  public void start(UpstreamCluster cluster, Runnable initialized) {
    cluster.updateHosts(hosts);
    initialized.run();
  }
}
