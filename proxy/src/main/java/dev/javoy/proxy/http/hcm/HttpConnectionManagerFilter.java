package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.http.h2.Http2PrefaceDetector;
import dev.javoy.proxy.network.ConnectionIdleTimeout;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import dev.javoy.proxy.http.h1.Http1RequestDecoder;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * The {@code envoy.filters.network.http_connection_manager} network filter: installs the codec and the
 * connection manager on each connection of its filter chain, by {@code codec_type}: HTTP/1.1
 * ({@link Http1ServerConnection}), prior-knowledge HTTP/2 over cleartext ({@link Http2ServerConnection}), or
 * AUTO, where the ALPN a TLS handshake negotiated decides ({@code h2}: HTTP/2), and without ALPN the first bytes
 * ({@link Http2PrefaceDetector}).
 */
public final class HttpConnectionManagerFilter implements NetworkFilter {
  private final HttpConnectionManagerConfig config;

  public HttpConnectionManagerFilter(HttpConnectionManagerConfig config) {
    this.config = config;
  }

  public HttpConnectionManagerConfig config() {
    return config;
  }

  @Override
  public void install(DownstreamConnection connection) {
    if (config.codecType == CodecType.HTTP2) {
      Http2ServerConnection.install(config, connection);
      return;
    }
    ChannelPipeline p = connection.channel().pipeline();
    if (config.codecType == CodecType.HTTP1) {
      installHttp1(p, connection); // the connection keeps its idle_timeout itself
      return;
    }
    if (config.idleTimeoutMillis > 0) {
      p.addLast(new ConnectionIdleTimeout(config.idleTimeoutMillis)); // until the first bytes choose the codec
    }
    p.addLast(new Http2PrefaceDetector(new AutoCodec(connection)));
  }

  private void installHttp1(ChannelPipeline p, DownstreamConnection connection) {
    // Two handlers: the request decoder and the connection, which also encodes the responses (its encoder learns
    // each request's method from the decoder: HEAD, CONNECT). The connection sees the raw bytes through the
    // decoder only when request_headers_timeout needs them.
    Http1ServerConnection c = new Http1ServerConnection(config, connection);
    Http1RequestDecoder decoder = new Http1RequestDecoder(config.maxRequestHeadersBytes,
        !config.headerKeyFormat.preservesCase(), c.encoder(), config.requestHeadersTimeoutMillis > 0 ? c : null);
    c.decoder(decoder);
    p.addLast(decoder);
    p.addLast(c);
  }

  /** {@code codec_type: AUTO}: the codec the first bytes asked for. */
  private final class AutoCodec implements Http2PrefaceDetector.ProtocolInstaller {
    private final DownstreamConnection connection;

    AutoCodec(DownstreamConnection connection) {
      this.connection = connection;
    }

    @Override
    public void install(ChannelHandlerContext detector, boolean http2) {
      // As Envoy's AUTO: on TLS the negotiated ALPN decides (h2 or not); only without ALPN the first bytes do.
      String alpn = connection.negotiatedAlpn();
      if (!alpn.isEmpty()) {
        http2 = alpn.equals("h2");
      }
      ChannelPipeline p = detector.pipeline();
      if (p.get(IdleStateHandler.class) != null) {
        p.remove(IdleStateHandler.class); // both idle out by streams, not by bytes: HTTP/1.1's connection times it
      }
      if (http2) {
        Http2ServerConnection.install(config, connection);
      } else {
        installHttp1(p, connection);
      }
    }

    @Override
    public void closingBeforeData(boolean idle) {
      if (idle) {
        config.stats.downstreamCxIdleTimeout.inc();
      } else {
        config.stats.downstreamCxDrainClose.inc();
      }
    }
  }

  @Override
  public boolean terminal() {
    return true;
  }
}
