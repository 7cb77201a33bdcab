package dev.javoy.proxy.http.h2;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Builds Netty's HTTP/2 frame codec for javoy's connections. Netty's own abuse limits (consecutive empty DATA
 * frames, RST_STREAM rate, queued control frames, small CONTINUATION frames) are switched off because
 * {@link Http2FloodProtection} and the connection manager enforce Envoy's limits and count Envoy's stats;
 * header names and values are validated. The send side shares the connection window among streams uniformly
 * (Netty's {@code UniformStreamByteDistributor}): Envoy does not act on HTTP/2 priorities either, and the
 * weighted-fair distributor's per-stream priority tree costs allocation and CPU on every stream.
 */
public final class Http2Codecs {
  private Http2Codecs() {}

  /**
   * The server codec of a downstream connection.
   *
   * @param maxHeaderListBytes {@code max_request_headers_kb}: larger header blocks are refused
   */
  public static Http2FrameCodec server(Http2ProtocolConfig cfg, long maxHeaderListBytes) {
    return configure(new Builder(true), cfg, true, maxHeaderListBytes).build();
  }

  /** The client codec of an upstream connection. */
  public static Http2FrameCodec client(Http2ProtocolConfig cfg, long maxHeaderListBytes) {
    return configure(new Builder(false), cfg, false, maxHeaderListBytes).build();
  }

  private static Http2FrameCodecBuilder configure(Http2FrameCodecBuilder b, Http2ProtocolConfig cfg, boolean server,
      long maxHeaderListBytes) {
    return b.initialSettings(cfg.initialSettings(server, maxHeaderListBytes))
        .validateHeaders(true)
        .autoAckPingFrame(true)
        .autoAckSettingsFrame(true)
        .decoderEnforceMaxConsecutiveEmptyDataFrames(0)
        .decoderEnforceMaxRstFramesPerWindow(0, 0)
        .encoderEnforceMaxQueuedControlFrames(0)
        .decoderEnforceMaxSmallContinuationFrames(Integer.MAX_VALUE) // 0 would mean "none allowed"
        .gracefulShutdownTimeoutMillis(0);
  }

  /** Netty's builder with a connection whose remote flow controller distributes bytes uniformly. */
  private static final class Builder extends Http2FrameCodecBuilder {
    Builder(boolean server) {
      // the connection says which side this is (server() and connection() exclude each other)
      DefaultHttp2Connection connection = new DefaultHttp2Connection(server);
      connection.remote().flowController(
          new DefaultHttp2RemoteFlowController(connection, new UniformStreamByteDistributor(connection)));
      connection(connection);
    }
  }

  /**
   * Grows the connection-level receive window to {@code initial_connection_window_size} (the protocol starts
   * every connection at 65535 bytes); call once the codec is in the pipeline of an active channel.
   */
  public static void growConnectionWindow(Channel ch, Http2ProtocolConfig cfg) {
    int increment = cfg.connectionWindowIncrement();
    if (increment > 0) {
      ch.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment), ch.voidPromise());
    }
  }
}
