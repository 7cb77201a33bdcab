package dev.javoy.proxy.tls;

import dev.javoy.proxy.listener.FilterChain;
import dev.javoy.proxy.listener.FilterChainMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The TLS transport sockets of one listener's filter chains, for the listener's life cycle (main thread): whether
 * all of them have their secrets (a listener warms until then, as Envoy's init manager waits for SDS), and
 * stopping their secret watches when the listener config is replaced or removed.
 */
public final class ListenerTls {
  private ListenerTls() {}

  public static List<DownstreamTlsSocketFactory> of(FilterChainMatcher m) {
    List<DownstreamTlsSocketFactory> out = new ArrayList<>();
    for (FilterChain c : m.chains()) {
      if (c.tls() != null) {
        out.add(c.tls());
      }
    }
    if (m.defaultChain() != null && m.defaultChain().tls() != null) {
      out.add(m.defaultChain().tls());
    }
    return out;
  }

  /** Whether every TLS filter chain has a context. */
  public static boolean ready(FilterChainMatcher m) {
    for (DownstreamTlsSocketFactory f : of(m)) {
      if (!f.ready()) {
        return false;
      }
    }
    return true;
  }

  /** Completes when every TLS filter chain has a context; at once without TLS or with static secrets. */
  public static CompletableFuture<Void> whenReady(FilterChainMatcher m) {
    return CompletableFuture.allOf(of(m).stream().map(TlsSocketFactory::whenReady).toArray(CompletableFuture[]::new));
  }

  /** Stops the secret watches of every TLS filter chain; open connections keep their contexts. */
  public static void close(FilterChainMatcher m) {
    for (DownstreamTlsSocketFactory f : of(m)) {
      f.close();
    }
  }
}
