// The well-known-name lookup from raw bytes (token check, case-insensitive hash, probe, compare) of the nine header
// names of one proxied HTTP/1.1 request and its response; fastest of 250 runs (load only adds). Run against two jars,
// interleaved, on one CPU:  taskset -c 1 java -cp <javoy jar> perf/bench/WellKnownBench.java
import dev.javoy.proxy.http.h1.HeaderNames;
import java.nio.charset.StandardCharsets;
public class WellKnownBench {
  static long sink;
  public static void main(String[] args) {
    String[] names = {"Host", "User-Agent", "Accept", "Accept-Encoding", "Server", "Date", "Content-Type", "Content-Length", "Connection"};
    byte[][] b = new byte[names.length][];
    for (int i = 0; i < names.length; i++) b[i] = (names[i] + ": x\r\n").getBytes(StandardCharsets.ISO_8859_1);
    int per = 100_000; long best = Long.MAX_VALUE;
    for (int run = 0; run < 300; run++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < per; i++) for (int k = 0; k < b.length; k++) sink += HeaderNames.wellKnown(b[k], 0, names[k].length()).length();
      long t = System.nanoTime() - t0;
      if (run >= 50) best = Math.min(best, t);
    }
    System.out.printf("wellKnown x9: %.1f ns%n", best / (double) per);
  }
}
