package dev.javoy.e2e;

import java.nio.file.Path;

/** Where the shared conformance corpus is: {@code ../shared/conformance} from the repository root. */
final class Conformance {
  private Conformance() {}

  static Path root() {
    String root = System.getProperty("javoy.root");
    Path repo = root != null ? Path.of(root) : Path.of(System.getProperty("user.dir")).getParent();
    return repo.toAbsolutePath().normalize().resolveSibling("shared").resolve("conformance");
  }
}
