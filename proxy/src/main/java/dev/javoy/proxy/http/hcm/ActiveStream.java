package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.event.LoopClock;
import dev.javoy.proxy.event.DeadlineQueue;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.http.route.RouteTable;
import dev.javoy.proxy.http.route.VirtualHost;
import dev.javoy.proxy.http.upgrade.UpgradePolicy;
import dev.javoy.proxy.http.upgrade.UpgradeTunnel;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP request/response exchange going through the connection manager's filter chain (Envoy's
 * {@code ActiveStream}): decoder filters in order, then the router; the response back through encoder filters
 * in reverse order. Lives on the connection's worker thread.
 */
final class ActiveStream extends DeadlineQueue.Entry {
  private static final HttpFilter[] NO_FILTERS = new HttpFilter[0];
  /** The codec of this stream (HTTP/1.1: the connection; HTTP/2: the stream); changes when the object is reused. */
  private StreamCodec connection;
  private final HttpConnectionManagerConfig config;
  /** This stream's filter instances and StreamInfo, possibly reused from an earlier stream of this worker. */
  private final StreamFilterChain chain;
  final StreamInfo info;
  /** The chain's filters; empty once the stream ended and the chain went back to its pool. */
  private HttpFilter[] filters;
  private HttpRequest request;
  private boolean headersEndStream;
  private Route route;
  private boolean routeResolved;
  /** Index of the decoder filter that stopped header iteration, or -1 once headers passed every filter. */
  private int headerStop = -1;
  /** Index of the decoder filter holding back request data, or -1. */
  private int dataHold = -1;
  /** Request data held back by a filter; allocated only when that happens. */
  private ArrayDeque<HeldData> heldData;
  boolean requestComplete;
  boolean responseStarted;
  boolean responseComplete;
  private boolean destroyed;
  /**
   * {@code stream_idle_timeout}: this stream is an entry of the loop's queue for that timeout, moved to its tail
   * by every request or response event; null when the timeout is off.
   */
  private DeadlineQueue idleTimer;
  /** {@code request_timeout}: the whole request must have arrived by then. */
  private ScheduledFuture<?> requestTimer;
  /** The request's tracing when the connection manager has {@code tracing}, else null. */
  private dev.javoy.proxy.tracing.StreamTracing tracing;

  /**
   * A stream on {@code connection}: this object is new, its filters and StreamInfo may be reused ones. Codecs that
   * can call {@link #open} instead save this object too.
   */
  ActiveStream(StreamCodec connection, HttpConnectionManagerConfig config) {
    this.config = config;
    this.connection = connection;
    StreamFilterChain c = StreamFilterChainPool.take(config, this);
    this.chain = c;
    this.info = c.info;
    begin(connection);
  }

  /** A new chain's first stream (the chain's constructor is running). */
  private ActiveStream(StreamCodec connection, HttpConnectionManagerConfig config, StreamFilterChain chain) {
    this.config = config;
    this.connection = connection;
    this.chain = chain;
    this.info = chain.info;
  }

  /** A chain's stream object, made with it. */
  static ActiveStream forNewChain(HttpConnectionManagerConfig config, StreamFilterChain chain) {
    return new ActiveStream(null, config, chain);
  }

  /**
   * A stream on {@code connection}, reusing a whole stream of this worker (this object, its filters and its
   * StreamInfo) when one is free: for codecs that drop their reference to a stream once it is destroyed.
   */
  static ActiveStream open(StreamCodec connection, HttpConnectionManagerConfig config) {
    StreamFilterChain c = StreamFilterChainPool.take(config, null);
    ActiveStream s = c.owner;
    s.reopen(connection);
    return s;
  }

  /** Clears what the object's previous stream left (every per-stream field; {@code ActiveStreamFieldsTest}). */
  private void reopen(StreamCodec connection) {
    this.connection = connection;
    request = null;
    headersEndStream = false;
    route = null;
    routeResolved = false;
    headerStop = -1;
    dataHold = -1;
    heldData = null;
    requestComplete = false;
    responseStarted = false;
    responseComplete = false;
    destroyed = false;
    idleTimer = null;
    requestTimer = null;
    tracing = null;
    begin(connection);
  }

