import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.Http1HeaderLines;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

// The header lines of one proxied HTTP/1.1 request alone: h2load's request header lines and nginx's response header
// lines copied (as the decoders copy a head) and parsed by Http1HeaderLines.parse into a fresh FlatHttpHeaders each
// (name scan, well-known lookup, value spans), as the two decoders do after the start line. Timed on a loaded machine by the fastest of 300 short runs (load only
// adds); run it against two jars, interleaved, on one CPU:
//   taskset -c 1 java -cp <javoy jar> perf/bench/HeaderParseBench.java
public class HeaderParseBench {
  static final byte[] REQ = ("Host: 127.0.0.1:19110\r\nUser-Agent: h2load nghttp2/1.52.0\r\nAccept: */*\r\n"
      + "Accept-Encoding: gzip, deflate\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static final byte[] RESP = ("Server: nginx/1.22.1\r\nDate: Sun, 22 Nov 2026 09:50:00 GMT\r\nContent-Type: text/plain\r\n"
      + "Content-Length: 1024\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static long sink;

  // decodingFrom(head, headLength, count) with the span table after the head (branch h8-user), else (before)
  // decodingFrom(head, count) with a table of its own: the same bench runs against either jar
  static final MethodHandle DECODING_FROM_3;
  static final MethodHandle DECODING_FROM_2;

  static {
    MethodHandle three = null;
    MethodHandle two = null;
    try {
      three = MethodHandles.publicLookup().findVirtual(FlatHttpHeaders.class, "decodingFrom",
          MethodType.methodType(void.class, byte[].class, int.class, int.class));
    } catch (ReflectiveOperationException before) {
      try {
        two = MethodHandles.publicLookup().findVirtual(FlatHttpHeaders.class, "decodingFrom",
            MethodType.methodType(void.class, byte[].class, int.class));
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
    DECODING_FROM_3 = three;
    DECODING_FROM_2 = two;
  }

  /** A copy of {@code head} as a decoder makes it: with room for the span table after it when the jar has that. */
  static byte[] headCopy(byte[] head, int count) {
    return java.util.Arrays.copyOf(head, head.length + (DECODING_FROM_3 != null ? Math.min(count, 64) << 2 : 0));
  }

  static void decodingFrom(FlatHttpHeaders h, byte[] head, int headLength, int count) {
    try {
      if (DECODING_FROM_3 != null) {
        DECODING_FROM_3.invokeExact(h, head, headLength, count);
      } else {
        DECODING_FROM_2.invokeExact(h, head, count);
      }
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static int once(byte[] source, int count) {
    byte[] head = headCopy(source, count); // a new head per message, as the decoders copy it
    FlatHttpHeaders h = new FlatHttpHeaders(true, true, 8);
    decodingFrom(h, head, source.length, count);
    String error = Http1HeaderLines.parse(head, 0, source.length, h, true);
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
        sink += once(REQ, 4) + once(RESP, 5);
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
