package dev.javoy.proxy.http.hcm;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation;
import dev.javoy.proxy.http.h1.FlatHttpHeaders;
import dev.javoy.proxy.http.h1.TrustedHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * What the connection manager does to every response's headers, whatever the codec (Envoy's
 * {@code ConnectionManagerUtility::mutateResponseHeaders}): {@code server}, {@code date}, and
 * {@code x-request-id} when configured. Set as Envoy sets these inline headers: in place (an upstream's
 * {@code server}/{@code date} keep their position), with javoy's own values unchecked per response.
 */
final class ResponseHeaderMutator {
  private ResponseHeaderMutator() {}

  static void mutate(HttpConnectionManagerConfig cfg, ActiveStream s, HttpResponse resp) {
    HttpHeaders h = resp.headers();
    ServerHeaderTransformation t = cfg.serverHeaderTransformation;
    // server and date found in one pass over the names; date formatted by javoy, once a second
    if (t == ServerHeaderTransformation.OVERWRITE || t == ServerHeaderTransformation.APPEND_IF_ABSENT) {
      TrustedHeaders.set(h, HttpHeaderNames.SERVER, serverName(cfg.serverName),
          t == ServerHeaderTransformation.APPEND_IF_ABSENT, HttpHeaderNames.DATE, DateHeader.now());
    } else { // PASS_THROUGH
      TrustedHeaders.set(h, null, null, false, HttpHeaderNames.DATE, DateHeader.now());
    }
    if (cfg.alwaysSetRequestIdInResponse && s.info.requestId != null) {
      h.set(RequestHeaderMutator.X_REQUEST_ID, s.info.requestId); // maybe the client's: checked
    }
  }

  /** A configured server name, checked as a header value once and kept as bytes, by the name's identity. */
  private record ServerName(String name, AsciiString value) {}

  /** Racy on purpose: a slot holds an immutable entry or a stale one; a miss only checks again. */
  private static final ServerName[] SERVER_NAMES = new ServerName[16];

  private static AsciiString serverName(String name) {
    int slot = System.identityHashCode(name) & (SERVER_NAMES.length - 1);
    ServerName e = SERVER_NAMES[slot];
    if (e == null || e.name != name) {
      VALUE_VALIDATOR.validate(name); // throws on a value Netty's headers would refuse, as set did
      e = new ServerName(name, new AsciiString(name));
      SERVER_NAMES[slot] = e;
    }
    return e.value;
  }

  private static final io.netty.handler.codec.DefaultHeaders.ValueValidator<CharSequence> VALUE_VALIDATOR =
      io.netty.handler.codec.http.DefaultHttpHeadersFactory.headersFactory().getValueValidator();
}
