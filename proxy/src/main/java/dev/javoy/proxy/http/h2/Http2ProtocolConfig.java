package dev.javoy.proxy.http.h2;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.KeepaliveSettings;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.Set;

/**
 * A compiled {@code envoy.config.core.v3.Http2ProtocolOptions} (the HCM's {@code http2_protocol_options} or an
 * HTTP/2 cluster's), with Envoy's defaults: 2147483647 concurrent streams, 256 MiB stream and connection
 * windows, 4096 bytes of HPACK table and the flood limits of Envoy's protocol constraints. Immutable.
 *
 * <p>{@code use_oghttp2_codec} picks one of Envoy's two HTTP/2 libraries; javoy has its own codec, so the field
 * is accepted and has nothing to select. {@code allow_connect} enables RFC 8441 extended CONNECT (WebSocket over
 * HTTP/2, converted to an HTTP/1.1 upgrade); {@code allow_metadata},
 * {@code custom_settings_parameters}, {@code max_metadata_size} and the keepalive's
 * {@code connection_idle_interval} are not implemented and rejected.
 */
public final class Http2ProtocolConfig {
  static final Set<String> SUPPORTED = Set.of("hpack_table_size", "max_concurrent_streams",
      "initial_stream_window_size", "initial_connection_window_size", "max_outbound_frames",
      "max_outbound_control_frames", "max_consecutive_inbound_frames_with_empty_payload",
      "max_inbound_priority_frames_per_stream", "max_inbound_window_update_frames_per_data_frame_sent",
      "override_stream_error_on_invalid_http_message", "stream_error_on_invalid_http_messaging",
      "connection_keepalive", "use_oghttp2_codec", "allow_connect");
  static final Set<String> KEEPALIVE_SUPPORTED = Set.of("interval", "timeout", "interval_jitter");

  /** Envoy's default stream and connection window: 256 MiB. */
  public static final int DEFAULT_WINDOW = 256 * 1024 * 1024;
  public static final Http2ProtocolConfig DEFAULTS = new Http2ProtocolConfig(4096, Integer.MAX_VALUE,
      DEFAULT_WINDOW, DEFAULT_WINDOW, 10_000, 1_000, 1, 100, 10, false, 0, 0, 15.0, false);

  public final long hpackTableSize;
  public final long maxConcurrentStreams;
  public final int initialStreamWindowSize;
  public final int initialConnectionWindowSize;
  public final int maxOutboundFrames;
  public final int maxOutboundControlFrames;
  public final int maxConsecutiveInboundFramesWithEmptyPayload;
  public final int maxInboundPriorityFramesPerStream;
  public final int maxInboundWindowUpdateFramesPerDataFrameSent;
  /** Invalid messaging resets only the stream (true) or the whole connection (false, Envoy's default). */
  public final boolean streamErrorOnInvalidHttpMessage;
  /** PING interval of {@code connection_keepalive}, 0 when keepalive is off. */
  public final long keepaliveIntervalMillis;
  public final long keepaliveTimeoutMillis;
  /** {@code interval_jitter} in percent (Envoy default 15). */
  public final double keepaliveJitterPercent;
  /** {@code allow_connect}: SETTINGS_ENABLE_CONNECT_PROTOCOL is announced and extended CONNECT accepted. */
  public final boolean allowConnect;

  private Http2ProtocolConfig(long hpackTableSize, long maxConcurrentStreams, int initialStreamWindowSize,
      int initialConnectionWindowSize, int maxOutboundFrames, int maxOutboundControlFrames,
      int maxConsecutiveEmpty, int maxPriorityPerStream, int maxWindowUpdatePerData,
      boolean streamErrorOnInvalidHttpMessage, long keepaliveIntervalMillis, long keepaliveTimeoutMillis,
      double keepaliveJitterPercent, boolean allowConnect) {
    this.allowConnect = allowConnect;
    this.hpackTableSize = hpackTableSize;
    this.maxConcurrentStreams = maxConcurrentStreams;
    this.initialStreamWindowSize = initialStreamWindowSize;
    this.initialConnectionWindowSize = initialConnectionWindowSize;
    this.maxOutboundFrames = maxOutboundFrames;
    this.maxOutboundControlFrames = maxOutboundControlFrames;
    this.maxConsecutiveInboundFramesWithEmptyPayload = maxConsecutiveEmpty;
    this.maxInboundPriorityFramesPerStream = maxPriorityPerStream;
    this.maxInboundWindowUpdateFramesPerDataFrameSent = maxWindowUpdatePerData;
    this.streamErrorOnInvalidHttpMessage = streamErrorOnInvalidHttpMessage;
    this.keepaliveIntervalMillis = keepaliveIntervalMillis;
    this.keepaliveTimeoutMillis = keepaliveTimeoutMillis;
    this.keepaliveJitterPercent = keepaliveJitterPercent;
  }