  private void begin(StreamCodec connection) {
    this.filters = chain.filters;
    info.restartClock();
    DownstreamConnection dc = connection.downstream();
    info.downstreamLocalAddress = dc.localAddress();
    info.downstreamRemoteAddress = dc.remoteAddress();
    info.downstreamDirectRemoteAddress = dc.remoteAddress();
    info.connectionId = dc.id();
    info.filterChainName = dc.filterChainName();
    info.requestedServerName = dc.requestedServerName();
    info.downstreamTls = dc.tls();
  }

  // ---- request path ----

  /** @param endStream the request has no body (it is complete with its headers) */
  void decodeHeaders(HttpRequest req, boolean endStream) {
    this.request = req;
    this.headersEndStream = endStream;
    if (endStream) {
      requestComplete = true;
      info.lastDownstreamRxNanos = LoopClock.nanoTime();
    }
    info.requestHeaders = req;
    info.protocol = connection.protocol(req);
    startTimers();
    if (config.pathNormalizer.enabled() && !normalizePath(req)) {
      return;
    }
    RequestHeaderMutator.mutate(config, connection.downstream(), req, info);
    resolveRoute();
    if (config.tracing != null) {
      tracing = dev.javoy.proxy.tracing.StreamTracing.start(config.tracing, route, req, info);
    }
    if (config.upgrades.rejects(req, route != null && route.action() instanceof ClusterAction c
        ? c.upgrades() : null)) {
      sendLocalReply(403, "", null, UpgradePolicy.UPGRADE_FAILED);
      return;
    }
    iterateDecodeHeaders(0);
  }

  /**
   * The HCM's path handling, once, before routing: routing, filters, the upstream and access logs all see the
   * result. False when the request got a local reply (400 for a path that is rejected, 307 to the unescaped path).
   */
  private boolean normalizePath(HttpRequest req) {
    String uri = req.uri();
    String path = pathOf(req);
    PathNormalizer.Result r = config.pathNormalizer.apply(path);
    if (r.action() == PathNormalizer.Action.REJECT) {
      config.stats.downstreamRqFailedPathNormalization.inc();
      sendLocalReply(400, "", null, PATH_NORMALIZATION_FAILED);
      return false;
    }
    if (!r.uri().equals(path)) {
      req.setUri(uri.length() == path.length() ? r.uri() : uri.substring(0, uri.length() - path.length()) + r.uri());
    }
    if (r.action() == PathNormalizer.Action.REDIRECT) {
      config.stats.downstreamRqRedirectedWithNormalizedPath.inc();
      sendLocalReply(307, "", null, PATH_NORMALIZATION_FAILED, h -> h.set(HttpHeaderNames.LOCATION, r.uri()));
      return false;
    }
    return true;
  }

  /** Envoy's response code details for a path the HCM rejected or redirected. */
  static final String PATH_NORMALIZATION_FAILED = "path_normalization_failed";

  private void resolveRoute() {
    routeResolved = true;
    RouteTable table = config.routes.current();
    // the Host value stays a view over the request's bytes (no String) when it cannot change the virtual host
    VirtualHost vh = table.findVirtualHost(table.hostMatters() ? request.headers().get(HttpHeaderNames.HOST) : null);
    route = vh == null ? null : vh.match(request, pathOf(request));
    if (route != null) {
      info.routeName = route.name();
      info.virtualHostName = vh.name();
    }
  }

