package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * TCP health checks (Envoy's {@code TcpHealthCheckerImpl}): without {@code receive}, a successful connect passes
 * and the connection is closed; else {@code send} is written and the check passes once every {@code receive}
 * block has been seen in order (not necessarily adjacent). The connection stays open between checks with
 * {@code reuse_connection}.
 */
final class TcpHealthCheckSession extends HealthCheckSession {
  private final HealthCheckSpec.Tcp spec;
  private Channel channel;
  private boolean connected;
  private boolean expectClose;
  private boolean checking;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  TcpHealthCheckSession(HealthChecker parent, Host host, HealthCheckSpec.Tcp spec) {
    super(parent, host);
    this.spec = spec;
  }

  @Override
  protected void onInterval() {
    checking = true;
    received.reset();
    if (channel != null && channel.isActive() && connected) {
      send();
      return;
    }
    closeChannel();
    int id = checkId;
    expectClose = false;
    ChannelFuture f = HealthCheckConnector.connect(parent.loop(), host, spec.connectTimeoutMillis(),
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new Reader());
          }
        });
    Channel ch = f.channel();
    channel = ch;
    connected = false;
    f.addListener(x -> {
      if (stopped) {
        return;
      }
      if (!x.isSuccess()) {
        if (channel == ch) {
          channel = null;
        }
        if (id == checkId && checking) {
          checking = false;
          handleFailure(HealthCheckFailureType.NETWORK, false);
        }
        return;
      }
      if (channel != ch || id != checkId) {
        return;
      }
      connected = true;
      if (spec.receive().isEmpty()) {
        // Only testing that we can connect: pass, and close the connection.
        checking = false;
        expectClose = true;
        closeChannel();
        handleSuccess(false);
        return;
      }
      send();
    });
    ch.closeFuture().addListener(x -> {
      if (channel == ch) {
        channel = null;
        connected = false;
        if (checking && !expectClose && !stopped) {
          checking = false;
          handleFailure(HealthCheckFailureType.NETWORK, false);
        }
      }
    });
  }

  private void send() {
    if (spec.send().length > 0) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(spec.send()));
    }
  }

  private void onData(ByteBuf data) {
    if (!checking) {
      return;
    }
    byte[] chunk = new byte[data.readableBytes()];
    data.readBytes(chunk);
    received.writeBytes(chunk);
    if (matches(spec.receive(), received.toByteArray())) {
      checking = false;
      received.reset();
      if (!spec.settings().reuseConnection()) {
        expectClose = true;
        closeChannel();
      }
      handleSuccess(false);
    }
  }

  /** Every block found in order, not necessarily adjacent (Envoy's {@code TcpHealthCheckMatcher}). */
  static boolean matches(List<byte[]> blocks, byte[] data) {
    int from = 0;
    for (byte[] b : blocks) {
      int at = indexOf(data, b, from);
      if (at < 0) {
        return false;
      }
      from = at + b.length;
    }
    return true;
  }

  private static int indexOf(byte[] data, byte[] b, int from) {
    outer:
    for (int i = from; i <= data.length - b.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (data[i + j] != b[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Override
  protected void onTimeout() {
    checking = false;
    expectClose = true;
    closeChannel();
  }

  @Override
  protected void close() {
    checking = false;
    expectClose = true;
    closeChannel();
  }

  private void closeChannel() {
    Channel ch = channel;
    channel = null;
    connected = false;
    if (ch != null) {
      ch.close();
    }
  }

  private final class Reader extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      try {
        if (ctx.channel() == channel) {
          onData(b);
        }
      } finally {
        b.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
