package dev.javoy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/javoy's unpacking of Netty's native libraries into the folder it puts on java.library.path. */
class NativeLibrariesTest {
  @Test
  void unpacksThisArchitecturesNettyLibrariesOnlyAndNothingElse(@TempDir Path dir) throws IOException {
    String arch = NativeLibraries.nettyArch(System.getProperty("os.arch"));
    String other = "x86_64".equals(arch) ? "aarch_64" : "x86_64";
    Path jar = jar(dir.resolve("j.jar"), List.of(
        "META-INF/native/libnetty_transport_native_epoll_" + arch + ".so",
        "META-INF/native/libnetty_tcnative_linux_" + arch + ".so",
        "META-INF/native/libnetty_tcnative_linux_" + other + ".so",
        "META-INF/native/netty_tcnative_windows_x86_64.dll",
        "META-INF/native/libnetty_tcnative_osx_" + arch + ".jnilib",
        "linux/amd64/libzstd-jni-1.5.7-7.so",
        "dev/javoy/Main.class"));
    Path dest = dir.resolve("cache/javoy-native-1-2");
    assertEquals(2, NativeLibraries.unpack(jar, dest));
    assertEquals(List.of("libnetty_tcnative_linux_" + arch + ".so", "libnetty_transport_native_epoll_" + arch + ".so"),
        names(dest));
    assertArrayEquals(("META-INF/native/libnetty_tcnative_linux_" + arch + ".so").getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(dest.resolve("libnetty_tcnative_linux_" + arch + ".so")));
    assertEquals(List.of("javoy-native-1-2"), names(dest.getParent()), "no temporary folder left behind");
    // a second start finds it complete and leaves it alone
    assertEquals(0, NativeLibraries.unpack(jar, dest));
  }

  @Test
  void aJarWithoutNativeLibrariesLeavesNoFolder(@TempDir Path dir) throws IOException {
    Path jar = jar(dir.resolve("j.jar"), List.of("dev/javoy/Main.class"));
    Path dest = dir.resolve("cache/javoy-native-1-2");
    assertEquals(0, NativeLibraries.unpack(jar, dest));
    assertFalse(Files.exists(dest));
    assertEquals(List.of(), names(dest.getParent()));
  }

  @Test
  void nettysArchitectureNames() {
    assertEquals("x86_64", NativeLibraries.nettyArch("amd64"));
    assertEquals("aarch_64", NativeLibraries.nettyArch("aarch64"));
    assertNull(NativeLibraries.nettyArch("s390x"));
    assertTrue(NativeLibraries.isLinuxNettyLibrary("META-INF/native/libnetty_tcnative_linux_x86_64.so"));
    assertFalse(NativeLibraries.isLinuxNettyLibrary("META-INF/native/sub/libnetty_x.so"));
  }

  /** A jar whose entries hold their own names as content. */
  private static Path jar(Path path, List<String> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : entries) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(name.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return path;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
