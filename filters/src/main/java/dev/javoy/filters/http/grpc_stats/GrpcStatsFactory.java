package dev.javoy.filters.http.grpc_stats;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.config.core.v3.GrpcMethodList;
import io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code envoy.filters.http.grpc_stats} ({@code envoy.extensions.filters.http.grpc_stats.v3.FilterConfig}). */
public final class GrpcStatsFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return FilterConfig.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.grpc_stats");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    FilterConfig c = (FilterConfig) config;
    FieldSupport.check(c, "", Set.of("emit_filter_state", "stats_for_all_methods", "individual_method_stats_allowlist",
        "enable_upstream_stats", "replace_dots_in_grpc_service_name"));
    Map<String, Set<String>> allowlist = null;
    if (c.hasIndividualMethodStatsAllowlist()) {
      if (c.hasStatsForAllMethods()) {
        throw new ConfigException("stats_for_all_methods",
            "only one of individual_method_stats_allowlist and stats_for_all_methods may be set");
      }
      allowlist = new HashMap<>();
      GrpcMethodList list = c.getIndividualMethodStatsAllowlist();
      for (int i = 0; i < list.getServicesCount(); i++) {
        GrpcMethodList.Service s = list.getServices(i);
        FieldSupport.check(s, "individual_method_stats_allowlist.services[" + i + "]", Set.of("name", "method_names"));
        allowlist.computeIfAbsent(s.getName(), n -> new java.util.HashSet<>()).addAll(s.getMethodNamesList());
      }
    }
    // Envoy's v3 default: no per-method stats unless asked for.
    boolean all = c.hasStatsForAllMethods() && c.getStatsForAllMethods().getValue();
    return new GrpcStatsFilterConfig(c.getEmitFilterState(), all, allowlist, c.getEnableUpstreamStats(),
        c.getReplaceDotsInGrpcServiceName(), context.stats());
  }
}
