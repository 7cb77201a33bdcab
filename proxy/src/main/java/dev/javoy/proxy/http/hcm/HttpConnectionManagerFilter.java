package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.network.NetworkFilter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The {@code envoy.filters.network.http_connection_manager} network filter: installs the HTTP/1.1 codec and the
 * connection manager on each connection of its filter chain.
 */
public final class HttpConnectionManagerFilter implements NetworkFilter {
  private final HttpConnectionManagerConfig config;
  private final HttpDecoderConfig decoderConfig;

  public HttpConnectionManagerFilter(HttpConnectionManagerConfig config) {
    this.config = config;
    this.decoderConfig = new HttpDecoderConfig()
        .setMaxInitialLineLength(config.maxRequestHeadersBytes)
        .setMaxHeaderSize(config.maxRequestHeadersBytes)
        .setMaxChunkSize(64 * 1024)
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true);
  }

  public HttpConnectionManagerConfig config() {
    return config;
  }

  @Override
  public void install(DownstreamConnection connection) {
    ChannelPipeline p = connection.channel().pipeline();
    if (config.idleTimeoutMillis > 0) {
      p.addLast(new IdleStateHandler(0, 0, config.idleTimeoutMillis, TimeUnit.MILLISECONDS));
    }
    p.addLast(new HttpServerCodec(decoderConfig));
    p.addLast(new Http1ServerConnection(config, connection));
  }

  @Override
  public boolean terminal() {
    return true;
  }
}
