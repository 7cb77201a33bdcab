package dev.javoy.proxy.server;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in its own JVM by {@link CleanFilePagesTest} (it needs {@code --add-opens java.base/java.nio=ALL-UNNAMED}, as
 * the jar's manifest gives javoy): maps a file read-only and privately, touches both, writes into the private one,
 * releases, and prints what each mapping held before and after and whether the bytes read back are the same.
 */
public final class CleanFilePagesProbe {
  private CleanFilePagesProbe() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int size = 8 << 20;
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = (byte) (i * 31 + (i >> 12));
    }
    Files.write(file, content);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        FileChannel ch = raf.getChannel()) {
      MappedByteBuffer readOnly = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      MappedByteBuffer copy = ch.map(FileChannel.MapMode.PRIVATE, 0, size);
      long sum = 0;
      for (int i = 0; i < size; i += 4096) {
        sum += readOnly.get(i) + copy.get(i);
      }
      copy.put(4096 * 7, (byte) 42); // one page of the private mapping is now the process's own copy
      long roBefore = rssKb(file, false);
      long privateBefore = rssKb(file, true);
      CleanFilePages.Released released = CleanFilePages.release();
      long roAfter = rssKb(file, false);
      long privateAnonAfter = anonymousKb(file);
      boolean same = true;
      for (int i = 0; i < size; i++) {
        if (readOnly.get(i) != content[i] || i != 4096 * 7 && copy.get(i) != content[i]) {
          same = false;
          break;
        }
      }
      System.out.println("released " + released.mappings() + " resident_kb " + (released.bytesResidentBefore() >> 10)
          + " ro_before " + roBefore + " ro_after " + roAfter + " private_before " + privateBefore
          + " private_anon_after " + privateAnonAfter + " written_byte " + copy.get(4096 * 7) + " same " + same
          + " sum " + sum);
    }
  }

  /** Rss of this process's mapping of {@code file}: the read-only one, or the private (writable) one. */
  private static long rssKb(Path file, boolean writable) throws IOException {
    return field(file, writable, "Rss:");
  }

  private static long anonymousKb(Path file) throws IOException {
    return field(file, true, "Anonymous:");
  }

  private static long field(Path file, boolean writable, String name) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    String path = file.toRealPath().toString();
    boolean in = false;
    for (String line : lines) {
      CleanFilePages.Mapping header = CleanFilePages.Mapping.parseHeader(line);
      if (header != null) {
        in = header.path.equals(path) && header.writable == writable;
      } else if (in && line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
      }
    }
    return -1;
  }
}
