package dev.javoy.filters.istio.authn;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.NetworkFilterFactory;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.network.NetworkFilter;
import java.util.List;
import java.util.Set;

/**
 * {@code istio_authn} ({@code io.istio.network.authn.Config}, no fields): istio/proxy stores the peer's and the
 * local SPIFFE principals (first {@code spiffe://} URI SAN of the certificates) as filter state
 * {@code io.istio.peer_principal}/{@code io.istio.local_principal}, and only when the peer presented a
 * certificate. javoy's listeners have no TLS yet, so there is never a peer certificate and the filter has nothing
 * to store: it installs nothing. Once downstream TLS lands, this is where the principals get recorded.
 */
public final class IstioAuthnNetworkFactory implements NetworkFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.NETWORK_AUTHN_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio_authn", "io.istio.network.authn");
  }

  @Override
  public NetworkFilter create(Message config, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of());
    return connection -> { };
  }
}
