package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tls.CertificateNames;
import dev.javoy.proxy.tls.TlsConnectionInfo;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The TLS commands ({@code %DOWNSTREAM_PEER_URI_SAN%}, {@code %DOWNSTREAM_TLS_VERSION%},
 * {@code %UPSTREAM_PEER_URI_SAN%}, ...): facts of the downstream connection's completed handshake, or of the
 * upstream connection's; {@code -} on plaintext or without a peer certificate. SAN lists print comma-separated, as
 * Envoy.
 */
final class TlsCommands {
  private TlsCommands() {}

  static void register(Map<String, CommandSpec> m) {
    list(m, "DOWNSTREAM_PEER_URI_SAN", TlsConnectionInfo::peerUriSans);
    list(m, "DOWNSTREAM_PEER_DNS_SAN", TlsConnectionInfo::peerDnsSans);
    list(m, "DOWNSTREAM_PEER_IP_SAN", TlsConnectionInfo::peerIpSans);
    list(m, "DOWNSTREAM_PEER_EMAIL_SAN", TlsConnectionInfo::peerEmailSans);
    list(m, "DOWNSTREAM_LOCAL_URI_SAN", TlsConnectionInfo::localUriSans);
    list(m, "DOWNSTREAM_LOCAL_DNS_SAN", TlsConnectionInfo::localDnsSans);
    string(m, "DOWNSTREAM_PEER_SUBJECT", TlsConnectionInfo::peerSubject);
    string(m, "DOWNSTREAM_PEER_ISSUER", TlsConnectionInfo::peerIssuer);
    string(m, "DOWNSTREAM_LOCAL_SUBJECT", TlsConnectionInfo::localSubject);
    string(m, "DOWNSTREAM_PEER_SERIAL", TlsConnectionInfo::peerSerial);
    string(m, "DOWNSTREAM_PEER_FINGERPRINT_256", TlsConnectionInfo::peerSha256Fingerprint);
    string(m, "DOWNSTREAM_PEER_FINGERPRINT_1", TlsConnectionInfo::peerSha1Fingerprint);
    string(m, "DOWNSTREAM_TLS_VERSION", TlsConnectionInfo::tlsVersion);
    string(m, "DOWNSTREAM_TLS_CIPHER", TlsConnectionInfo::cipher);
    string(m, "DOWNSTREAM_TLS_SESSION_ID", TlsConnectionInfo::sessionId);
    string(m, "DOWNSTREAM_PEER_CERT", t -> leaf(t) == null ? null : CertificateNames.urlEncodedPem(List.of(leaf(t))));
    string(m, "DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_256", t -> chain(t, CertificateNames::sha256Hex));
    string(m, "DOWNSTREAM_PEER_CHAIN_FINGERPRINTS_1", t -> chain(t, CertificateNames::sha1Hex));
    string(m, "DOWNSTREAM_PEER_CHAIN_SERIALS", t -> chain(t, CertificateNames::serial));
    m.put("DOWNSTREAM_PEER_CERT_V_START", validity(false, true));
    m.put("DOWNSTREAM_PEER_CERT_V_END", validity(false, false));
    upstream(m, "UPSTREAM_PEER_CERT", t -> leaf(t) == null ? null : CertificateNames.urlEncodedPem(List.of(leaf(t))));
    m.put("UPSTREAM_PEER_CERT_V_START", validity(true, true));
    m.put("UPSTREAM_PEER_CERT_V_END", validity(true, false));
    upstreamList(m, "UPSTREAM_PEER_URI_SAN", TlsConnectionInfo::peerUriSans);
    upstreamList(m, "UPSTREAM_PEER_DNS_SAN", TlsConnectionInfo::peerDnsSans);
    upstreamList(m, "UPSTREAM_PEER_IP_SAN", TlsConnectionInfo::peerIpSans);
    upstreamList(m, "UPSTREAM_LOCAL_URI_SAN", TlsConnectionInfo::localUriSans);
    upstreamList(m, "UPSTREAM_LOCAL_DNS_SAN", TlsConnectionInfo::localDnsSans);
    upstream(m, "UPSTREAM_PEER_SUBJECT", TlsConnectionInfo::peerSubject);
    upstream(m, "UPSTREAM_PEER_ISSUER", TlsConnectionInfo::peerIssuer);
    upstream(m, "UPSTREAM_TLS_VERSION", TlsConnectionInfo::tlsVersion);
    upstream(m, "UPSTREAM_TLS_CIPHER", TlsConnectionInfo::cipher);
    upstream(m, "UPSTREAM_TLS_SESSION_ID", TlsConnectionInfo::sessionId);
  }

  private static void upstream(Map<String, CommandSpec> m, String name, Function<TlsConnectionInfo, String> f) {
    m.put(name, CommandSpec.simple(new StringCommand(i -> i.upstreamTls == null ? null : f.apply(i.upstreamTls))));
  }

  private static void upstreamList(Map<String, CommandSpec> m, String name,
      Function<TlsConnectionInfo, List<String>> f) {
    m.put(name, CommandSpec.simple(new StringCommand(i -> i.upstreamTls == null ? null
        : String.join(",", f.apply(i.upstreamTls)))));
  }

  private static void string(Map<String, CommandSpec> m, String name, Function<TlsConnectionInfo, String> f) {
    m.put(name, CommandSpec.simple(new StringCommand(i -> tls(i) == null ? null : f.apply(i.downstreamTls))));
  }

  private static void list(Map<String, CommandSpec> m, String name, Function<TlsConnectionInfo, List<String>> f) {
    m.put(name, CommandSpec.simple(new StringCommand(i -> tls(i) == null ? null : String.join(",",
        f.apply(i.downstreamTls)))));
  }

  private static X509Certificate leaf(TlsConnectionInfo t) {
    X509Certificate[] c = t.peerCertificateChain();
    return c.length == 0 ? null : c[0];
  }

  private static String chain(TlsConnectionInfo t, Function<X509Certificate, String> f) {
    X509Certificate[] c = t.peerCertificateChain();
    if (c.length == 0) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (X509Certificate x : c) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(f.apply(x));
    }
    return b.toString();
  }

  /** {@code %..._PEER_CERT_V_START/END(<strftime>)%}: the peer certificate's validity, formatted as START_TIME. */
  private static CommandSpec validity(boolean upstream, boolean start) {
    return new CommandSpec(CommandSyntax.PARAMS_OPTIONAL, (param, path) -> {
      StrftimeFormat format;
      try {
        format = StrftimeFormat.compile(param.isEmpty() ? TimeCommands.DEFAULT_UTC : param, false);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(path, "invalid time format '" + param + "': " + e.getMessage());
      }
      return (out, info, body) -> {
        TlsConnectionInfo t = upstream ? info.upstreamTls : tls(info);
        X509Certificate c = t == null ? null : leaf(t);
        if (c == null) {
          return false;
        }
        long millis = (start ? c.getNotBefore() : c.getNotAfter()).getTime();
        format.format(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000, out);
        return true;
      };
    });
  }

  private static TlsConnectionInfo tls(StreamInfo i) {
    TlsConnectionInfo t = i.downstreamTls;
    return t == null || !t.handshakeComplete() ? null : t;
  }
}
