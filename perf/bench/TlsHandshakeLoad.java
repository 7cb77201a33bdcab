import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TLS 1.3 full-handshake load generator for perf/bench (tls-handshakes.sh, run.sh's handshake scenario): every
 * request is a new connection (connect, full handshake, {@code GET <path>} with {@code Connection: close}, read
 * the response, close), {@code --conns} of them at a time, on one event loop thread.
 *
 * <p>Why not wrk: wrk's OpenSSL 3.0 client spends ~2.5× the server's CPU per handshake, so on the one CPU the
 * load generator has it never saturates the proxy's CPU. This one uses netty-tcnative's BoringSSL (from the javoy
 * jar on the class path) as a client: X25519 key share, the server's CertificateVerify (ECDSA P-256) checked as
 * always, the certificate itself not validated (as wrk), and no session cache, so no session is ever offered
 * for resumption (every handshake is a full one; javoy's {@code ssl.session_reused} stays 0).
 *
 * <p>Run as a source file with the javoy jar on the class path (JDK 11+ source launcher):
 * <pre>
 *   java -cp javoy.jar perf/bench/TlsHandshakeLoad.java --port P [--conns 16] [--duration 5] [--warmup 3]
 *        [--path /] [--proxy-pids PID,...]
 *   java -cp javoy.jar perf/bench/TlsHandshakeLoad.java --serve      # commands on stdin, one result line each:
 *        PORT DURATION WARMUP [PID,...]
 * </pre>
 * Output (one line): {@code handshakes N seconds S errors E client_cpu_us C proxy_ticks T}: N complete requests
 * (each a full handshake and a 2xx response) in the measured window after the warm-up, this process's CPU time in
 * the window, and the utime+stime clock ticks of the given processes (the proxy) in the same window.
 */
public final class TlsHandshakeLoad {
  private final Bootstrap bootstrap;
  private final String host;
  private final String path;
  private volatile boolean running;
  private long completed;
  private long errors;
  private CountDownLatch drained;
  private int open;

  private TlsHandshakeLoad(EventLoopGroup group, SslContext ssl, String host, String path) {
    this.host = host;
    this.path = path;
    this.bootstrap = new Bootstrap().group(group).channel(EpollSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new io.netty.channel.ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            SslHandler h = ssl.newHandler(ch.alloc()); // no peer host: nothing to look a session up by
            h.setHandshakeTimeoutMillis(10_000);
            ch.pipeline().addLast(h, new HttpClientCodec(), new Exchange());
          }
        });
  }

  /** One connection: handshake, request, response until the server closes. */
  private final class Exchange extends ChannelInboundHandlerAdapter {
    private boolean ok;
    private boolean complete;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (done.isSuccess()) {
          io.netty.handler.codec.http.DefaultFullHttpRequest req = new io.netty.handler.codec.http.DefaultFullHttpRequest(
              io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, path,
              Unpooled.EMPTY_BUFFER);
          req.headers().set("host", host).set("connection", "close");
          ctx.writeAndFlush(req).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
          ctx.close();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse r) {
        ok = r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.SUCCESS;
      }
      if (msg instanceof LastHttpContent) {
        complete = ok;
        ctx.close(); // as wrk: the client closes once the response is complete (javoy, as Envoy, waits for it)
      }
      io.netty.util.ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (complete) {
        completed++;
      } else {
        errors++;
      }
      open--;
      if (running) {
        connect(ctx.channel().remoteAddress());
      } else if (open == 0 && drained != null) {
        drained.countDown();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void connect(java.net.SocketAddress to) {
    open++;
    bootstrap.connect(to).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        errors++;
        open--;
        if (running) {
          f.channel().eventLoop().schedule(() -> connect(to), 10, TimeUnit.MILLISECONDS);
        } else if (open == 0 && drained != null) {
          drained.countDown();
        }
      }
    });
  }

  private String run(int port, int conns, double warmupSeconds, double seconds, long[] pids) throws Exception {
    java.net.InetSocketAddress to = new java.net.InetSocketAddress("127.0.0.1", port);
    io.netty.channel.EventLoop loop = bootstrap.config().group().next();
    running = true;
    loop.submit(() -> {
      completed = 0;
      errors = 0;
      for (int i = 0; i < conns; i++) {
        connect(to);
      }
    }).sync();
    Thread.sleep((long) (warmupSeconds * 1000));
    long[] start = loop.submit(() -> new long[] {completed, errors}).get();
    long cpu0 = cpuNanos();
    long ticks0 = ticks(pids);
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long[] end = loop.submit(() -> new long[] {completed, errors}).get();
    long ticks1 = ticks(pids);
    long cpu1 = cpuNanos();
    long t1 = System.nanoTime();
    drained = new CountDownLatch(1);
    loop.submit(() -> {
      running = false;
      if (open == 0) {
        drained.countDown();
      }
    }).sync();
    drained.await(20, TimeUnit.SECONDS);
    drained = null;
    long n = end[0] - start[0];
    return String.format(java.util.Locale.ROOT, "handshakes %d seconds %.3f errors %d client_cpu_us %.1f proxy_ticks %d",
        n, (t1 - t0) / 1e9, end[1] - start[1], n > 0 ? (cpu1 - cpu0) / 1e3 / n : 0.0, ticks1 - ticks0);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** utime+stime of the processes (all their threads), in clock ticks. */
  private static long ticks(long[] pids) {
    long sum = 0;
    for (long pid : pids) {
      try {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (Exception e) {
        // a process that is gone counts nothing
      }
    }
    return sum;
  }

  private static long[] pids(String list) {
    if (list == null || list.isEmpty()) {
      return new long[0];
    }
    return java.util.Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    int conns = 16;
    double duration = 5;
    double warmup = 3;
    String path = "/";
    String pidList = "";
    boolean serve = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--conns" -> conns = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--path" -> path = args[++i];
        case "--proxy-pids" -> pidList = args[++i];
        case "--serve" -> serve = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException("netty-tcnative BoringSSL is not available", OpenSsl.unavailabilityCause());
    }
    SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3")
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .option(OpenSslContextOption.GROUPS, new String[] {"X25519", "P-256"})
        .build();
    ((OpenSslSessionContext) ssl.sessionContext()).setSessionCacheEnabled(false);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      TlsHandshakeLoad load = new TlsHandshakeLoad(group, ssl, "127.0.0.1", path);
      if (!serve) {
        System.out.println(load.run(port, conns, warmup, duration, pids(pidList)));
        return;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
      System.out.println("ready");
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 3) {
          continue;
        }
        System.out.println(load.run(Integer.parseInt(f[0]), conns, Double.parseDouble(f[2]), Double.parseDouble(f[1]),
            pids(f.length > 3 ? f[3] : "")));
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
