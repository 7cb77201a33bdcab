package dev.javoy.proxy.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.util.SimpleKeyManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key of one server context (one certificate) as BoringSSL's certificate callback asks for it on every
 * handshake: a fixed alias for the key's own type, no key store and no JDK key manager search. Netty's caching
 * provider ({@link OpenSslCachingX509KeyManagerFactory}) turns the alias into native key material once and hands the
 * same native key and chain to every handshake after that.
 */
final class ServerKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "javoy";
  private static final String[] ALIASES = {ALIAS};

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private final String keyType;

  private ServerKeyManager(X509Certificate[] chain, PrivateKey key) {
    this.chain = chain.clone();
    this.key = key;
    this.keyType = key.getAlgorithm(); // "EC" or "RSA"
  }

  /** A key manager factory for {@code SslContextBuilder.forServer(...)} serving {@code cert}. */
  static KeyManagerFactory factory(TlsCertificateMaterial cert) {
    KeyManager km = new ServerKeyManager(cert.chain(), cert.key());
    KeyManagerFactory simple = new SimpleKeyManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore, char[] password) {}

      @Override
      protected void engineInit(ManagerFactoryParameters params) {}

      @Override
      protected KeyManager[] engineGetKeyManagers() {
        return new KeyManager[] {km};
      }
    };
    try {
      simple.init(null, null);
    } catch (Exception e) {
      throw new IllegalStateException(e); // our engineInit does nothing
    }
    return new OpenSslCachingX509KeyManagerFactory(simple);
  }

  /** Netty asks per key type it could use ("EC", "RSA", "EC_EC", ...); ours is the key's algorithm. */
  private boolean serves(String type) {
    return type != null && (type.equals(keyType) || type.startsWith(keyType + "_"));
  }

  @Override
  public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
    return serves(type) ? ALIAS : null;
  }

  @Override
  public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
    return serves(type) ? ALIAS : null;
  }

  @Override
  public String[] getServerAliases(String type, Principal[] issuers) {
    return serves(type) ? ALIASES.clone() : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String[] getClientAliases(String type, Principal[] issuers) {
    return null; // a server context
  }

  @Override
  public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
    return null;
  }
}
