package dev.javoy.proxy.http.route;

import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.ClusterFactory;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig;
import io.envoyproxy.envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** Route tables compiled from JSON for tests, with clusters a..e known. */
public final class RouteTables {
  private static final StatsStore STATS = new StatsStore();
  private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
      .add(UriTemplateMatchConfig.getDescriptor()).add(UriTemplateRewriteConfig.getDescriptor()).build();

  private RouteTables() {}

  public static FactoryContext context() throws ConfigException {
    ClusterFactory cf = new ClusterFactory(STATS, List.of(), (c, p) -> null);
    ClusterManager cm = new ClusterManager(cf);
    for (String name : List.of("a", "b", "c", "d", "e")) {
      cm.addStatic(cf.create(Cluster.newBuilder().setName(name).build(), "clusters"), "clusters");
    }
    ExtensionResolver resolver = new ExtensionResolver(CoreTypes.defaultRegistry());
    return new FactoryContext() {
      @Override public StatsStore stats() { return STATS; }
      @Override public ExtensionResolver extensions() { return resolver; }
      @Override public ClusterManager clusterManager() { return cm; }
      @Override public ServerOptions options() { return ServerOptions.defaults(); }
      @Override public String listenerStatPrefix() { return "listener.test."; }
    };
  }

  /** The table for a {@code RouteConfiguration} in JSON. */
  public static RouteTable table(String json) throws Exception {
    RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
    JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, b);
    return new RouteTableFactory(context()).create(b.build(), "route_config", true);
  }

  /** A table with one virtual host ("*") holding {@code routesJson} (the routes array's content). */
  public static RouteTable routes(String routesJson) throws Exception {
    return table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": [" + routesJson + "]}]}");
  }

  /** The route {@code request} matches in the catch-all virtual host, or null. */
  public static Route match(RouteTable t, HttpRequest request) {
    return t.findVirtualHost("any").match(request, RequestHeaders.path(request));
  }

  public static HttpRequest get(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }
}
