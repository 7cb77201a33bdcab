package dev.javoy.perf;

import com.google.protobuf.UInt32Value;
import dev.javoy.proxy.listener.ConnectionMetadata;
import dev.javoy.proxy.listener.FilterChain;
import dev.javoy.proxy.listener.FilterChainMatcher;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Filter chain selection per new connection with {@link FilterChainMatcher#select}, on an Istio-like
 * {@code virtualInbound} mix: for each of 20 service ports, all with the pod prefix range 10.44.0.0/16, an
 * mTLS chain (transport {@code tls} + ALPN {@code istio-peer-exchange, istio}), a TLS chain by server names,
 * a plaintext HTTP chain ({@code raw_buffer} + ALPN {@code http/1.1, h2c}) and a plaintext TCP chain
 * ({@code raw_buffer}); plus a default chain. 81 chains; the network filters are left empty. (Envoy's
 * selection does not backtrack: a more specific prefix range on only some chains of a port would hide the
 * others, so, as Istio does, every chain of a port carries the same ranges.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterChainBenchmark {
  static final int PORTS = 20;

  FilterChainMatcher matcher;
  ConnectionMetadata mtlsFirstPort;
  ConnectionMetadata plainHttpLastPort;
  ConnectionMetadata sni;
  ConnectionMetadata noMatch;

  static FilterChain chain(String name, FilterChainMatch m) {
    return new FilterChain(name, m, List.of(),
        io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder().setName(name).setFilterChainMatch(m).build());
  }

  @Setup
  public void setup() throws Exception {
    List<FilterChain> chains = new ArrayList<>();
    CidrRange pod = CidrRange.newBuilder().setAddressPrefix("10.44.0.0").setPrefixLen(UInt32Value.of(16)).build();
    for (int i = 0; i < PORTS; i++) {
      int port = 8000 + i * 10;
      UInt32Value p = UInt32Value.of(port);
      chains.add(chain("mtls-" + port, FilterChainMatch.newBuilder().setDestinationPort(p).addPrefixRanges(pod)
          .setTransportProtocol("tls").addApplicationProtocols("istio-peer-exchange")
          .addApplicationProtocols("istio").build()));
      chains.add(chain("sni-" + port, FilterChainMatch.newBuilder().setDestinationPort(p).addPrefixRanges(pod)
          .setTransportProtocol("tls")
          .addServerNames("svc-" + i + ".ns.svc.cluster.local").addServerNames("*.ns-" + i + ".example.com").build()));
      chains.add(chain("http-" + port, FilterChainMatch.newBuilder().setDestinationPort(p).addPrefixRanges(pod)
          .setTransportProtocol("raw_buffer").addApplicationProtocols("http/1.1").addApplicationProtocols("h2c")
          .build()));
      chains.add(chain("tcp-" + port, FilterChainMatch.newBuilder().setDestinationPort(p).addPrefixRanges(pod)
          .setTransportProtocol("raw_buffer").build()));
    }
    FilterChain fallback = chain("passthrough", FilterChainMatch.getDefaultInstance());
    matcher = new FilterChainMatcher(chains, fallback, "listeners[0]");
    InetAddress podIp = InetAddress.getByName("10.44.3.7");
    InetAddress src = InetAddress.getByName("10.44.9.12");
    mtlsFirstPort = new ConnectionMetadata(podIp, 8000, src, 40000, src, "outbound_.8000_._.svc-0",
        "tls", List.of("istio-peer-exchange", "istio", "h2"));
    int last = 8000 + (PORTS - 1) * 10;
    plainHttpLastPort = new ConnectionMetadata(podIp, last, src, 40001, src, "", "raw_buffer",
        List.of("http/1.1"));
    sni = new ConnectionMetadata(podIp, 8100, src, 40002, src,
        "api.ns-10.example.com", "tls", List.of("h2"));
    noMatch = new ConnectionMetadata(podIp, 9999, src, 40003, src, "", "raw_buffer", List.of());
    expect(mtlsFirstPort, "mtls-8000");
    expect(plainHttpLastPort, "http-" + last);
    expect(sni, "sni-8100");
    expect(noMatch, "passthrough");
  }

  private void expect(ConnectionMetadata c, String name) {
    FilterChain fc = matcher.select(c);
    if (fc == null || !fc.name().equals(name)) {
      throw new IllegalStateException("selected " + (fc == null ? null : fc.name()) + ", want " + name);
    }
  }

  @Benchmark
  public FilterChain mtlsFirstPort() {
    return matcher.select(mtlsFirstPort);
  }

  @Benchmark
  public FilterChain plaintextHttpLastPort() {
    return matcher.select(plainHttpLastPort);
  }

  @Benchmark
  public FilterChain tlsServerName() {
    return matcher.select(sni);
  }

  @Benchmark
  public FilterChain noMatchDefaultChain() {
    return matcher.select(noMatch);
  }
}
