package dev.javoy.proxy.http.hcm;

import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.ServerHeaderTransformation;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What the connection manager does to every response's headers, whatever the codec (Envoy's
 * {@code ConnectionManagerUtility::mutateResponseHeaders}): {@code server}, {@code date}, and
 * {@code x-request-id} when configured.
 */
final class ResponseHeaderMutator {
  private ResponseHeaderMutator() {}

  static void mutate(HttpConnectionManagerConfig cfg, ActiveStream s, HttpResponse resp) {
    HttpHeaders h = resp.headers();
    ServerHeaderTransformation t = cfg.serverHeaderTransformation;
    if (t == ServerHeaderTransformation.OVERWRITE
        || (t == ServerHeaderTransformation.APPEND_IF_ABSENT && !h.contains(HttpHeaderNames.SERVER))) {
      h.set(HttpHeaderNames.SERVER, cfg.serverName);
    }
    h.set(HttpHeaderNames.DATE, DateHeader.now());
    if (cfg.alwaysSetRequestIdInResponse && s.info.requestId != null) {
      h.set(RequestHeaderMutator.X_REQUEST_ID, s.info.requestId);
    }
  }
}
