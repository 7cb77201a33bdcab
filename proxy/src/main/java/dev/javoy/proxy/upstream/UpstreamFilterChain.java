package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.UpstreamNetworkFilterFactory;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Filter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A cluster's {@code filters}: built from config, installed on every upstream connection of the cluster. */
public final class UpstreamFilterChain {
  public static final UpstreamFilterChain EMPTY = new UpstreamFilterChain(List.of());

  private final List<UpstreamNetworkFilter> filters;

  private UpstreamFilterChain(List<UpstreamNetworkFilter> filters) {
    this.filters = List.copyOf(filters);
  }

  /** Builds the {@code filters} of {@code c} with the upstream network filter factories of {@code ctx}. */
  public static UpstreamFilterChain build(Cluster c, String path, FactoryContext ctx) throws ConfigException {
    if (c.getFiltersCount() == 0) {
      return EMPTY;
    }
    List<UpstreamNetworkFilter> built = new ArrayList<>();
    for (int i = 0; i < c.getFiltersCount(); i++) {
      Filter f = c.getFilters(i);
      String fp = FieldSupport.index(path, "filters", i);
      FieldSupport.check(f, fp, Set.of("name", "typed_config"));
      var r = ctx.extensions().resolve(UpstreamNetworkFilterFactory.class, fp, f.getName(),
          f.hasTypedConfig() ? f.getTypedConfig() : null);
      try {
        built.add(r.factory().createUpstream(r.config(), ctx));
      } catch (ConfigException e) {
        throw e.under(fp + ".typed_config");
      }
    }
    return new UpstreamFilterChain(built);
  }

  public boolean isEmpty() {
    return filters.isEmpty();
  }

  public List<UpstreamNetworkFilter> filters() {
    return filters;
  }

  /**
   * {@code initializer} preceded by the filters' handlers, or {@code initializer} itself when the cluster has
   * no filters (the common case costs nothing).
   */
  ChannelHandler wrap(UpstreamCluster cluster, Host host, ChannelHandler initializer) {
    if (filters.isEmpty()) {
      return initializer;
    }
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        for (UpstreamNetworkFilter f : filters) {
          f.install(ch, cluster, host);
        }
        ch.pipeline().addLast(initializer);
      }
    };
  }
}
