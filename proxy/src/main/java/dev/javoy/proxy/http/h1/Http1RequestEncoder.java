package dev.javoy.proxy.http.h1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The upstream HTTP/1.1 request encoder (in place of Netty's {@code HttpClientCodec} encoder): request line and
 * headers in one exactly sized pooled buffer, the body as is or chunked ({@link Http1MessageEncoder}). Tells the
 * connection's {@link Http1ResponseDecoder} each request's method (a response to HEAD has no body; a 2xx to
 * CONNECT starts a tunnel).
 */
public final class Http1RequestEncoder extends Http1MessageEncoder {
  private final Http1ResponseDecoder decoder;

  public Http1RequestEncoder(Http1ResponseDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  protected boolean contentAlwaysEmpty(HttpMessage m) {
    decoder.requestSent(((HttpRequest) m).method());
    return false;
  }

  @Override
  protected int startLineLength(HttpMessage m) {
    HttpRequest r = (HttpRequest) m;
    String uri = r.uri();
    return r.method().asciiName().length() + 1 + (uri.isEmpty() ? 1 : uri.length()) + 1
        + r.protocolVersion().text().length() + 2;
  }

  @Override
  protected void writeStartLine(HttpMessage m, ByteBuf out) {
    HttpRequest r = (HttpRequest) m;
    ByteBufUtil.copy(r.method().asciiName(), out);
    out.writeByte(' ');
    String uri = r.uri();
    if (uri.isEmpty()) {
      out.writeByte('/'); // as Netty's encoder: an empty target is the root
    } else {
      ByteBufUtil.writeAscii(out, uri);
    }
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, r.protocolVersion().text());
    out.writeShort(('\r' << 8) | '\n');
  }
}
