package dev.javoy.proxy.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * javoy's version in the shape of Envoy's ({@code <revision>/<version>/<Clean|Modified>/<RELEASE|DEBUG>/<TLS>}),
 * so tools that parse {@code envoy --version} or {@code /server_info} read it. The version comes from the
 * jar's Maven metadata, the revision from {@code META-INF/javoy/build.properties} when the build wrote one.
 */
public final class ServerVersion {
  static final String UNKNOWN_REVISION = "0".repeat(40);

  private ServerVersion() {}

  /** E.g. {@code 0000000000000000000000000000000000000000/0.1.0-SNAPSHOT/Clean/RELEASE/BoringSSL}. */
  public static String string() {
    String revision = property("/META-INF/javoy/build.properties", "revision", UNKNOWN_REVISION);
    String version = property("/META-INF/maven/dev.javoy/javoy/pom.properties", "version", "0.1.0-SNAPSHOT");
    return revision + "/" + version + "/Clean/RELEASE/BoringSSL";
  }

  /** What {@code --version} prints, laid out as Envoy's (TCLAP's) version output. */
  public static String versionOutput() {
    return System.lineSeparator() + "javoy  version: " + string() + System.lineSeparator() + System.lineSeparator();
  }

  private static String property(String resource, String key, String fallback) {
    try (InputStream in = ServerVersion.class.getResourceAsStream(resource)) {
      if (in == null) {
        return fallback;
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty(key);
      return v == null || v.isBlank() ? fallback : v.trim();
    } catch (IOException e) {
      return fallback;
    }
  }
}
