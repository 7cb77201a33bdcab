package dev.javoy.proxy.tls;

import java.util.concurrent.CompletableFuture;

/**
 * What downstream and upstream TLS socket factories share (Envoy's {@code Ssl::ContextConfig} readiness): a
 * factory is ready once every secret it names has arrived and a context was built from them. Until then new
 * connections fail their handshake; the listener or cluster using it should warm until {@link #whenReady()}
 * completes. Secret updates after that swap the context used by new handshakes only.
 */
public abstract class TlsSocketFactory implements AutoCloseable {
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> warmed = new CompletableFuture<>();
  final CommonTlsContextSource source;
  private final long certificatesId = CertificatesInUse.register();

  TlsSocketFactory(CommonTlsContextSource source) {
    this.source = source;
  }

  /** Whether a context is in place (every secret arrived). */
  public final boolean ready() {
    return ready.isDone();
  }

  /**
   * Completes (on the main thread) when the first context is in place, at once for static secrets, or when a
   * secret's {@code initial_fetch_timeout} expired first (Envoy's init target gives up: the listener or cluster
   * goes active and its handshakes fail until the secret arrives).
   */
  public final CompletableFuture<Void> whenReady() {
    return warmed;
  }

  final void markReady() {
    ready.complete(null);
    warmed.complete(null);
  }

  /** Builds contexts with {@code rebuild} and ends warming on an initial fetch timeout. */
  final CommonTlsContextSource.Listener warmingListener(CommonTlsContextSource.Listener rebuild) {
    return new CommonTlsContextSource.Listener() {
      @Override
      public void onSnapshot(CommonTlsContextSource.Snapshot s) throws dev.javoy.proxy.config.ConfigException {
        rebuild.onSnapshot(s);
        CertificatesInUse.update(certificatesId, s);
      }

      @Override
      public void onInitialFetchTimeout(String secretName) {
        markInitialFetchTimedOut();
      }
    };
  }

  /** A secret's initial fetch timed out: stop holding the listener or cluster back. */
  final void markInitialFetchTimedOut() {
    warmed.complete(null);
  }

  /** Stops watching secrets (main thread); open connections are not affected. */
  @Override
  public void close() {
    source.close();
    CertificatesInUse.remove(certificatesId);
  }
}
