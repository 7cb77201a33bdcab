package dev.javoy.proxy.http.h2;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;

/**
 * Builds Netty's HTTP/2 frame codec for javoy's connections. Netty's own abuse limits (consecutive empty DATA
 * frames, RST_STREAM rate, queued control frames, small CONTINUATION frames) are switched off because
 * {@link Http2FloodProtection} and the connection manager enforce Envoy's limits and count Envoy's stats;
 * header names and values are validated.
 */
public final class Http2Codecs {
  private Http2Codecs() {}

  /**
   * The server codec of a downstream connection.
   *
   * @param maxHeaderListBytes {@code max_request_headers_kb}: larger header blocks are refused
   */
  public static Http2FrameCodec server(Http2ProtocolConfig cfg, long maxHeaderListBytes) {
    return configure(Http2FrameCodecBuilder.forServer(), cfg, true, maxHeaderListBytes).build();
  }

  /** The client codec of an upstream connection. */
  public static Http2FrameCodec client(Http2ProtocolConfig cfg, long maxHeaderListBytes) {
    return configure(Http2FrameCodecBuilder.forClient(), cfg, false, maxHeaderListBytes).build();
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
