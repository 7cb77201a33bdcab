package dev.javoy.proxy.upstream.dns;

import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.DnsLookupFamily;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Resolves with Netty's asynchronous {@link DnsNameResolver} on the main event loop: name servers and search
 * domains from {@code /etc/resolv.conf}, names from {@code /etc/hosts} first, IP literals without any query.
 * Nothing is cached, so each refresh of a DNS cluster asks again; answer TTLs are kept for
 * {@code respect_dns_ttl}.
 */
public final class NettyDnsResolver implements DnsResolver {
  private static final long DEFAULT_QUERY_TIMEOUT_MILLIS = 5000;

  private final EventLoop loop;
  private final DnsServerAddressStreamProvider nameServers;
  private final long queryTimeoutMillis;
  private final DnsResolverStats stats;
  private final TtlRecordingDnsCache ttls = new TtlRecordingDnsCache();
  private final Map<ResolvedAddressTypes, DnsNameResolver> resolvers = new EnumMap<>(ResolvedAddressTypes.class);

  /** The system's resolver configuration ({@code /etc/resolv.conf}). */
  public NettyDnsResolver(EventLoop loop, StatsStore stats) {
    this(loop, stats, DnsServerAddressStreamProviders.platformDefault(), DEFAULT_QUERY_TIMEOUT_MILLIS);
  }

  /** Explicit name servers and query timeout (tests, {@code dns_resolvers}). */
  public NettyDnsResolver(EventLoop loop, StatsStore stats, DnsServerAddressStreamProvider nameServers,
      long queryTimeoutMillis) {
    this.loop = loop;
    this.nameServers = nameServers;
    this.queryTimeoutMillis = queryTimeoutMillis;
    this.stats = new DnsResolverStats(stats.scope("dns.cares."));
  }

  @Override
  public void resolve(String hostname, DnsLookupFamily family, Consumer<DnsResolution> done) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> resolve(hostname, family, done));
      return;
    }
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(hostname);
    if (literal != null) {
      done.accept(DnsResolution.of(List.of(literal), 0));
      return;
    }
    Future<List<InetAddress>> f;
    try {
      f = resolverFor(family).resolveAll(hostname);
    } catch (RuntimeException e) { // the resolver could not be built or refused the query: a failed resolution
      stats.getAddrFailure.inc();
      done.accept(DnsResolution.failure());
      return;
    }
    stats.pendingResolutions.inc();
    f.addListener(x -> {
      stats.pendingResolutions.dec();
      stats.resolveTotal.inc();
      long ttl = ttls.take(hostname);
      done.accept(f.isSuccess()
          ? DnsResolution.of(select(f.getNow(), family), ttl)
          : classifyFailure(f.cause()));
    });
  }

  /** Envoy's meaning of each family over Netty's answers (which list the preferred family first). */
  static List<InetAddress> select(List<InetAddress> answers, DnsLookupFamily family) {
    LinkedHashSet<InetAddress> unique = new LinkedHashSet<>(answers);
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    for (InetAddress a : unique) {
      (a instanceof Inet6Address ? v6 : v4).add(a);
    }
    return switch (family) {
      case V4_ONLY -> v4;
      case V6_ONLY -> v6;
      case V4_PREFERRED -> v4.isEmpty() ? v6 : v4;
      case ALL -> List.copyOf(unique);
      default -> v6.isEmpty() ? v4 : v6; // AUTO: IPv6 first, IPv4 only when there is no IPv6 answer
    };
  }

  /**
   * A name that does not exist (NXDOMAIN) or has no record of the family (an answer without records) is a
   * successful empty resolution, as c-ares' ENOTFOUND/ENODATA are in Envoy; timeouts and server errors fail.
   */
  private DnsResolution classifyFailure(Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof DnsNameResolverTimeoutException) {
        stats.timeouts.inc();
        return DnsResolution.failure();
      }
      if (c instanceof DnsErrorCauseException e) {
        if (e.getCode() == DnsResponseCode.NXDOMAIN) {
          stats.notFound.inc();
          return DnsResolution.of(List.of(), 0);
        }
        stats.getAddrFailure.inc();
        return DnsResolution.failure();
      }
    }
    if (cause instanceof UnknownHostException && cause.getCause() == null) {
      stats.notFound.inc();
      return DnsResolution.of(List.of(), 0);
    }
    stats.getAddrFailure.inc();
    return DnsResolution.failure();
  }

  private DnsNameResolver resolverFor(DnsLookupFamily family) {
    ResolvedAddressTypes types = switch (family) {
      case V4_ONLY -> ResolvedAddressTypes.IPV4_ONLY;
      case V6_ONLY -> ResolvedAddressTypes.IPV6_ONLY;
      case V4_PREFERRED, ALL -> ResolvedAddressTypes.IPV4_PREFERRED;
      default -> ResolvedAddressTypes.IPV6_PREFERRED;
    };
    return resolvers.computeIfAbsent(types, t -> new DnsNameResolverBuilder(loop)
        .datagramChannelType(datagramChannelFor(loop))
        .resolveCache(ttls)
        .nameServerProvider(nameServers)
        .queryTimeoutMillis(queryTimeoutMillis)
        .resolvedAddressTypes(t)
        .build());
  }

  /** The datagram channel class of the loop's transport. */
  private static Class<? extends DatagramChannel> datagramChannelFor(EventLoop loop) {
    if (loop instanceof IoEventLoop io) {
      if (io.isIoType(EpollIoHandler.class)) {
        return EpollDatagramChannel.class;
      }
      if (io.isIoType(IoUringIoHandler.class)) {
        return IoUringDatagramChannel.class;
      }
    }
    return NioDatagramChannel.class;
  }

  @Override
  public void close() {
    Runnable closeAll = () -> {
      resolvers.values().forEach(DnsNameResolver::close);
      resolvers.clear();
    };
    if (loop.inEventLoop()) {
      closeAll.run();
    } else {
      loop.execute(closeAll);
    }
  }
}
