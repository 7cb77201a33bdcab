package dev.javoy.xds;

import io.grpc.ManagedChannel;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Builds the gRPC channel to a management server on the caller's Netty event loop group and channel type,
 * so that grpc-java shares javoy's event loops instead of starting its own.
 */
public final class XdsChannelFactory {
  private static final String UNIX_SOCKET_AUTHORITY = "localhost";

  private XdsChannelFactory() {}

  /**
   * A new channel. It connects lazily, on the first call.
   *
   * @param target the server
   * @param group the event loops that carry the connection
   * @param channelType the Netty channel class matching {@code group} and the address kind (for example
   *     {@code EpollSocketChannel} or {@code EpollDomainSocketChannel})
   */
  public static ManagedChannel newChannel(XdsServerTarget target, EventLoopGroup group,
      Class<? extends Channel> channelType) {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(channelType, "channelType");
    NettyChannelBuilder builder;
    if (target.address() instanceof InetSocketAddress inet && inet.isUnresolved()) {
      builder = NettyChannelBuilder.forAddress(inet.getHostString(), inet.getPort());
    } else {
      builder = NettyChannelBuilder.forAddress(target.address());
    }
    builder.eventLoopGroup(group).channelType(channelType)
        .maxInboundMessageSize(target.maxInboundMessageSize());
    if (target.sslContext().isPresent()) {
      builder.negotiationType(NegotiationType.TLS).sslContext(target.sslContext().get());
    } else {
      builder.negotiationType(NegotiationType.PLAINTEXT);
    }
    if (target.authority().isPresent()) {
      builder.overrideAuthority(target.authority().get());
    } else if (target.address() instanceof DomainSocketAddress) {
      builder.overrideAuthority(UNIX_SOCKET_AUTHORITY);
    }
    if (target.address() instanceof DomainSocketAddress) {
      // gRPC asks for TCP keepalive on every socket; a Unix socket has none (a null value removes the option).
      builder.withOption(ChannelOption.SO_KEEPALIVE, null);
    }
    if (target.keepAliveTime().isPresent()) {
      builder.keepAliveTime(target.keepAliveTime().get().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveTimeout(target.keepAliveTimeout().orElseThrow().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveWithoutCalls(target.keepAliveWithoutCalls());
    }
    return builder.build();
  }
}