  /** The request path (origin form), even when the request line had an absolute URI. */
  static String pathOf(HttpRequest req) {
    String uri = req.uri();
    if (uri.startsWith("/")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int slash = uri.indexOf('/', scheme + 3);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  private void iterateDecodeHeaders(int from) {
    for (int i = from; i < filters.length && !responseComplete; i++) {
      if (filters[i].decodeHeaders(request, headersEndStream) == FilterStatus.STOP_ITERATION) {
        headerStop = i;
        return;
      }
    }
    headerStop = -1;
  }

  /**
   * Request data goes through the filters up to and including the one that stopped header iteration (Envoy's
   * rule); a filter returning STOP_ITERATION from decodeData holds the data back from the filters after it
   * until it calls continueDecoding(). Data that cannot go further yet is buffered here.
   */
  void decodeData(HttpContent content, boolean last) {
    info.bytesReceived += content.content().readableBytes();
    onActivity();
    if (last) {
      requestComplete = true;
      info.lastDownstreamRxNanos = LoopClock.nanoTime();
      if (requestTimer != null) {
        requestTimer.cancel(false);
        requestTimer = null;
      }
    }
    if (responseComplete) {
      content.release();
      return;
    }
    deliverData(content, last, 0);
  }

  /**
   * Runs request data through the decoder filters from {@code from} (Envoy's rules): data reaches the filter
   * that stopped header iteration and no further; a filter returning STOP_ITERATION holds the data (buffered
   * here, in order) until it returns CONTINUE for later data or calls continueDecoding(); the terminal filter
   * consumes what it gets.
   */
  private void deliverData(HttpContent content, boolean last, int from) {
    for (int i = from; i < filters.length; i++) {
      if (responseComplete) {
        break;
      }
      FilterStatus st = filters[i].decodeData(content, last);
      if (st == FilterStatus.STOP_ITERATION_NO_BUFFER || i == filters.length - 1) {
        break;
      }
      if (st == FilterStatus.STOP_ITERATION || i == headerStop) {
        hold(i, content, last);
        return;
      }
      if (i == dataHold) {
        flushHeld(i + 1); // the holding filter let data through: what it held goes first
      }
    }
    content.release();
  }

  private void hold(int filterIndex, HttpContent content, boolean last) {
    dataHold = Math.max(dataHold, filterIndex);
    if (heldData == null) {
      heldData = new ArrayDeque<>(4);
    }
    heldData.addLast(new HeldData(content, last));
  }

  /** Sends held data on from filter {@code from}, in arrival order. */
  private void flushHeld(int from) {
    dataHold = -1;
    if (heldData == null || heldData.isEmpty()) {
      return;
    }
    ArrayDeque<HeldData> pending = heldData;
    heldData = null;
    HeldData d;
    while ((d = pending.pollFirst()) != null) {
      if (responseComplete) {
        d.content().release();
      } else {
        deliverData(d.content(), d.last(), from);
      }
    }
  }

  private void continueDecoding(int filterIndex) {
    if (headerStop == filterIndex) {
      iterateDecodeHeaders(filterIndex + 1);
      flushHeld(filterIndex + 1);
    } else if (dataHold == filterIndex) {
      flushHeld(filterIndex + 1);
    }
  }

  /** Request data waiting behind a filter, with its end-of-stream flag. */
  private record HeldData(HttpContent content, boolean last) {}

  // ---- response path ----

  void encodeHeaders(int fromFilter, HttpResponse response, boolean endStream) {
    for (int i = fromFilter - 1; i >= 0; i--) {
      filters[i].encodeHeaders(response, endStream);
    }
    responseStarted = true;
    onActivity();
    info.responseHeaders = response;
    info.responseCode = response.status().code();
    if (info.responseCodeDetails == null) {
      info.responseCodeDetails = "via_upstream";
    }
    if (info.firstDownstreamTxNanos == 0) {
      info.firstDownstreamTxNanos = LoopClock.nanoTime();
    }
    ResponseHeaderMutator.mutate(config, this, response);
    if (tracing != null) {
      tracing.onResponseHeaders(response.headers());
    }
    connection.writeResponseHeaders(this, response);
    if (endStream) {
      connection.writeResponseData(this, LastHttpContent.EMPTY_LAST_CONTENT, true);
      finishResponse();
    }
  }

  void encodeData(int fromFilter, HttpContent data, boolean last) {
    onActivity();
    for (int i = fromFilter - 1; i >= 0; i--) {
      if (filters[i].encodeData(data, last) != FilterStatus.CONTINUE) {
        // The filter keeps (retained) or transforms the data and injects what follows itself.
        data.release();
        return;
      }
    }
    info.bytesSent += data.content().readableBytes();
    connection.writeResponseData(this, data, last);
    if (last) {
      finishResponse();
    }
  }

  void sendLocalReply(int code, String body, ResponseFlag flag, String details) {
    sendLocalReply(code, body, flag, details, null);
  }

  /** @param modifyHeaders adds a filter's headers to the reply (Envoy's {@code modify_headers}), or null */
  void sendLocalReply(int code, String body, ResponseFlag flag, String details, Consumer<HttpHeaders> modifyHeaders) {
    if (flag != null) {
      info.setResponseFlag(flag);
    }
    info.responseCodeDetails = details;
    if (responseStarted) {
      // Headers already went out: the only thing left to do is to reset the stream.
      resetStream();
      return;
    }
    LocalReplies.Reply reply = LocalReplies.build(config, info, code, body);
    if (modifyHeaders != null) {
      modifyHeaders.accept(reply.headers().headers());
    }
    encodeHeaders(filters.length, reply.headers(), false);
    encodeData(filters.length, reply.body(), true);
  }

  private void finishResponse() {
    responseComplete = true;
    cancelTimers();
    info.lastDownstreamTxNanos = LoopClock.nanoTime();
    connection.onResponseComplete(this);
  }

  /** The stream is over (completed, or the connection went away): log it and release the filters. */
  void destroy(boolean downstreamReset) {
    if (destroyed) {
      return;
    }
    destroyed = true;
    cancelTimers();
    if (downstreamReset && !responseComplete) {
      info.setResponseFlag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION);
      if (info.connectionTerminationDetails == null) {
        info.connectionTerminationDetails = "downstream_remote_disconnect";
      }
      config.stats.downstreamRqRxReset.inc();
    }
    info.endNanos = LoopClock.nanoTime();
    for (HttpFilter f : filters) {
      f.onDestroy();
    }
    HeldData d;
    while (heldData != null && (d = heldData.pollFirst()) != null) {
      d.content().release();
    }
    if (tracing != null) {
      tracing.finish(info, route);
    }
    for (int i = 0, n = config.accessLogs.size(); i < n; i++) { // indexed: no iterator per request
      config.accessLogs.get(i).log(info);
    }
    // Nothing reaches the filters or the StreamInfo through this stream any more: another stream may reuse them.
    filters = NO_FILTERS;
    request = null;
    route = null;
    tracing = null;
    StreamFilterChainPool.giveBack(config, chain);
  }

  // ---- stream timeouts (on the connection's event loop) ----

  private void startTimers() {
    EventLoop loop = connection.downstream().channel().eventLoop();
    if (config.streamIdleTimeoutMillis > 0) {
      idleTimer = DeadlineQueue.of(loop, config.streamIdleTimeoutMillis);
      idleTimer.arm(this);
    }
    if (config.requestTimeoutMillis > 0 && !requestComplete) {
      requestTimer = loop.schedule(this::onRequestTimeout, config.requestTimeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void cancelTimers() {
    if (idleTimer != null) {
      cancelDeadline();
      idleTimer = null;
    }
    if (requestTimer != null) {
      requestTimer.cancel(false);
      requestTimer = null;
    }
  }

  /** Envoy's {@code maybeRequestTimeoutCode}: 408 while the request is still arriving, else 504. */
  private int timeoutCode() {
    return requestComplete ? 504 : 408;
  }

  /** A request or response event: {@code stream_idle_timeout} starts over. */
  private void onActivity() {
    if (idleTimer != null && deadlineArmed()) {
      idleTimer.rearm(this);
    }
  }

  /** {@code stream_idle_timeout} elapsed without a request or response event. */
  @Override
  protected void onDeadline() {
    idleTimer = null;
    if (destroyed || responseComplete) {
      return;
    }
    config.stats.downstreamRqIdleTimeout.inc();
    sendLocalReply(timeoutCode(), "stream timeout", ResponseFlag.STREAM_IDLE_TIMEOUT, "stream_idle_timeout");
  }

  private void onRequestTimeout() {
    requestTimer = null;
    if (destroyed || responseComplete || requestComplete) {
      return;
    }
    config.stats.downstreamRqTimeout.inc();
    sendLocalReply(timeoutCode(), "request timeout", null, "request_overall_timeout");
  }

  void resetStream() {
    connection.resetStream(this);
  }

  Route route() {
    if (!routeResolved) {
      resolveRoute();
    }
    return route;
  }

  /**
   * Per-filter view of the stream. It belongs to the filter instance: when the {@link StreamFilterChain} is reused,
   * the same callbacks serve the next stream ({@link #stream} changes).
   */
  static final class FilterCallbacks implements HttpFilterCallbacks {
    private final int index;
    private final String name;
    private final StreamInfo info;
    /** The stream these callbacks serve now (or served last, while the chain waits in its pool). */
    ActiveStream stream;

    FilterCallbacks(int index, String name, StreamInfo info) {
      this.index = index;
      this.name = name;
      this.info = info;
    }

    @Override
    public StreamInfo streamInfo() {
      return info;
    }

    @Override
    public DownstreamConnection connection() {
      return stream.connection.downstream();
    }

    @Override
    public EventLoop eventLoop() {
      return stream.connection.downstream().channel().eventLoop();
    }

    @Override
    public Route route() {
      return stream.route();
    }

    @Override
    public void clearRouteCache() {
      stream.routeResolved = false;
    }

    @Override
    public Object perFilterConfig() {
      Route r = stream.route();
      return r == null ? null : r.perFilterConfig(name);
    }

    @Override
    public List<Object> perFilterConfigs() {
      Route r = stream.route();
      if (r == null) {
        return List.of();
      }
      Object own = r.perFilterConfig().get(name);
      Object vhost = r.virtualHost().perFilterConfig().get(name);
      if (own == null || vhost == null) {
        return own != null ? List.of(own) : vhost != null ? List.of(vhost) : List.of();
      }
      return List.of(own, vhost);
    }

    @Override
    public void sendLocalReply(int code, String body, ResponseFlag flag, String details) {
      stream.sendLocalReply(code, body, flag, details);
    }

    @Override
    public void sendLocalReply(int code, String body, ResponseFlag flag, String details,
        Consumer<HttpHeaders> modifyHeaders) {
      stream.sendLocalReply(code, body, flag, details, modifyHeaders);
    }

    @Override
    public void continueDecoding() {
      stream.continueDecoding(index);
    }

    @Override
    public void continueEncoding() {
      // Encoder filters cannot stop iteration yet; nothing is ever paused.
    }

    @Override
    public void encodeHeaders(HttpResponse response, boolean endStream) {
      stream.encodeHeaders(index, response, endStream);
    }

    @Override
    public void encodeData(HttpContent data, boolean endStream) {
      stream.encodeData(index, data, endStream);
    }

    @Override
    public void injectDecodedData(HttpContent data, boolean endStream) {
      ActiveStream s = stream;
      if (s.responseComplete) {
        data.release();
        return;
      }
      s.deliverData(data, endStream, index + 1);
    }

    @Override
    public void setDownstreamReading(boolean enabled) {
      stream.connection.setReading(enabled);
    }

    @Override
    public boolean downstreamWritable() {
      return stream.connection.writable();
    }

    @Override
    public void setResponseSourceReading(boolean enabled) {
      if (stream.terminalFilter() instanceof DownstreamWatermarkListener l) {
        l.onDownstreamWritabilityChanged(enabled);
      }
    }

    @Override
    public void resetStream() {
      stream.resetStream();
    }

    @Override
    public UpgradeTunnel startTunnel(Channel upstream) {
      return stream.connection.startTunnel(stream, upstream);
    }
  }

  HttpConnectionManagerConfig config() {
    return config;
  }

  HttpFilter terminalFilter() {
    return filters.length == 0 ? null : filters[filters.length - 1];
  }
}
