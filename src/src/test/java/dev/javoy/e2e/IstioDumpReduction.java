package dev.javoy.e2e;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.Map;
import java.util.Set;

/**
 * Strips from an Istio dump's resources what areas other than xDS have not built yet, so the rest can be served
 * and routed today: Cluster.filters (Istio's upstream metadata exchange); Istio's network filters ({@code istio.*}, {@code istio_authn}, types
 * this test cannot even parse); the HCM's {@code tracing}, {@code normalize_path}, {@code path_with_escaped_slashes_action}, {@code request_id_extension} and its Istio/Wasm/grpc_stats HTTP filters (Lua stays:
 * the listener Envoy rejected must still be rejected, for it); 1.9's
 * route configurations' {@code max_direct_response_body_size_bytes}. Everything xDS, listeners, routes and
 * clusters do with the rest stays as istiod sent it.
 */
final class IstioDumpReduction {
  private static final Set<String> HTTP_FILTERS_OF_OTHER_AREAS = Set.of("envoy.filters.http.wasm",
      "envoy.filters.http.grpc_stats", "istio.alpn", "istio.metadata_exchange",
      "istio.stats", "istio_authn", "istio.authn");

  private IstioDumpReduction() {}

  static void apply(IstioConfigDumpXdsEndToEndTest.Served s, IstioDumpResources res) throws Exception {
    for (Map.Entry<String, Cluster> e : s.clusters.entrySet()) {
      e.setValue(e.getValue().toBuilder().clearFilters().build());
    }
    s.routes.replaceAll((name, r) -> r.toBuilder().clearMaxDirectResponseBodySizeBytes().build());
    for (Map.Entry<String, Listener> e : s.listeners.entrySet()) {
      Listener.Builder l = e.getValue().toBuilder();
      for (FilterChain.Builder fc : l.getFilterChainsBuilderList()) {
        reduce(fc, res);
      }
      if (l.hasDefaultFilterChain()) {
        reduce(l.getDefaultFilterChainBuilder(), res);
      }
      e.setValue(l.build());
    }
  }

  private static void reduce(FilterChain.Builder fc, IstioDumpResources res) throws Exception {
    for (int i = fc.getFiltersCount() - 1; i >= 0; i--) {
      Filter f = fc.getFilters(i);
      if (f.getName().startsWith("istio") || res.unknownTypes.contains(f.getTypedConfig().getTypeUrl())) {
        fc.removeFilters(i);
      } else if (f.getTypedConfig().is(HttpConnectionManager.class)) {
        HttpConnectionManager.Builder hcm = f.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder()
            .clearTracing().clearNormalizePath().clearPathWithEscapedSlashesAction()
            .clearRequestIdExtension();
        for (int j = hcm.getHttpFiltersCount() - 1; j >= 0; j--) {
          HttpFilter h = hcm.getHttpFilters(j);
          if (HTTP_FILTERS_OF_OTHER_AREAS.contains(h.getName())
              || res.unknownTypes.contains(h.getTypedConfig().getTypeUrl())) {
            hcm.removeHttpFilters(j);
          }
        }
        fc.setFilters(i, f.toBuilder().setTypedConfig(Any.pack(hcm.build())));
      }
    }
  }
}
