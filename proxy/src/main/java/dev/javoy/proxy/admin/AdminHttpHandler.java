package dev.javoy.proxy.admin;

import dev.javoy.proxy.log.Log;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns each aggregated HTTP/1.1 request into an {@link AdminRequest}, dispatches it on the channel's event
 * loop and writes the response with Envoy's admin headers ({@code cache-control: no-cache, max-age=0},
 * {@code x-content-type-options: nosniff}). Work a response carries (such as shutting down) runs once the
 * response is written.
 */
@ChannelHandler.Sharable
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = Log.get("admin");

  private final AdminEndpoints endpoints;

  AdminHttpHandler(AdminEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    AdminResponse response;
    if (!request.decoderResult().isSuccess()) {
      response = AdminResponse.text(400, "Bad Request\n");
      keepAlive = false;
    } else {
      AdminRequest adminRequest = AdminRequest.parse(request.method().name(), request.uri());
      String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
      if (request.content().isReadable() && contentType != null
          && contentType.startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
        adminRequest = adminRequest.withForm(request.content().toString(StandardCharsets.UTF_8));
      }
      response = endpoints.dispatch(adminRequest);
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()),
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    http.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, max-age=0")
        .set("x-content-type-options", "nosniff")
        .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
        .set(HttpHeaderNames.SERVER, "envoy")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
    if (!keepAlive) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(http);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    Runnable after = response.afterSend();
    if (after != null) {
      written.addListener(f -> after.run());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.FINE, "admin connection error", cause);
    ctx.close();
  }
}
