package dev.javoy.proxy.tls;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code tls_params} with Envoy's defaults: TLS 1.2 to 1.3 both ways, Envoy's default cipher list
 * (its equal-preference groups {@code [A|B]} flattened in order, which BoringSSL through Netty cannot express),
 * curves X25519 and P-256. TLS 1.3 cipher suites are not configurable, as in BoringSSL.
 */
final class TlsParams {
  static final Set<String> SUPPORTED =
      Set.of("tls_minimum_protocol_version", "tls_maximum_protocol_version", "cipher_suites", "ecdh_curves");
  private static final List<String> DEFAULT_CIPHERS = List.of(
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
      "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
      "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384");
  private static final List<String> TLS13_CIPHERS =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  private static final List<String> DEFAULT_CURVES = List.of("X25519", "P-256");
  private static final String[] VERSIONS = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

  final String[] protocols;
  final List<String> ciphers;
  final String[] curves;

  private TlsParams(String[] protocols, List<String> ciphers, String[] curves) {
    this.protocols = protocols;
    this.ciphers = ciphers;
    this.curves = curves;
  }

  static TlsParams from(TlsParameters p, String path) throws ConfigException {
    FieldSupport.check(p, path, SUPPORTED);
    int min = version(p.getTlsMinimumProtocolVersion(), 2, path + ".tls_minimum_protocol_version");
    int max = version(p.getTlsMaximumProtocolVersion(), 3, path + ".tls_maximum_protocol_version");
    if (min > max) {
      throw new ConfigException(path, "tls_minimum_protocol_version is above tls_maximum_protocol_version");
    }
    String[] protocols = new String[max - min + 1];
    for (int v = min; v <= max; v++) {
      protocols[v - min] = VERSIONS[v];
    }
    List<String> ciphers = new ArrayList<>();
    List<String> configured = p.getCipherSuitesCount() == 0 ? DEFAULT_CIPHERS : p.getCipherSuitesList();
    for (String c : configured) {
      for (String one : c.replace("[", "").replace("]", "").split("\\|")) {
        if (!one.isBlank()) {
          ciphers.add(one.trim());
        }
      }
    }
    if (max == 3) {
      // BoringSSL's fixed TLS 1.3 suites; Netty turns TLS 1.3 off when the list has none of them.
      ciphers.addAll(TLS13_CIPHERS);
    }
    List<String> curves = p.getEcdhCurvesCount() == 0 ? DEFAULT_CURVES : p.getEcdhCurvesList();
    return new TlsParams(protocols, List.copyOf(ciphers), curves.toArray(new String[0]));
  }

  private static int version(TlsProtocol v, int auto, String path) throws ConfigException {
    return switch (v) {
      case TLS_AUTO -> auto;
      case TLSv1_0 -> 0;
      case TLSv1_1 -> 1;
      case TLSv1_2 -> 2;
      case TLSv1_3 -> 3;
      default -> throw new ConfigException(path, "unknown TLS protocol version " + v);
    };
  }

  void applyTo(SslContextBuilder b) {
    b.protocols(protocols);
    b.ciphers(ciphers);
    b.option(OpenSslContextOption.GROUPS, curves);
  }
}
