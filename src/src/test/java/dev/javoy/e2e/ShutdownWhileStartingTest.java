package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.Counter;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A shutdown (SIGTERM) that arrives while {@link Server#start()} is still binding listeners: the listeners bound
 * so far already serve, the rest are still being registered on the workers. Shutdown used to stop the worker
 * loops under the binding thread, whose bind future then never completed ("Force-closing a channel whose
 * registration task was not accepted"), so start() and with it the process hung. Now start() returns and the
 * server terminates, every time.
 */
class ShutdownWhileStartingTest {
  private static final int LISTENERS = 40;

  @Test
  void shutdownDuringListenerBindsAlwaysTerminates() throws Exception {
    Bootstrap bootstrap = new BootstrapLoader(CoreTypes.defaultRegistry().typeRegistry())
        .parse(config(), ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT, "test bootstrap");
    int stoppedMidBind = 0;
    for (int round = 0; round < 25; round++) {
      ServerOptions options = ServerOptions.defaults().withConcurrency(1); // no connections: no drain wait
      Server server = Server.create(options, bootstrap);
      AtomicReference<Throwable> startError = new AtomicReference<>();
      Thread starter = new Thread(() -> {
        try {
          server.start();
        } catch (Throwable t) {
          startError.set(t);
        }
      }, "test-start-" + round);
      starter.setDaemon(true);
      starter.start();
      // SIGTERM once the first few listeners serve: the others are still binding (spread over the rounds)
      Counter bound = server.stats().counter("listener_manager.listener_create_success");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (bound.value() < 1 + round % 5 && starter.isAlive() && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      server.shutdown(true);
      starter.join(20_000);
      assertFalse(starter.isAlive(), "round " + round + ": start() returned after the shutdown");
      assertTrue(server.awaitTermination(20, TimeUnit.SECONDS), "round " + round + ": the server terminated");
      if (bound.value() < LISTENERS) {
        stoppedMidBind++; // the remaining listeners were refused, not bound on a stopping loop
      }
    }
    assertTrue(stoppedMidBind >= 10, "the shutdown landed while binding in " + stoppedMidBind + " of 25 rounds");
  }

  private static String config() {
    StringBuilder y = new StringBuilder("static_resources:\n  listeners:\n");
    for (int i = 0; i < LISTENERS; i++) {
      y.append("""
            - name: l%d
              address: { socket_address: { address: 127.0.2.%d, port_value: 0 } }
              filter_chains:
              - filters:
                - name: envoy.filters.network.http_connection_manager
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    stat_prefix: l%d
                    route_config:
                      virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                        - match: { prefix: "/" }
                          direct_response: { status: 200, body: { inline_string: ok } }
                    http_filters:
                    - name: envoy.filters.http.router
                      typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router }
          """.formatted(i, i + 1, i));
    }
    return y.toString();
  }
}
