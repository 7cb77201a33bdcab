package dev.javoy.proxy.http.hcm;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig;

/**
 * {@code request_id_extension}: only Envoy's default, {@code envoy.request_id.uuid} (which Istio configures on every
 * connection manager). Its two options concern tracing: {@code pack_trace_reason} packs the trace decision into
 * the UUID and {@code use_request_id_for_trace_sampling} samples by it; {@code tracing.HttpTracingConfig} reads them.
 */
final class UuidRequestIds {
  static final String TYPE_URL = "type.googleapis.com/" + UuidRequestIdConfig.getDescriptor().getFullName();

  private UuidRequestIds() {}

  static void check(HttpConnectionManager p, String path) throws ConfigException {
    if (!p.hasRequestIdExtension()) {
      return;
    }
    String ext = FieldSupport.join(path, "request_id_extension");
    var r = p.getRequestIdExtension();
    FieldSupport.check(r, ext, java.util.Set.of("typed_config"));
    if (!r.getTypedConfig().getTypeUrl().equals(TYPE_URL)) {
      throw new ConfigException(ext + ".typed_config", "unsupported request id extension with type URL "
          + r.getTypedConfig().getTypeUrl() + " (javoy has envoy.request_id.uuid only)");
    }
  }
}
