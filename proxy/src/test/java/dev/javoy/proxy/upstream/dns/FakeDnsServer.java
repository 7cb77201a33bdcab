package dev.javoy.proxy.upstream.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A UDP name server for tests: answers A/AAAA from a table, NXDOMAIN for unknown names, or stays silent. */
final class FakeDnsServer implements AutoCloseable {
  /** What the server does for one name. */
  record Answer(List<InetAddress> addresses, int ttlSeconds, boolean silent, boolean servfail) {
    static Answer of(int ttlSeconds, InetAddress... addresses) {
      return new Answer(List.of(addresses), ttlSeconds, false, false);
    }

    static Answer silence() {
      return new Answer(List.of(), 0, true, false);
    }

    static Answer serverFailure() {
      return new Answer(List.of(), 0, false, true);
    }
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final Channel channel;

  FakeDnsServer() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                    answer(ctx, query);
                  }
                });
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** Sets the answer for {@code name} (without the trailing dot); null makes the name unknown (NXDOMAIN). */
  void set(String name, Answer answer) {
    if (answer == null) {
      answers.remove(name + ".");
    } else {
      answers.put(name + ".", answer);
    }
  }

  int queries() {
    return queries.get();
  }

  private void answer(ChannelHandlerContext ctx, DatagramDnsQuery query) {
    queries.incrementAndGet();
    DnsQuestion q = query.recordAt(DnsSection.QUESTION);
    Answer a = answers.get(q.name());
    if (a != null && a.silent()) {
      return;
    }
    DatagramDnsResponse r = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
    r.addRecord(DnsSection.QUESTION, q);
    if (a == null) {
      r.setCode(DnsResponseCode.NXDOMAIN);
    } else if (a.servfail()) {
      r.setCode(DnsResponseCode.SERVFAIL);
    } else {
      for (InetAddress ip : a.addresses()) {
        DnsRecordType type = ip instanceof Inet6Address ? DnsRecordType.AAAA : DnsRecordType.A;
        if (type.equals(q.type())) {
          r.addRecord(DnsSection.ANSWER,
              new DefaultDnsRawRecord(q.name(), type, a.ttlSeconds(), Unpooled.wrappedBuffer(ip.getAddress())));
        }
      }
    }
    ctx.writeAndFlush(r);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
