package dev.javoy.perf;

import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.HostSet;
import dev.javoy.proxy.upstream.lb.LbPolicy;
import dev.javoy.proxy.upstream.lb.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One host pick per request with the real per-worker load balancers from {@link LbPolicy#from}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalancerBenchmark {
  @Param({"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"})
  public String policy;

  @Param({"3", "50", "1000"})
  public int hosts;

  LoadBalancer lb;
  HostSet hostSet;

  @Setup
  public void setup() throws Exception {
    Cluster c = Cluster.newBuilder().setName("bench").setLbPolicy(Cluster.LbPolicy.valueOf(policy)).build();
    lb = LbPolicy.from(c, "clusters[0]").newLoadBalancer(null);
    List<Host> list = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      InetSocketAddress a = InetSocketAddress.createUnresolved("10.0." + (i / 250) + "." + (i % 250 + 1), 8080);
      Host h = new Host("bench", a, "", 1, 0, Metadata.getDefaultInstance());
      // some outstanding requests so LEAST_REQUEST has something to compare
      h.rqActive.add(i % 7);
      list.add(h);
    }
    hostSet = new HostSet(list);
    if (lb.choose(hostSet) == null) {
      throw new IllegalStateException("no host chosen");
    }
  }

  @Benchmark
  public Host choose() {
    return lb.choose(hostSet);
  }
}
