package dev.javoy.proxy.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cluster.filters' handlers go between the transport socket and the codec, in config order. */
class UpstreamFilterChainTest {
  static final class Named extends ChannelInboundHandlerAdapter {
    final String name;

    Named(String name) {
      this.name = name;
    }
  }

  @Test
  void filtersPrecedeTheCodecInConfigOrder() throws Exception {
    UpstreamFilterChain chain = UpstreamFilterChain.of(List.of(
        (ch, c, h) -> new Named("filter-1"), (ch, c, h) -> null, (ch, c, h) -> new Named("filter-2")));
    ChannelHandler initializer = new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new Named("codec"));
      }
    };
    EmbeddedChannel ch = new EmbeddedChannel(chain.wrap(null, null, initializer));
    List<String> order = new ArrayList<>();
    ch.pipeline().forEach(e -> {
      if (e.getValue() instanceof Named n) {
        order.add(n.name);
      }
    });
    assertEquals(List.of("filter-1", "filter-2", "codec"), order);
    ch.finishAndReleaseAll();
  }

  @Test
  void noFiltersLeavesTheInitializerAlone() {
    ChannelHandler initializer = new ChannelInboundHandlerAdapter();
    assertSame(initializer, UpstreamFilterChain.EMPTY.wrap(null, null, initializer));
  }
}
