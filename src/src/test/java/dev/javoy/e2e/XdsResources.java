package dev.javoy.e2e;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/** The xDS resources end-to-end tests serve from a {@link ControlPlane}: built as protos or parsed from JSON. */
final class XdsResources {
  private XdsResources() {}

  /** Merges proto JSON into {@code builder}, with javoy's type registry for the {@code Any}s inside. */
  static <T extends Message.Builder> T parse(String json, T builder) throws Exception {
    JsonFormat.parser().usingTypeRegistry(CoreTypes.defaultRegistry().typeRegistry()).merge(json, builder);
    return builder;
  }

  /** {@code {ads: {}}}. */
  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
  }

  /** {@code {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}} as JSON. */
  static String adsJson() {
    return "{\"ads\": {}, \"initial_fetch_timeout\": \"0s\", \"resource_api_version\": \"V3\"}";
  }

  /** 127.0.0.1:{@code port}. */
  static Address address(int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
        .setPortValue(port)).build();
  }

  /** A listener on 127.0.0.1:{@code port} with one filter chain: this connection manager, router added. */
  static Listener listener(String name, int port, HttpConnectionManager.Builder hcm) {
    hcm.addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())));
    return Listener.newBuilder().setName(name).setAddress(address(port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  /** A connection manager taking route configuration {@code routeConfigName} over ADS. */
  static HttpConnectionManager.Builder rdsConnectionManager(String statPrefix, String routeConfigName) {
    return HttpConnectionManager.newBuilder().setStatPrefix(statPrefix)
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfigName).setConfigSource(ads()));
  }

  /** Route configuration {@code name}: every domain, {@code prefix} to {@code cluster}. */
  static RouteConfiguration routes(String name, String prefix, String cluster) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster)))).build();
  }

  /** An EDS cluster whose endpoints come over ADS. */
  static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Durations.fromSeconds(1))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads())).build();
  }

  /** A STATIC cluster with one endpoint, 127.0.0.1:{@code port}. */
  static Cluster staticCluster(String name, int port) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Durations.fromSeconds(1)).setLoadAssignment(loadAssignment(name, port)).build();
  }

  /** Cluster {@code name}'s one endpoint, 127.0.0.1:{@code port}. */
  static ClusterLoadAssignment loadAssignment(String name, int port) {
    return ClusterLoadAssignment.newBuilder().setClusterName(name)
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(address(port))))).build();
  }
}