  /**
   * Compiles {@code o}.
   *
   * @param hcmStreamError the HCM's {@code stream_error_on_invalid_http_message} (false for clusters), used
   *     when {@code override_stream_error_on_invalid_http_message} is not set
   */
  public static Http2ProtocolConfig create(Http2ProtocolOptions o, String path, boolean hcmStreamError)
      throws ConfigException {
    FieldSupport.check(o, path, SUPPORTED);
    long hpack = o.hasHpackTableSize() ? Integer.toUnsignedLong(o.getHpackTableSize().getValue()) : 4096;
    long streams = Integer.MAX_VALUE;
    if (o.hasMaxConcurrentStreams()) {
      streams = Integer.toUnsignedLong(o.getMaxConcurrentStreams().getValue());
      if (streams < 1 || streams > Integer.MAX_VALUE) {
        throw new ConfigException(FieldSupport.join(path, "max_concurrent_streams"),
            "value must be inside range [1, 2147483647]");
      }
    }
    int streamWindow = window(o.hasInitialStreamWindowSize(), o.getInitialStreamWindowSize().getValue(),
        FieldSupport.join(path, "initial_stream_window_size"));
    int connectionWindow = window(o.hasInitialConnectionWindowSize(),
        o.getInitialConnectionWindowSize().getValue(), FieldSupport.join(path, "initial_connection_window_size"));
    int outbound = atLeastOne(o.hasMaxOutboundFrames(), o.getMaxOutboundFrames().getValue(), 10_000,
        FieldSupport.join(path, "max_outbound_frames"));
    int control = atLeastOne(o.hasMaxOutboundControlFrames(), o.getMaxOutboundControlFrames().getValue(), 1_000,
        FieldSupport.join(path, "max_outbound_control_frames"));
    int empty = o.hasMaxConsecutiveInboundFramesWithEmptyPayload()
        ? o.getMaxConsecutiveInboundFramesWithEmptyPayload().getValue() : 1;
    int priority = o.hasMaxInboundPriorityFramesPerStream() ? o.getMaxInboundPriorityFramesPerStream().getValue() : 100;
    int windowUpdates = atLeastOne(o.hasMaxInboundWindowUpdateFramesPerDataFrameSent(),
        o.getMaxInboundWindowUpdateFramesPerDataFrameSent().getValue(), 10,
        FieldSupport.join(path, "max_inbound_window_update_frames_per_data_frame_sent"));
    boolean streamError = o.hasOverrideStreamErrorOnInvalidHttpMessage()
        ? o.getOverrideStreamErrorOnInvalidHttpMessage().getValue()
        : (o.getStreamErrorOnInvalidHttpMessaging() || hcmStreamError);
    long interval = 0;
    long timeout = 0;
    double jitter = 15.0;
    if (o.hasConnectionKeepalive()) {
      KeepaliveSettings k = o.getConnectionKeepalive();
      String kp = FieldSupport.join(path, "connection_keepalive");
      FieldSupport.check(k, kp, KEEPALIVE_SUPPORTED);
      if (!k.hasTimeout() || Durations.toMillis(k.getTimeout()) < 1) {
        throw new ConfigException(FieldSupport.join(kp, "timeout"), "value is required and must be at least 1ms");
      }
      timeout = Durations.toMillis(k.getTimeout());
      interval = k.hasInterval() ? Durations.toMillis(k.getInterval()) : 0;
      if (k.hasInterval() && interval < 1) {
        throw new ConfigException(FieldSupport.join(kp, "interval"), "value must be at least 1ms");
      }
      if (k.hasIntervalJitter()) {
        jitter = k.getIntervalJitter().getValue();
      }
    }
    return new Http2ProtocolConfig(hpack, streams, streamWindow, connectionWindow, outbound, control, empty,
        priority, windowUpdates, streamError, interval, timeout, jitter, o.getAllowConnect());
  }

  private static int window(boolean set, int value, String path) throws ConfigException {
    if (!set) {
      return DEFAULT_WINDOW;
    }
    if (value < 65535 || value > Integer.MAX_VALUE) {
      throw new ConfigException(path, "value must be inside range [65535, 2147483647]");
    }
    return value;
  }

  private static int atLeastOne(boolean set, int value, int dflt, String path) throws ConfigException {
    if (!set) {
      return dflt;
    }
    if (value < 1) {
      throw new ConfigException(path, "value must be greater than or equal to 1");
    }
    return value;
  }

  /**
   * The SETTINGS javoy announces. {@code maxHeaderListBytes} is the limit on a decoded header block
   * ({@code max_request_headers_kb} downstream, 60 KiB upstream); server push is never enabled.
   */
  public Http2Settings initialSettings(boolean server, long maxHeaderListBytes) {
    Http2Settings s = new Http2Settings()
        .headerTableSize(hpackTableSize)
        .initialWindowSize(initialStreamWindowSize)
        .maxHeaderListSize(maxHeaderListBytes);
    if (server) {
      s.maxConcurrentStreams(maxConcurrentStreams);
      if (allowConnect) {
        s.connectProtocolEnabled(true);
      }
    } else {
      s.pushEnabled(false);
    }
    return s;
  }

  /** How much the connection window must grow past the protocol's initial 65535 bytes. */
  public int connectionWindowIncrement() {
    return Math.max(0, initialConnectionWindowSize - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
  }

  public boolean keepaliveEnabled() {
    return keepaliveIntervalMillis > 0;
  }
}
