package dev.javoy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * bin/javoy's one-time unpacking of Netty's native libraries (epoll, io_uring, BoringSSL through netty-tcnative) from
 * the jar into a folder, which the launcher then puts on {@code java.library.path}: Netty's loader tries that path
 * before it unpacks its copy from the jar into a temporary file, which it otherwise does at every start (3 MiB for
 * BoringSSL). Run as {@code java -cp javoy.jar dev.javoy.NativeLibraries <folder>}; the folder appears complete or not
 * at all (written under a temporary name, then renamed), so concurrent starts never see half of it. Only the
 * libraries of this machine's architecture are copied.
 */
public final class NativeLibraries {
  static final String PREFIX = "META-INF/native/";

  private NativeLibraries() {}

  public static void main(String[] args) throws IOException, URISyntaxException {
    if (args.length != 1) {
      System.err.println("usage: java -cp javoy.jar dev.javoy.NativeLibraries <folder>");
      System.exit(2);
    }
    Path jar = Path.of(NativeLibraries.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    int copied = unpack(jar, Path.of(args[0]).toAbsolutePath());
    System.exit(copied > 0 ? 0 : 1);
  }

  /** Unpacks this architecture's {@code META-INF/native/libnetty_*.so} of {@code jar} into {@code dest}. */
  static int unpack(Path jar, Path dest) throws IOException {
    if (Files.isDirectory(dest)) {
      return 0;
    }
    Path parent = dest.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, dest.getFileName() + ".tmp");
    int copied = 0;
    try {
      String arch = nettyArch(System.getProperty("os.arch", ""));
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          String name = entry.getName();
          if (!isLinuxNettyLibrary(name) || (arch != null && !name.contains(arch))) {
            continue;
          }
          try (InputStream in = zip.getInputStream(entry)) {
            Files.copy(in, tmp.resolve(name.substring(PREFIX.length())));
          }
          copied++;
        }
      }
      if (copied == 0) {
        return 0;
      }
      try {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
        return Files.isDirectory(dest) ? copied : 0; // another start got there first
      }
      return copied;
    } finally {
      deleteTree(tmp);
    }
  }

  static boolean isLinuxNettyLibrary(String name) {
    return name.startsWith(PREFIX + "libnetty_") && name.endsWith(".so") && name.indexOf('/', PREFIX.length()) < 0;
  }

  /** Netty's spelling of {@code os.arch} in its library names; null when unknown (then every library is copied). */
  static String nettyArch(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64" -> "aarch_64";
      default -> null;
    };
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
