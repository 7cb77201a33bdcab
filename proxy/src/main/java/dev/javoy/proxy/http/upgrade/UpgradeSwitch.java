package dev.javoy.proxy.http.upgrade;

import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.upstream.UpstreamStream;
import dev.javoy.proxy.upstream.http1.Http1UpstreamConnection;
import io.netty.channel.Channel;
import dev.javoy.proxy.http.h1.Http1RequestEncoder;
import dev.javoy.proxy.http.h1.Http1ResponseDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The router's side of a {@code 101 Switching Protocols}: both connections become one tunnel. */
public final class UpgradeSwitch {
  private UpgradeSwitch() {}

  /**
   * Sends the response down and switches to a tunnel: an HTTP/1.1 downstream gets the {@code 101} and both
   * connections become an {@link UpgradeTunnel}; an HTTP/2 downstream (extended CONNECT) gets a {@code 200} and
   * its stream a {@link StreamTunnel} to the upstream connection. Returns null when the switch is impossible
   * (nothing was sent; the caller resets the stream and the upstream connection).
   *
   * @param upgrade the request's {@code Upgrade} token
   * @param http2Downstream whether the downstream stream is HTTP/2
   */
  public static Tunnel start(HttpFilterCallbacks callbacks, UpstreamStream upstream, HttpResponse response,
      String upgrade, boolean http2Downstream) {
    if (!(upstream instanceof Http1UpstreamConnection conn)) {
      return null;
    }
    Channel ch = upstream.channel();
    if (http2Downstream) {
      // RFC 8441: the 101 becomes a 200 on the stream (Envoy's transformUpgradeResponseFromH1toH2)
      response.setStatus(HttpResponseStatus.OK);
      response.headers().remove(HttpHeaderNames.UPGRADE).remove(HttpHeaderNames.CONNECTION);
      StreamTunnel t = new StreamTunnel(callbacks, ch);
      callbacks.encodeHeaders(response, false);
      t.attach(conn);
      return t;
    }
    UpgradePolicy.restore(response.headers(), upgrade);
    callbacks.encodeHeaders(response, false);
    UpgradeTunnel tunnel = callbacks.startTunnel(ch);
    if (tunnel == null) {
      return null;
    }
    conn.detachForTunnel();
    tunnel.attach(ch, conn, ch.pipeline().get(Http1ResponseDecoder.class)); // unread bytes go to the tunnel
    Http1RequestEncoder encoder = ch.pipeline().get(Http1RequestEncoder.class);
    if (encoder != null) {
      ch.pipeline().remove(encoder);
    }
    return tunnel;
  }
}
