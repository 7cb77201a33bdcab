package dev.javoy.filters.compression.brotli;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import dev.javoy.proxy.config.ConfigException;

/** The brotli native library (brotli4j's {@code libbrotli}), which the brotli libraries cannot work without. */
final class BrotliNative {
  private BrotliNative() {}

  /** Fails config with a message naming the library when its native part did not load on this machine. */
  static void require(String what) throws ConfigException {
    Throwable cause;
    try {
      if (Brotli4jLoader.isAvailable()) {
        return;
      }
      cause = Brotli4jLoader.getUnavailabilityCause();
    } catch (LinkageError e) {
      cause = e;
    }
    throw new ConfigException(null, what + " needs the native brotli library of brotli4j"
        + " (com.aayushatharva.brotli4j:native-" + platform() + "), which could not be loaded: " + cause, cause);
  }

  private static String platform() {
    String arch = System.getProperty("os.arch");
    return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-"
        + ("amd64".equals(arch) ? "x86_64" : arch);
  }
}
