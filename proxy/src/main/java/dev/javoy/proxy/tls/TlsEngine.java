package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one TLS engine javoy uses, as Envoy uses BoringSSL: netty-tcnative's statically linked BoringSSL through
 * reference-counted OpenSSL contexts. There is no JDK fallback: a TLS context configured where the native
 * library does not load is a configuration error carrying the cause.
 */
public final class TlsEngine {
  static final SslProvider PROVIDER = SslProvider.OPENSSL_REFCNT;
  /**
   * How long a replaced context lives on: a worker that read the old context just before the swap is still
   * creating its engine from it (an engine retains its context, so established connections never depend on this).
   */
  static final long RELEASE_GRACE_MILLIS = 10_000;

  private static final ScheduledExecutorService RELEASER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tls-context-release");
    t.setDaemon(true);
    return t;
  });

  static {
    // before anything here touches OpenSsl: Netty's SslUtils probe of the JDK's TLS answered without SunJSSE
    NettyJdkTls13Probe.initializeNettySslUtils();
  }

  private TlsEngine() {}

  /** @throws ConfigException naming {@code path} when BoringSSL is not available */
  public static void require(String path) throws ConfigException {
    if (!OpenSsl.isAvailable()) {
      Throwable cause = OpenSsl.unavailabilityCause();
      throw new ConfigException(path, "TLS needs netty-tcnative BoringSSL, which is not available on this platform: "
          + cause, cause);
    }
  }

  /** BoringSSL's version, such as {@code BoringSSL}, for logs. */
  public static String version() {
    return OpenSsl.isAvailable() ? OpenSsl.versionString() : "unavailable";
  }

  /**
   * {@code b} on this engine: BoringSSL through reference-counted contexts, its callbacks (certificate selection,
   * peer verification) run inline in the handshake. Netty's default hands each callback back to the handler as a
   * delegated task (for key managers that block), which costs every handshake an extra trip out of and back into
   * BoringSSL; javoy's key manager and verifier never block.
   */
  static SslContextBuilder configure(SslContextBuilder b) {
    return b.sslProvider(PROVIDER).option(OpenSslContextOption.USE_TASKS, false);
  }

  /** Releases a context that was replaced, after {@link #RELEASE_GRACE_MILLIS}. */
  static void releaseLater(SslContext ctx) {
    if (ctx instanceof ReferenceCountedOpenSslContext rc) {
      RELEASER.schedule(() -> {
        if (rc.refCnt() > 0) {
          rc.release();
        }
      }, RELEASE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Releases a context that never served (a build that failed half way). */
  static void releaseNow(SslContext ctx) {
    if (ctx instanceof ReferenceCountedOpenSslContext rc && rc.refCnt() > 0) {
      rc.release();
    }
  }
}
