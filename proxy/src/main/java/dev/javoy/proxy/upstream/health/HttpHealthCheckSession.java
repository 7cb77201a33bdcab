package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * HTTP/1.1 health checks (Envoy's {@code HttpHealthCheckerImpl} with the HTTP/1 codec): a request on a kept-alive
 * connection (a new one when {@code reuse_connection} is false or the server closed it); a status in
 * {@code expected_statuses} passes, one in {@code retriable_statuses} counts towards the threshold, others fail
 * at once. {@code x-envoy-immediate-health-check-fail} fails and excludes the host; {@code x-envoy-degraded}
 * passes as degraded.
 */
final class HttpHealthCheckSession extends HealthCheckSession {
  static final String IMMEDIATE_FAIL = "x-envoy-immediate-health-check-fail";
  static final String DEGRADED = "x-envoy-degraded";
  static final String USER_AGENT = "Envoy/HC";

  private final HealthCheckSpec.Http spec;
  private Channel channel;
  private boolean connected;
  private boolean requestPending;
  private HttpResponse response;

  HttpHealthCheckSession(HealthChecker parent, Host host, HealthCheckSpec.Http spec) {
    super(parent, host);
    this.spec = spec;
  }

  @Override
  protected void onInterval() {
    response = null;
    if (channel != null && channel.isActive() && connected) {
      sendRequest();
      return;
    }
    closeChannel();
    int id = checkId;
    ChannelFuture f = HealthCheckConnector.connect(parent.loop(), host, spec.connectTimeoutMillis(),
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new ResponseReader());
          }
        });
    Channel ch = f.channel();
    channel = ch;
    connected = false;
    f.addListener(x -> {
      if (stopped) {
        return;
      }
      if (x.isSuccess()) {
        if (channel == ch) {
          connected = true;
          if (id == checkId) {
            sendRequest();
          }
        }
      } else {
        if (channel == ch) {
          channel = null;
        }
        if (id == checkId) {
          handleFailure(HealthCheckFailureType.NETWORK, false);
        }
      }
    });
    ch.closeFuture().addListener(x -> onClosed(ch));
  }

  private void sendRequest() {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(spec.method()),
        spec.path());
    HttpHeaders h = req.headers();
    String authority = host.healthCheckHostname().isEmpty() ? spec.host() : host.healthCheckHostname();
    h.set(HttpHeaderNames.HOST, authority);
    h.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    HealthCheckHeaders.apply(h, spec.headersToAdd(), spec.headersToRemove());
    requestPending = true;
    channel.writeAndFlush(req);
  }

  private void onClosed(Channel ch) {
    if (channel != ch) {
      return;
    }
    channel = null;
    connected = false;
    if (requestPending && !stopped) {
      requestPending = false;
      handleFailure(HealthCheckFailureType.NETWORK, false);
    }
  }

  private void onResponseComplete() {
    requestPending = false;
    HttpResponse r = response;
    response = null;
    boolean keepAlive = spec.settings().reuseConnection() && HttpUtil.isKeepAlive(r);
    if (!keepAlive) {
      closeChannel();
    }
    int code = r.status().code();
    if (r.headers().contains(IMMEDIATE_FAIL)) {
      host.healthFlagSet(Host.EXCLUDED_VIA_IMMEDIATE_HC_FAIL);
      handleFailure(HealthCheckFailureType.ACTIVE, false);
      return;
    }
    if (HealthCheckSpec.StatusRange.any(spec.expectedStatuses(), code)) {
      handleSuccess(r.headers().contains(DEGRADED));
    } else {
      handleFailure(HealthCheckFailureType.ACTIVE, HealthCheckSpec.StatusRange.any(spec.retriableStatuses(), code));
    }
  }

  @Override
  protected void onTimeout() {
    requestPending = false;
    closeChannel();
  }

  @Override
  protected void close() {
    requestPending = false;
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

  private final class ResponseReader extends SimpleChannelInboundHandler<HttpObject> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (ctx.channel() != channel || !requestPending) {
        return;
      }
      if (msg instanceof HttpResponse r) {
        if (r.status().code() >= 100 && r.status().code() < 200) {
          return; // informational
        }
        response = r;
      }
      if (msg instanceof LastHttpContent && response != null) {
        onResponseComplete();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
