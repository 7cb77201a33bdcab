package dev.javoy.filters.istio.metadata_exchange;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.istio.LocalWorkload;
import java.util.Set;

/**
 * {@code envoy.tcp.metadataexchange.config.MetadataExchange}, compiled: the ALPN protocol that turns the exchange on
 * ({@code istio-peer-exchange}) and this workload's frame. {@code enable_discovery} (falling back to istio/proxy's
 * workload metadata discovery) is accepted: javoy has no workload discovery, so as in Envoy without that bootstrap
 * extension it finds nothing. {@code additional_labels} is rejected.
 */
record MetadataExchangeConfig(String protocol, LocalWorkload local) {
  static MetadataExchangeConfig from(Message config, LocalWorkload local) throws ConfigException {
    FieldSupport.check(config, "", Set.of("protocol", "enable_discovery"));
    String protocol = (String) config.getField(config.getDescriptorForType().findFieldByName("protocol"));
    if (protocol.isEmpty()) {
      throw new ConfigException("protocol", "the metadata exchange needs the ALPN protocol to exchange on");
    }
    return new MetadataExchangeConfig(protocol, local);
  }
}
