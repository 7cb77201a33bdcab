package dev.javoy.filters.istio.metadata_exchange;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.istio.LocalWorkload;
import dev.javoy.proxy.istio.PeerExchangeHandler;
import dev.javoy.proxy.istio.PeerKeys;
import dev.javoy.proxy.network.NetworkFilter;
import java.util.List;

/**
 * {@code istio.metadata_exchange} on a listener's filter chain: the TCP {@code istio-peer-exchange} with the
 * downstream; the peer goes to the connection's filter state as {@code downstream_peer} (or {@code peer_not_found}).
 * Stats: {@code <listener prefix>metadata_exchange.*} counters as istio/proxy's.
 */
public final class MetadataExchangeNetworkFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.METADATA_EXCHANGE);
  }

  @Override
  public List<String> names() {
    return List.of("istio.metadata_exchange", "envoy.filters.network.metadata_exchange");
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    MetadataExchangeConfig c = MetadataExchangeConfig.from(config, LocalWorkload.of(context.localNode()));
    PeerExchangeHandler.Stats stats = PeerExchangeHandler.Stats.in(
        context.stats().scope(context.listenerStatPrefix() + "metadata_exchange."));
    return connection -> connection.channel().pipeline().addLast(new PeerExchangeHandler(c.local(), c.protocol(),
        false, peer -> connection.filterState().set(peer == null ? PeerKeys.NO_PEER : PeerKeys.DOWNSTREAM_PEER,
            peer == null ? Boolean.TRUE : peer), stats));
  }
}
