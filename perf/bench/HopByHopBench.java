// Times UpstreamRequestHeaders.removeHopByHop on fresh FlatHttpHeaders (an h2load request, an nginx response):
//   taskset -c 1 java -cp src/target-cpu/javoy-0.1.0-SNAPSHOT.jar perf/bench/HopByHopBench.java
// Construction is outside the timed loop (batches of 1,000); prints the best of 7 runs of 2,000,000.
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.router.UpstreamRequestHeaders;
import io.netty.util.AsciiString;

public class HopByHopBench {
  static final CharSequence[] RESP = {"Server", "nginx/1.24.0", "Date", "Sun, 22 Nov 2026 08:20:00 GMT",
      "Content-Type", "text/plain", "Content-Length", "1024", "Connection", "keep-alive"};
  static final CharSequence[] REQ = {"host", "127.0.0.1:10000", "user-agent", "h2load nghttp2/1.59.0",
      "accept", "*/*", "accept-encoding", "gzip, deflate"};
  static long sink;
  static volatile Object escape;

  static FlatHttpHeaders headers(CharSequence[] nv) {
    FlatHttpHeaders h = new FlatHttpHeaders(true, false, 12);
    for (int i = 0; i < nv.length; i += 2) {
      h.addDecoded(new AsciiString(nv[i].toString().toLowerCase()), new AsciiString(nv[i + 1]));
    }
    return h;
  }

  static long run(CharSequence[] nv, boolean call, int n) {
    FlatHttpHeaders[] batch = new FlatHttpHeaders[1000];
    long total = 0;
    for (int done = 0; done < n; done += batch.length) {
      for (int i = 0; i < batch.length; i++) {
        batch[i] = headers(nv);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batch.length; i++) {
        if (call) {
          UpstreamRequestHeaders.removeHopByHop(batch[i]);
        }
        sink += batch[i].size();
      }
      total += System.nanoTime() - t0;
    }
    return total;
  }

  public static void main(String[] a) {
    int n = 2_000_000;
    for (int w = 0; w < 3; w++) { run(RESP, true, n); run(RESP, false, n); run(REQ, true, n); run(REQ, false, n); }
    long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    for (int r = 0; r < 7; r++) {
      best[0] = Math.min(best[0], run(RESP, true, n));
      best[1] = Math.min(best[1], run(RESP, false, n));
      best[2] = Math.min(best[2], run(REQ, true, n));
      best[3] = Math.min(best[3], run(REQ, false, n));
    }
    System.out.printf("removeHopByHop ns/op: nginx response %.1f, h2load request %.1f (best of 7, construction subtracted)%n",
        (best[0] - best[1]) / (double) n, (best[2] - best[3]) / (double) n);
  }
}
