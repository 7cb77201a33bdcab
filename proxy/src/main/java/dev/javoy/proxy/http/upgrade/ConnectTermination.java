package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.server.Transport;
import dev.javoy.proxy.upstream.ConnectionAccounting;
import dev.javoy.proxy.upstream.Host;
import dev.javoy.proxy.upstream.UpstreamCluster;
import dev.javoy.proxy.upstream.UpstreamConnector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;

/**
 * Envoy's CONNECT termination (a route's {@code upgrade_configs} CONNECT with {@code connect_config}): the router
 * opens a TCP connection to the chosen host on the stream's event loop; once it is up the client gets a
 * {@code 200} and the stream becomes a byte tunnel ({@link UpgradeTunnel} for an HTTP/1.1 downstream, whose
 * codec leaves the pipeline; {@link StreamTunnel} for an HTTP/2 stream, DATA frames ↔ bytes). A failed connect
 * is reported to the router, which answers Envoy's 503 {@code UF}. Counts {@code upstream_cx_*} in the cluster.
 */
public final class ConnectTermination implements Tunnel {
  /** What the router hears back. */
  public interface Listener {
    /** The upstream connection is up; the 200 is about to go down and the tunnel to start. */
    void onConnected(Channel upstream);

    /** The connection failed (nothing was sent downstream); {@code reason} is Envoy's transport failure reason. */
    void onConnectFailure(String reason);
  }

  private final HttpFilterCallbacks callbacks;
  private final boolean http2;
  private final Listener listener;
  /** The last handler of the upstream pipeline; the relay goes in before it. */
  private final ChannelHandler tail = new Tail();
  private Channel upstream;
  private Tunnel tunnel;
  /** HTTP/2 DATA that came before the tunnel; allocated only then. */
  private ArrayDeque<HttpContent> early;
  private boolean earlyEnd;
  private boolean closed;

  private ConnectTermination(HttpFilterCallbacks callbacks, boolean http2, Listener listener) {
    this.callbacks = callbacks;
    this.http2 = http2;
    this.listener = listener;
  }

  /** Starts connecting to {@code host}; the listener hears the outcome on the stream's loop. */
  public static ConnectTermination start(HttpFilterCallbacks callbacks, UpstreamCluster cluster, Host host,
      boolean http2Downstream, Listener listener) {
    ConnectTermination c = new ConnectTermination(callbacks, http2Downstream, listener);
    var stats = cluster.stats();
    stats.upstreamCxTotal.inc();
    stats.upstreamCxActive.inc();
    host.cxTotal.increment();
    host.cxActive.increment();
    long start = System.nanoTime();
    ChannelFuture f = new UpstreamConnector(cluster, host, callbacks.eventLoop(), Transport.current(), c.tail)
        .connect();
    f.channel().closeFuture().addListener(x -> ConnectionAccounting.closed(stats, host));
    f.addListener(x -> {
      if (!f.isSuccess()) {
        ConnectionAccounting.failed(stats, host, f.cause());
        c.failed(UpstreamConnector.failureReason(f.cause()));
        return;
      }
      ConnectionAccounting.opened(stats, start);
      c.connected(f.channel());
    });
    return c;
  }

  private void failed(String reason) {
    if (!closed) {
      closed = true;
      releaseEarly();
      listener.onConnectFailure(reason);
    }
  }

  private void connected(Channel ch) {
    if (closed) {
      ch.close();
      return;
    }
    upstream = ch;
    ch.config().setAutoRead(false);
    listener.onConnected(ch);
    callbacks.encodeHeaders(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), false);
    if (http2) {
      StreamTunnel t = new StreamTunnel(callbacks, ch);
      tunnel = t;
      t.attach(tail);
      HttpContent c;
      while (early != null && (c = early.pollFirst()) != null) {
        t.onDownstreamData(c, earlyEnd && early.isEmpty());
        c.release();
      }
      return;
    }
    UpgradeTunnel t = callbacks.startTunnel(ch);
    if (t == null) {
      ch.close();
      callbacks.resetStream();
      return;
    }
    tunnel = t;
    t.attach(ch, tail, null);
  }

  @Override
  public void onDownstreamData(HttpContent data, boolean endStream) {
    if (tunnel != null) {
      tunnel.onDownstreamData(data, endStream);
      return;
    }
    if (!http2 || closed || (!data.content().isReadable() && !endStream)) {
      return; // HTTP/1.1: the client's bytes stay in the socket until the codec leaves
    }
    if (early == null) {
      early = new ArrayDeque<>(2);
    }
    early.add(data.retain());
    earlyEnd |= endStream;
  }

  @Override
  public void onDownstreamWritabilityChanged(boolean writable) {
    if (tunnel != null) {
      tunnel.onDownstreamWritabilityChanged(writable);
    }
  }

  @Override
  public void close() {
    if (tunnel != null) {
      tunnel.close();
      return;
    }
    closed = true;
    releaseEarly();
    if (upstream != null) {
      upstream.close();
    }
  }

  private void releaseEarly() {
    HttpContent c;
    while (early != null && (c = early.pollFirst()) != null) {
      c.release();
    }
  }

  /** Keeps the pipeline's end in place for the relay; bytes never reach it once the relay is in. */
  private static final class Tail extends ChannelInboundHandlerAdapter {
    @Override
    public boolean isSharable() {
      return false;
    }
  }
}
