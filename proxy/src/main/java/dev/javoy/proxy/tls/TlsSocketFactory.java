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
  final CommonTlsContextSource source;

  TlsSocketFactory(CommonTlsContextSource source) {
    this.source = source;
  }

  /** Whether a context is in place (every secret arrived). */
  public final boolean ready() {
    return ready.isDone();
  }

  /** Completes (on the main thread) when the first context is in place; at once for static secrets. */
  public final CompletableFuture<Void> whenReady() {
    return ready;
  }

  final void markReady() {
    ready.complete(null);
  }

  /** Stops watching secrets (main thread); open connections are not affected. */
  @Override
  public void close() {
    source.close();
  }
}
