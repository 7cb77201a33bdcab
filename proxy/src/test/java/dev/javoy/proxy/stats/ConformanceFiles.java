package dev.javoy.proxy.stats;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared conformance corpus, {@code ../shared/conformance} from the project root (Maven passes
 * the root as {@code javoy.root}; tests run from the module directory).
 */
final class ConformanceFiles {
  private ConformanceFiles() {}

  /** The corpus file at {@code relative}, or null when the corpus is absent. */
  static Path find(String relative) {
    String root = System.getProperty("javoy.root");
    Path[] candidates = {
      root == null ? null : Path.of(root).resolve("../shared/conformance").resolve(relative),
      Path.of("../shared/conformance").resolve(relative),
      Path.of("../../shared/conformance").resolve(relative)
    };
    for (Path p : candidates) {
      if (p != null && Files.exists(p)) {
        return p.normalize();
      }
    }
    return null;
  }
}
