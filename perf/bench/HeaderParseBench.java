import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.Http1HeaderLines;
import java.nio.charset.StandardCharsets;

// The header lines of one proxied HTTP/1.1 request alone: h2load's request header lines and nginx's response header
// lines parsed by Http1HeaderLines.parse into a fresh FlatHttpHeaders each (name scan, well-known lookup, value spans),
// as the two decoders do after the start line. Timed on a loaded machine by the fastest of 300 short runs (load only
// adds); run it against two jars, interleaved, on one CPU:
//   taskset -c 1 java -cp <javoy jar> perf/bench/HeaderParseBench.java
public class HeaderParseBench {
  static final byte[] REQ = ("Host: 127.0.0.1:19110\r\nUser-Agent: h2load nghttp2/1.52.0\r\nAccept: */*\r\n"
      + "Accept-Encoding: gzip, deflate\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static final byte[] RESP = ("Server: nginx/1.22.1\r\nDate: Sun, 22 Nov 2026 09:50:00 GMT\r\nContent-Type: text/plain\r\n"
      + "Content-Length: 1024\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static long sink;

  static int once(byte[] head) {
    FlatHttpHeaders h = new FlatHttpHeaders(true, true, 8);
    h.decodingFrom(head, 8);
    String error = Http1HeaderLines.parse(head, 0, head.length, h, true);
    if (error != null) {
      throw new IllegalStateException(error);
    }
    return h.size();
  }

  public static void main(String[] args) {
    int per = 50_000;
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 300; run++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < per; i++) {
        sink += once(REQ) + once(RESP);
      }
      long t = System.nanoTime() - t0;
      if (run >= 50) {
        best = Math.min(best, t);
      }
    }
    System.out.printf("header lines (4 request + 5 response headers): %.1f ns per request, fastest of 250 runs (%d)%n",
        best / (double) per, sink);
  }
}
