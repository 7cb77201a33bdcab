package dev.javoy.proxy.upstream;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.UpstreamNetworkFilterFactory;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Filter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
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

  /** A chain of already built filters. */
  static UpstreamFilterChain of(List<UpstreamNetworkFilter> filters) {
    return filters.isEmpty() ? EMPTY : new UpstreamFilterChain(filters);
  }

  public boolean isEmpty() {
    return filters.isEmpty();
  }

  public List<UpstreamNetworkFilter> filters() {
    return filters;
  }

  /**
   * {@code initializer} (the pool's: transport socket and protocol codec) followed by the filters' handlers placed
   * between the transport socket and the codec: right after the {@link SslHandler} when the initializer added one,
   * else at the head of the pipeline. {@code initializer} itself when the cluster has no filters (the common case
   * costs nothing).
   */
  ChannelHandler wrap(UpstreamCluster cluster, Host host, ChannelHandler initializer) {
    if (filters.isEmpty()) {
      return initializer;
    }
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(initializer); // runs now: the pipeline has its transport socket and codec afterwards
        ChannelHandlerContext tls = p.context(SslHandler.class);
        String after = tls == null ? null : tls.name();
        for (UpstreamNetworkFilter f : filters) {
          ChannelHandler h = f.newHandler(ch, cluster, host);
          if (h == null) {
            continue;
          }
          if (after == null) {
            p.addFirst(h);
            after = p.context(h).name();
          } else {
            p.addAfter(after, null, h);
            after = p.context(h).name();
          }
        }
      }
    };
  }
}
