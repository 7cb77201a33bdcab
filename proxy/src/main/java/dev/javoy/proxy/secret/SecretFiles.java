package dev.javoy.proxy.secret;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a secret's data sources name ({@code filename}), and a fingerprint of their current state
 * (modification time, size and file identity, following symlinks, so a Kubernetes {@code ..data} swap counts),
 * for re-reading them when they change as Envoy's {@code SdsApi} does.
 */
final class SecretFiles {
  private SecretFiles() {}

  /** The files {@code s} reads; empty when all its data is inline. */
  static List<Path> of(Secret s) {
    List<Path> out = new ArrayList<>();
    switch (s.getTypeCase()) {
      case TLS_CERTIFICATE -> {
        var c = s.getTlsCertificate();
        add(out, c.getCertificateChain());
        add(out, c.getPrivateKey());
        add(out, c.getPkcs12());
        add(out, c.getPassword());
        add(out, c.getOcspStaple());
      }
      case VALIDATION_CONTEXT -> {
        add(out, s.getValidationContext().getTrustedCa());
        add(out, s.getValidationContext().getCrl());
      }
      case SESSION_TICKET_KEYS -> s.getSessionTicketKeys().getKeysList().forEach(k -> add(out, k));
      case GENERIC_SECRET -> {
        add(out, s.getGenericSecret().getSecret());
        s.getGenericSecret().getSecretsMap().values().forEach(v -> add(out, v));
      }
      default -> { }
    }
    return out;
  }

  private static void add(List<Path> out, DataSource ds) {
    if (ds.getSpecifierCase() == DataSource.SpecifierCase.FILENAME) {
      out.add(Path.of(ds.getFilename()));
    }
  }

  /** The files' state now; a missing file has its own mark. */
  static String fingerprint(List<Path> files) {
    StringBuilder sb = new StringBuilder();
    for (Path p : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        sb.append(a.lastModifiedTime()).append('/').append(a.size()).append('/').append(a.fileKey()).append(';');
      } catch (IOException e) {
        sb.append("missing;");
      }
    }
    return sb.toString();
  }
}
