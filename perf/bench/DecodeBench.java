import dev.javoy.proxy.http.h1.Http1RequestDecoder;
import dev.javoy.proxy.http.h1.Http1ResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

// The two HTTP/1.1 decoders of one proxied request, alone: the h2load request head (downstream) and nginx's response
// head with its 1 KiB body (upstream), one read each, each decoded message handed to a handler that releases it, on an
// EmbeddedChannel (Netty's real pipeline). Timed on a loaded machine by the fastest of 300 short runs (load only adds).
// With a jar whose decoders have deliverTo (branch h6-h1dec) the messages are handed over by a direct call, as
// Http1ServerConnection/Http1UpstreamConnection take them; else they go through the pipeline, as before.
//   taskset -c 1 java -cp <javoy jar> perf/bench/DecodeBench.java
public class DecodeBench {
  static final byte[] REQ = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:19110\r\nUser-Agent: h2load nghttp2/1.52.0\r\n"
      + "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  static final byte[] RESP_HEAD = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 22 Nov 2026 09:50:00 GMT\r\n"
      + "Content-Type: text/plain\r\nContent-Length: 1024\r\nConnection: keep-alive\r\n\r\n")
      .getBytes(StandardCharsets.ISO_8859_1);

  @ChannelHandler.Sharable
  static final class Sink extends ChannelInboundHandlerAdapter {
    long n;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      n++;
      ReferenceCountUtil.release(msg);
    }
  }

  public static void main(String[] args) throws Exception {
    Http1RequestDecoder rd = new Http1RequestDecoder(60 * 1024, true, m -> {});
    Http1ResponseDecoder sd = new Http1ResponseDecoder(60 * 1024, true);
    Sink sink = new Sink();
    Class<?> receiver = null;
    try {
      receiver = Class.forName("dev.javoy.proxy.http.h1.Http1MessageDecoder$MessageReceiver");
    } catch (ClassNotFoundException e) {
      // before the direct hand-over
    }
    if (receiver != null) {
      Object r = java.lang.reflect.Proxy.newProxyInstance(receiver.getClassLoader(), new Class<?>[] {receiver},
          (p, m, a) -> {
            sink.n++;
            ReferenceCountUtil.release(a[0]);
            return null;
          });
      Method deliverTo = Class.forName("dev.javoy.proxy.http.h1.Http1MessageDecoder").getMethod("deliverTo", receiver);
      deliverTo.invoke(rd, r);
      deliverTo.invoke(sd, r);
    }
    EmbeddedChannel down = new EmbeddedChannel(rd, sink);
    EmbeddedChannel up = new EmbeddedChannel(sd, sink);
    ByteBuf reqBuf = Unpooled.directBuffer(REQ.length).writeBytes(REQ);
    ByteBuf resBuf = Unpooled.directBuffer(RESP_HEAD.length + 1024).writeBytes(RESP_HEAD).writeZero(1024);
    int per = 20_000;
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 300; run++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < per; i++) {
        down.writeInbound(reqBuf.retainedDuplicate());
        sd.requestSent(HttpMethod.GET);
        up.writeInbound(resBuf.retainedDuplicate());
      }
      long t = System.nanoTime() - t0;
      if (run >= 50) {
        best = Math.min(best, t);
      }
    }
    System.out.printf("decoders (request head + response head and 1 KiB body): %.1f ns per request, fastest of 250 runs"
        + " (%s hand-over, %d messages)%n", best / (double) per, receiver != null ? "direct" : "pipeline", sink.n);
  }
}
