package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Health checks over an HTTP/2 (h2c, prior knowledge) connection, one stream per check: gRPC
 * ({@code grpc.health.v1.Health/Check}, Envoy's {@code GrpcHealthCheckerImpl}; SERVING passes, any other status,
 * grpc-status or HTTP status fails) and HTTP health checks with {@code codec_client_type: HTTP2}. Resets, GOAWAY
 * and connection failures are network failures.
 */
final class Http2HealthCheckSession extends HealthCheckSession {
  static final String GRPC_PATH = "/grpc.health.v1.Health/Check";

  private final HealthCheckSpec.Http http;
  private final HealthCheckSpec.Grpc grpc;
  private Channel connection;
  private boolean connected;
  private Http2StreamChannel stream;

  /** Exactly one of {@code http} and {@code grpc} is non-null. */
  Http2HealthCheckSession(HealthChecker parent, Host host, HealthCheckSpec.Http http, HealthCheckSpec.Grpc grpc) {
    super(parent, host);
    this.http = http;
    this.grpc = grpc;
  }

  private HealthCheckSettings settings() {
    return parent.settings();
  }

  @Override
  protected void onInterval() {
    if (connection != null && connection.isActive() && connected) {
      openStream();
      return;
    }
    closeConnection();
    int id = checkId;
    long connectTimeout = http != null ? http.connectTimeoutMillis() : grpc.connectTimeoutMillis();
    ChannelFuture f = HealthCheckConnector.connect(parent.loop(), host, connectTimeout,
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()), new ConnectionWatcher());
          }
        });
    Channel ch = f.channel();
    connection = ch;
    connected = false;
    f.addListener(x -> {
      if (stopped) {
        return;
      }
      if (!x.isSuccess()) {
        if (connection == ch) {
          connection = null;
        }
        if (id == checkId) {
          handleFailure(HealthCheckFailureType.NETWORK, false);
        }
        return;
      }
      if (connection == ch) {
        connected = true;
        if (id == checkId) {
          openStream();
        }
      }
    });
    ch.closeFuture().addListener(x -> {
      if (connection == ch) {
        connection = null;
        connected = false;
      }
    });
  }

  private void openStream() {
    int id = checkId;
    Channel conn = connection;
    new Http2StreamChannelBootstrap(conn).handler(new StreamReader(id)).open().addListener(f -> {
      if (stopped || id != checkId) {
        if (f.isSuccess()) {
          ((Channel) f.getNow()).close();
        }
        return;
      }
      if (!f.isSuccess()) {
        networkFailure(id);
        return;
      }
      Http2StreamChannel s = (Http2StreamChannel) f.getNow();
      stream = s;
      if (grpc != null) {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").path(GRPC_PATH)
            .authority(host.healthCheckHostname().isEmpty() ? grpc.authority() : host.healthCheckHostname());
        h.set("content-type", "application/grpc");
        h.set("te", "trailers");
        HealthCheckHeaders.apply(h, grpc.initialMetadata(), java.util.List.of());
        s.write(new DefaultHttp2HeadersFrame(h, false));
        s.writeAndFlush(new DefaultHttp2DataFrame(grpcRequest(s.alloc(), grpc.serviceName()), true));
      } else {
        Http2Headers h = new DefaultHttp2Headers().method(http.method()).scheme("http").path(http.path())
            .authority(host.healthCheckHostname().isEmpty() ? http.host() : host.healthCheckHostname());
        h.set("user-agent", HttpHealthCheckSession.USER_AGENT);
        HealthCheckHeaders.apply(h, http.headersToAdd(), http.headersToRemove());
        s.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
      }
    });
  }

  /** A length-prefixed, uncompressed {@code HealthCheckRequest{service = 1}} message. */
  static ByteBuf grpcRequest(ByteBufAllocator alloc, String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    ByteBuf msg = alloc.buffer();
    if (name.length > 0) {
      msg.writeByte(0x0A); // field 1, length-delimited
      writeVarint(msg, name.length);
      msg.writeBytes(name);
    }
    ByteBuf out = alloc.buffer(5 + msg.readableBytes());
    out.writeByte(0).writeInt(msg.readableBytes()).writeBytes(msg);
    msg.release();
    return out;
  }

  private static void writeVarint(ByteBuf b, int v) {
    while ((v & ~0x7F) != 0) {
      b.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b.writeByte(v);
  }

  /**
   * The {@code status} of a length-prefixed {@code HealthCheckResponse} (1 = SERVING), or -1 when the bytes are
   * not one uncompressed message.
   */
  static int grpcServingStatus(byte[] body) {
    if (body.length < 5 || body[0] != 0) {
      return -1;
    }
    int len = ((body[1] & 0xFF) << 24) | ((body[2] & 0xFF) << 16) | ((body[3] & 0xFF) << 8) | (body[4] & 0xFF);
    if (len != body.length - 5) {
      return -1;
    }
    int status = 0; // proto3 default: UNKNOWN
    int i = 5;
    while (i < body.length) {
      long[] tag = varint(body, i);
      if (tag == null) {
        return -1;
      }
      i = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wire = (int) (tag[0] & 7);
      if (wire == 0) {
        long[] v = varint(body, i);
        if (v == null) {
          return -1;
        }
        i = (int) v[1];
        if (field == 1) {
          status = (int) v[0];
        }
      } else if (wire == 2) {
        long[] n = varint(body, i);
        if (n == null || n[1] + n[0] > body.length) {
          return -1;
        }
        i = (int) (n[1] + n[0]);
      } else if (wire == 1) {
        i += 8;
      } else if (wire == 5) {
        i += 4;
      } else {
        return -1;
      }
    }
    return i == body.length ? status : -1;
  }

  /** {value, next index}, or null when truncated. */
  private static long[] varint(byte[] b, int i) {
    long v = 0;
    for (int shift = 0; shift < 64 && i < b.length; shift += 7) {
      byte x = b[i++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return new long[] {v, i};
      }
    }
    return null;
  }

  private void networkFailure(int id) {
    if (!stopped && id == checkId) {
      closeStream();
      handleFailure(HealthCheckFailureType.NETWORK, false);
    }
  }

  private void complete(int id, Http2Headers headers, Http2Headers trailers, byte[] body) {
    if (stopped || id != checkId) {
      return;
    }
    closeStream();
    if (!settings().reuseConnection()) {
      closeConnection();
    }
    int status = headers == null ? 0 : parseStatus(headers);
    if (grpc != null) {
      CharSequence grpcStatus = trailers != null ? trailers.get("grpc-status") : headers.get("grpc-status");
      boolean ok = status == 200 && grpcStatus != null && "0".contentEquals(grpcStatus)
          && grpcServingStatus(body) == 1;
      if (ok) {
        handleSuccess(false);
      } else {
        handleFailure(HealthCheckFailureType.ACTIVE, false);
      }
      return;
    }
    if (headers.contains(HttpHealthCheckSession.IMMEDIATE_FAIL)) {
      host.healthFlagSet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL);
      handleFailure(HealthCheckFailureType.ACTIVE, false);
    } else if (HealthCheckSpec.StatusRange.any(http.expectedStatuses(), status)) {
      handleSuccess(headers.contains(HttpHealthCheckSession.DEGRADED));
    } else {
      handleFailure(HealthCheckFailureType.ACTIVE, HealthCheckSpec.StatusRange.any(http.retriableStatuses(), status));
    }
  }

  private static int parseStatus(Http2Headers h) {
    CharSequence s = h.status();
    try {
      return s == null ? 0 : Integer.parseInt(s.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  protected void onTimeout() {
    closeStream();
    closeConnection(); // as Envoy: a timed-out check's connection is not trusted again
  }

  @Override
  protected void close() {
    closeStream();
    closeConnection();
  }

  private void closeStream() {
    Http2StreamChannel s = stream;
    stream = null;
    if (s != null) {
      s.close();
    }
  }

  private void closeConnection() {
    Channel c = connection;
    connection = null;
    connected = false;
    if (c != null) {
      c.close();
    }
  }

  /** Reads one check's response on its stream. */
  private final class StreamReader extends ChannelInboundHandlerAdapter {
    private final int id;
    private Http2Headers headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean done;

    StreamReader(int id) {
      this.id = id;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (done) {
          return;
        }
        if (msg instanceof Http2HeadersFrame hf) {
          Http2Headers trailers = null;
          if (headers == null) {
            CharSequence st = hf.headers().status();
            if (st != null && st.length() == 3 && st.charAt(0) == '1') {
              return; // informational
            }
            headers = hf.headers();
          } else {
            trailers = hf.headers();
          }
          if (hf.isEndStream()) {
            done = true;
            complete(id, headers, trailers, body.toByteArray());
          }
        } else if (msg instanceof Http2DataFrame df) {
          ByteBuf c = df.content();
          if (body.size() < 64 * 1024) {
            c.getBytes(c.readerIndex(), body, Math.min(c.readableBytes(), 64 * 1024 - body.size()));
          }
          if (df.isEndStream()) {
            done = true;
            complete(id, headers, null, body.toByteArray());
          }
        } else if (msg instanceof Http2ResetFrame) {
          done = true;
          networkFailure(id);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!done) {
        done = true;
        networkFailure(id);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** A GOAWAY or a connection error: no new stream goes on this connection. */
  private final class ConnectionWatcher extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame && ctx.channel() == connection) {
        connected = false; // the next check opens a new connection
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
