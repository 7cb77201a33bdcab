package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.tls.TlsConnectionInfo;
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

  private static TlsConnectionInfo tls(StreamInfo i) {
    TlsConnectionInfo t = i.downstreamTls;
    return t == null || !t.handshakeComplete() ? null : t;
  }
}
