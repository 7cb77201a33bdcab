package dev.javoy.proxy.http.filter;

import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.http.upgrade.UpgradeTunnel;
import io.netty.channel.Channel;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;

/** What the connection manager offers a filter of one stream (Envoy's decoder/encoder filter callbacks). */
public interface HttpFilterCallbacks {
  StreamInfo streamInfo();

  DownstreamConnection connection();

  EventLoop eventLoop();

  /** The route chosen for the request, or null when none matched. */
  Route route();

  /** Re-runs route selection (after a filter changed headers that routing depends on). */
  void clearRouteCache();

  /** This filter's {@code typed_per_filter_config} on the route, virtual host or route config, or null. */
  Object perFilterConfig();

  /**
   * Every {@code typed_per_filter_config} of this filter that applies, most specific first (the route's, then the
   * virtual host's), for filters that merge them field by field as Envoy's CORS filter does. Empty when none.
   */
  default List<Object> perFilterConfigs() {
    Object o = perFilterConfig();
    return o == null ? List.of() : List.of(o);
  }

  /**
   * Ends the stream with a locally generated response (Envoy's {@code sendLocalReply}); the local reply
   * config of the connection manager may rewrite it.
   *
   * @param flag the response flag to record, or null
   * @param details {@code %RESPONSE_CODE_DETAILS%}
   */
  void sendLocalReply(int code, String body, ResponseFlag flag, String details);

  /**
   * {@link #sendLocalReply(int, String, ResponseFlag, String)} with the filter's own headers added to the reply
   * (Envoy's {@code modify_headers}), such as a rate limit filter's {@code response_headers_to_add}.
   *
   * @param modifyHeaders edits the reply's headers before they go through the encoder filters, or null
   */
  default void sendLocalReply(int code, String body, ResponseFlag flag, String details,
      Consumer<HttpHeaders> modifyHeaders) {
    if (modifyHeaders != null) {
      throw new UnsupportedOperationException("local reply headers are not supported here");
    }
    sendLocalReply(code, body, flag, details);
  }

  /** Resumes request iteration after this filter returned {@link FilterStatus#STOP_ITERATION}. */
  void continueDecoding();

  /** Resumes response iteration after this filter returned {@link FilterStatus#STOP_ITERATION}. */
  void continueEncoding();

  /** Sends response headers from this filter onward (used by the terminal filter, the router). */
  void encodeHeaders(HttpResponse response, boolean endStream);

  /**
   * Sends response data from this filter onward (the router's response body, or data a filter made, as
   * Envoy's {@code injectEncodedDataToFilterChain}); ownership of {@code data} passes on.
   */
  void encodeData(HttpContent data, boolean endStream);

  /**
   * Passes request data from this filter on to the next ones (Envoy's
   * {@code injectDecodedDataToFilterChain}); ownership of {@code data} passes on.
   */
  void injectDecodedData(HttpContent data, boolean endStream);

  /** Pauses or resumes reading the downstream request body (flow control). */
  void setDownstreamReading(boolean enabled);

  /** Whether the downstream connection can take more response bytes now. */
  boolean downstreamWritable();

  /**
   * An encoder filter holding back response data asks the response's source (the router's upstream) to pause
   * ({@code false}) or resume ({@code true}): Envoy's {@code onEncoderFilterAboveWriteBufferHighWatermark} and
   * {@code ...BelowWriteBufferLowWatermark}. Advisory: the source may still deliver what it already read.
   */
  default void setResponseSourceReading(boolean enabled) {}

  /** Resets the stream (closes the downstream connection for HTTP/1). */
  void resetStream();

  /**
   * After a {@code 101} response went out with {@link #encodeHeaders}: switches the downstream connection to a
   * byte tunnel with {@code upstream} (HTTP/1.1 upgrades); the caller attaches the upstream side. Null when the
   * downstream codec cannot.
   */
  default UpgradeTunnel startTunnel(Channel upstream) {
    return null;
  }
}
