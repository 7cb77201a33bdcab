// The header-map work of one proxied HTTP/1.1 request and its response, as javoy's stream does it (decode-like
// construction with well-known names and values as spans of the head, the codec's and the connection manager's
// lookups, x-forwarded-proto / x-request-id / x-envoy-expected-rq-timeout-ms added, hop-by-hop removal both ways,
// x-envoy-upstream-service-time, server and date set, both heads written out), timed on a loaded machine by the
// fastest of 300 short runs (the minimum is what load cannot add to). Runs against any jar: with dev.javoy.proxy.http.h1.TrustedHeaders
// (branch h5-h1hdr) it adds javoy's own headers through it, else through HttpHeaders.add/set as before.
//   taskset -c 1 java -cp <javoy jar> perf/bench/HeaderPathBench.java
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.HeaderNames;
import dev.javoy.proxy.http.router.UpstreamRequestHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;

public class HeaderPathBench {
  static final byte[] REQ = ("Host: 127.0.0.1:10000\r\nUser-Agent: h2load nghttp2/1.52.0\r\nAccept: */*\r\n"
      + "Accept-Encoding: gzip, deflate\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static final byte[] RESP = ("Server: nginx/1.22.1\r\nDate: Sun, 22 Nov 2026 09:50:00 GMT\r\nContent-Type: text/plain\r\n"
      + "Content-Length: 1024\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static final AsciiString XFP = AsciiString.cached("x-forwarded-proto");
  static final AsciiString XFF = AsciiString.cached("x-forwarded-for");
  static final AsciiString XRID = AsciiString.cached("x-request-id");
  static final AsciiString RETRY_ON = AsciiString.cached("x-envoy-retry-on");
  static final AsciiString RETRY_GRPC_ON = AsciiString.cached("x-envoy-retry-grpc-on");
  static final AsciiString EXPECTED = AsciiString.cached("x-envoy-expected-rq-timeout-ms");
  static final AsciiString SERVICE_TIME = AsciiString.cached("x-envoy-upstream-service-time");
  static final AsciiString DATE = AsciiString.cached("Sun, 22 Nov 2026 09:50:01 GMT");
  static final String ID = "3f2a9c1e-0b4d-4e8a-9f11-2c3d4e5f6a7b";
  static final MethodHandle SET;
  static final MethodHandle ADD;
  static final AsciiString[] NAMES; // the constants the code uses: javoy's interned ones on the branch

  static {
    MethodHandle set = null;
    MethodHandle add = null;
    AsciiString[] names = {XFP, XRID, EXPECTED, SERVICE_TIME, XFF, RETRY_ON, RETRY_GRPC_ON};
    try {
      Class<?> t = Class.forName("dev.javoy.proxy.http.h1.TrustedHeaders");
      MethodType mt = MethodType.methodType(void.class, HttpHeaders.class, AsciiString.class, CharSequence.class);
      set = MethodHandles.publicLookup().findStatic(t, "set", mt);
      add = MethodHandles.publicLookup().findStatic(t, "add", mt);
      Class<?> e = Class.forName("dev.javoy.proxy.http.h1.EnvoyHeaderNames");
      String[] f = {"X_FORWARDED_PROTO", "X_REQUEST_ID", "X_ENVOY_EXPECTED_RQ_TIMEOUT_MS",
          "X_ENVOY_UPSTREAM_SERVICE_TIME", "X_FORWARDED_FOR", "X_ENVOY_RETRY_ON", "X_ENVOY_RETRY_GRPC_ON"};
      for (int i = 0; i < f.length; i++) {
        names[i] = (AsciiString) e.getField(f[i]).get(null);
      }
    } catch (ReflectiveOperationException absent) {
      // the branch point: HttpHeaders.add/set
    }
    SET = set;
    ADD = add;
    NAMES = names;
  }

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

  static FlatHttpHeaders decode(byte[] source, int count) {
    byte[] head = headCopy(source, count); // a new head per request, as the decoder copies it
    FlatHttpHeaders h = new FlatHttpHeaders(true, true, 16);
    decodingFrom(h, head, source.length, count);
    int p = 0;
    while (head[p] != '\r') {
      int colon = p;
      while (head[colon] != ':') {
        colon++;
      }
      int v = colon + 2;
      int end = v;
      while (head[end] != '\r') {
        end++;
      }
      AsciiString name = HeaderNames.wellKnown(head, p, colon - p);
      h.addDecoded(name != null ? name : new AsciiString(head, p, colon - p, true).toLowerCase(), head, v, end - v);
      p = end + 2;
    }
    return h;
  }

  static void set(HttpHeaders h, AsciiString name, CharSequence value) throws Throwable {
    if (SET != null) {
      SET.invokeExact(h, name, value);
    } else {
      h.set(name, value);
    }
  }

  static void add(HttpHeaders h, AsciiString name, CharSequence value) throws Throwable {
    if (ADD != null) {
      ADD.invokeExact(h, name, value);
    } else {
      h.add(name, value);
    }
  }

  static int write(FlatHttpHeaders h, ByteBuf out) {
    out.clear();
    for (int i = 0, n = h.size(); i < n; i++) {
      ByteBuf ignored = out.writeBytes(((AsciiString) h.nameAt(i)).array(), ((AsciiString) h.nameAt(i)).arrayOffset(),
          h.nameAt(i).length());
      out.writeShort(0x3a20);
      h.writeValue(i, out);
      out.writeShort(0x0d0a);
    }
    return out.readableBytes();
  }

  static void once(ByteBuf out) throws Throwable {
    FlatHttpHeaders rq = decode(REQ, 4);
    // the codec and the connection (Http1ServerConnection.startStream)
    sink += rq.get(HttpHeaderNames.TRANSFER_ENCODING) == null ? 1 : 0;
    sink += rq.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true) ? 1 : 0;
    sink += rq.contains(HttpHeaderNames.HOST) ? 1 : 0;
    sink += rq.contains(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true) ? 1 : 0;
    sink += rq.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true) ? 1 : 0;
    sink += rq.get(HttpHeaderNames.CONTENT_LENGTH) == null ? 1 : 0;
    // RequestHeaderMutator (defaults)
    sink += rq.get(NAMES[4]) == null ? 1 : 0;
    if (!rq.contains(NAMES[0])) {
      add(rq, NAMES[0], "http");
    }
    sink += rq.get(NAMES[1]) == null ? 1 : 0;
    add(rq, NAMES[1], ID);
    // upgrade, gRPC, retry headers
    sink += rq.get(HttpHeaderNames.UPGRADE) == null ? 1 : 0;
    sink += rq.get(HttpHeaderNames.CONTENT_TYPE) == null ? 1 : 0;
    sink += rq.contains(NAMES[5]) || rq.contains(NAMES[6]) ? 1 : 0;
    // UpstreamRequestHeaders.prepare
    UpstreamRequestHeaders.removeHopByHop(rq);
    add(rq, NAMES[2], "15000");
    sink += write(rq, out);
    // the response
    FlatHttpHeaders rs = decode(RESP, 5);
    UpstreamRequestHeaders.removeHopByHop(rs);
    set(rs, NAMES[3], "1");
    sink += rs.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true) ? 1 : 0;
    set(rs, HttpHeaderNames.SERVER, "envoy");
    set(rs, HttpHeaderNames.DATE, DATE);
    sink += write(rs, out);
  }

  public static void main(String[] args) throws Throwable {
    ByteBuf out = Unpooled.buffer(1024);
    for (int i = 0; i < 2_000_000; i++) {
      once(out);
    }
    // many short runs: on a loaded machine some run without being preempted, and the fastest ones are those
    int n = 10_000;
    int runs = 300;
    long[] ns = new long[runs];
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        once(out);
      }
      ns[r] = (System.nanoTime() - t0) / n;
    }
    java.util.Arrays.sort(ns);
    System.out.println((SET != null ? "TrustedHeaders" : "add/set") + ": ns per request+response, min " + ns[0]
        + ", 5th percentile " + ns[runs / 20] + ", median " + ns[runs / 2] + " (" + runs + " runs of " + n
        + "; sink " + (sink & 1) + ")");
  }
}
