package dev.javoy.e2e;

import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * javoy's {@link Server} started inside the test JVM from a YAML bootstrap, for tests that must reach into it
 * (watching secrets before the TLS transport sockets that will watch them exist); the admin API is real.
 */
final class InProcessJavoy implements AutoCloseable {
  final Server server;
  final int adminPort;

  private InProcessJavoy(Server server, int adminPort) {
    this.server = server;
    this.adminPort = adminPort;
  }

  /** @param yaml a bootstrap with an admin on {@code adminPort} */
  static InProcessJavoy start(String yaml, int adminPort) throws Exception {
    var bootstrap = new BootstrapLoader(CoreTypes.defaultRegistry().typeRegistry())
        .parse(yaml, ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT, "test bootstrap");
    Server s = Server.create(ServerOptions.defaults().withConcurrency(1), bootstrap);
    s.start();
    return new InProcessJavoy(s, adminPort);
  }

  /** Runs {@code task} on javoy's main thread and waits for its result. */
  <T> T onMain(Supplier<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    server.onMainThread(() -> {
      try {
        f.complete(task.get());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f.get(10, TimeUnit.SECONDS);
  }

  String admin(String pathAndQuery) throws Exception {
    return Curl.run("http://127.0.0.1:" + adminPort + pathAndQuery).body();
  }

  @Override
  public void close() throws Exception {
    server.shutdown(false);
    server.awaitTermination(10, TimeUnit.SECONDS);
  }
}
