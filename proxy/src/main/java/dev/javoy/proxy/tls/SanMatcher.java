package dev.javoy.proxy.tls;

import dev.javoy.proxy.accesslog.filter.StringMatch;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One entry of {@code match_typed_subject_alt_names} (a SAN type and a string matcher) or of the legacy
 * {@code match_subject_alt_names} (a string matcher tried on the DNS, URI, email and IP SANs). A DNS SAN that is
 * a wildcard ({@code *.example.com}) matches an exact matcher on any one label in its place, as Envoy's
 * {@code dnsNameMatch}.
 */
final class SanMatcher {
  private static final int[] ANY = {CertificateNames.DNS, CertificateNames.URI, CertificateNames.EMAIL,
      CertificateNames.IP};

  private final int[] types;
  private final StringMatch matcher;
  private final String exact;

  private SanMatcher(int[] types, StringMatch matcher, String exact) {
    this.types = types;
    this.matcher = matcher;
    this.exact = exact;
  }

  static SanMatcher typed(SubjectAltNameMatcher m, String path) throws ConfigException {
    int type = switch (m.getSanType()) {
      case DNS -> CertificateNames.DNS;
      case URI -> CertificateNames.URI;
      case EMAIL -> CertificateNames.EMAIL;
      case IP_ADDRESS -> CertificateNames.IP;
      default -> throw new ConfigException(path + ".san_type", "SAN type " + m.getSanType() + " is not supported");
    };
    if (!m.hasMatcher()) {
      throw new ConfigException(path + ".matcher", "a SAN matcher needs a matcher");
    }
    return new SanMatcher(new int[] {type}, StringMatch.of(m.getMatcher(), path + ".matcher"), exactOf(m.getMatcher()));
  }

  static SanMatcher legacy(StringMatcher m, String path) throws ConfigException {
    return new SanMatcher(ANY, StringMatch.of(m, path), exactOf(m));
  }

  private static String exactOf(StringMatcher m) {
    return m.getMatchPatternCase() == StringMatcher.MatchPatternCase.EXACT ? m.getExact() : null;
  }

  boolean matches(X509Certificate cert) {
    for (int type : types) {
      List<String> sans = CertificateNames.sans(cert, type);
      for (int i = 0, n = sans.size(); i < n; i++) {
        String san = sans.get(i);
        if (matcher.matches(san)) {
          return true;
        }
        if (type == CertificateNames.DNS && exact != null && wildcardMatches(san, exact)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code *.example.com} matches {@code a.example.com} but not {@code a.b.example.com} or {@code example.com}. */
  static boolean wildcardMatches(String pattern, String name) {
    if (!pattern.startsWith("*.")) {
      return false;
    }
    int dot = name.indexOf('.');
    return dot > 0 && name.regionMatches(true, dot, pattern, 1, pattern.length() - 1)
        && name.length() - dot == pattern.length() - 1;
  }
}
