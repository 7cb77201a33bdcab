package dev.javoy.proxy.tls;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Answers Netty's start-up question "does the JDK's TLS do TLS 1.3?" without building the JDK's TLS stack.
 *
 * <p>Netty 4.2's {@code SslUtils} static initializer, run whenever BoringSSL is initialized ({@code OpenSsl} reads
 * its cipher lists), creates and initializes two JDK {@code SSLContext("TLS")}s just to read whether
 * {@code TLSv1.3} is among their supported and default protocols. That loads and initializes SunJSSE (cipher-suite
 * tables, algorithm constraints, a seeded {@code SecureRandom}): 50–60 ms of CPU at every start with a TLS listener
 * or cluster, for an answer javoy never uses beyond Netty's default cipher list (javoy's TLS is BoringSSL only).
 *
 * <p>While {@code SslUtils} is initialized, this puts a stand-in provider first in the JCA provider list whose
 * {@code SSLContext.TLS} reports exactly what SunJSSE would report for the JDK's default TLS configuration
 * (supported: TLSv1.3 down to TLSv1; default: TLSv1.3, TLSv1.2), and removes it right after. It only does so when
 * that answer is certain: SunJSSE is the JDK's first {@code SSLContext} provider (the standard
 * {@code java.security} provider order) and neither {@code jdk.tls.client.protocols} nor a TLSv1.3 entry in
 * {@code jdk.tls.disabledAlgorithms} changes the default; otherwise Netty probes the real JDK as before. Any other
 * thread asking for an {@code SSLContext} meanwhile is refused by the stand-in, so the JCA hands it SunJSSE's.
 */
final class NettyJdkTls13Probe {
  private static final String NETTY_SSL_UTILS = "io.netty.handler.ssl.SslUtils";
  private static final String STAND_IN = "javoy-netty-tls13-probe";
  /** The JDK's standard providers that come before SunJSSE and offer no {@code SSLContext}. */
  private static final List<String> BEFORE_SUN_JSSE = List.of("SUN", "SunRsaSign", "SunEC");
  private static final String[] SUPPORTED = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};
  private static final String[] DEFAULT = {"TLSv1.3", "TLSv1.2"};

  private NettyJdkTls13Probe() {}

  /** Initializes Netty's {@code SslUtils} (if not yet), answering its JDK probe when the answer is certain. */
  static void initializeNettySslUtils() {
    ClassLoader loader = NettyJdkTls13Probe.class.getClassLoader();
    if (!standardJdkTls()) {
      initialize(loader);
      return;
    }
    Provider standIn = new StandInProvider(Thread.currentThread());
    if (Security.insertProviderAt(standIn, 1) == -1) {
      initialize(loader);
      return;
    }
    try {
      initialize(loader);
    } finally {
      Security.removeProvider(STAND_IN);
    }
  }

  /** Whether SunJSSE answers {@code SSLContext.getInstance("TLS")} with the JDK's default protocols. */
  static boolean standardJdkTls() {
    if (Runtime.version().feature() < 11 || System.getProperty("jdk.tls.client.protocols") != null) {
      return false;
    }
    String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
    if (disabled != null && disabled.toLowerCase(Locale.ROOT).contains("tlsv1.3")) {
      return false;
    }
    for (int i = 1; ; i++) {
      String provider = Security.getProperty("security.provider." + i);
      if (provider == null) {
        return false;
      }
      String name = provider.trim().split("\\s+")[0];
      if (name.equals("SunJSSE") || name.equals("com.sun.net.ssl.internal.ssl.Provider")
          || name.equals("sun.security.ssl.SunJSSE")) {
        return true;
      }
      if (!BEFORE_SUN_JSSE.contains(name) && !BEFORE_SUN_JSSE.contains(name.substring(name.lastIndexOf('.') + 1))) {
        return false;
      }
    }
  }

  private static void initialize(ClassLoader loader) {
    try {
      Class.forName(NETTY_SSL_UTILS, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Netty's " + NETTY_SSL_UTILS + " is missing", e);
    }
  }

  /** Offers {@code SSLContext.TLS} to the probing thread only. */
  private static final class StandInProvider extends Provider {
    private static final long serialVersionUID = 1L;

    StandInProvider(Thread prober) {
      super(STAND_IN, "1", "answers Netty's TLS 1.3 probe at start-up");
      putService(new Service(this, "SSLContext", "TLS", ProbeContext.class.getName(), null, Map.of()) {
        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
          if (Thread.currentThread() != prober) {
            throw new NoSuchAlgorithmException("only for Netty's start-up probe"); // the JCA moves on to SunJSSE
          }
          return new ProbeContext();
        }
      });
    }
  }

  /** An {@code SSLContext} that can only report its protocols, as SunJSSE's does by default. */
  static final class ProbeContext extends SSLContextSpi {
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return parameters(SUPPORTED);
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return parameters(DEFAULT);
    }

    private static SSLParameters parameters(String[] protocols) {
      SSLParameters p = new SSLParameters();
      p.setProtocols(protocols.clone());
      return p;
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw new UnsupportedOperationException();
    }
  }
}
