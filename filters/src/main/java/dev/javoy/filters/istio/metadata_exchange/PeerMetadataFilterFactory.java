package dev.javoy.filters.istio.metadata_exchange;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.istio.LocalWorkload;
import java.util.List;
import java.util.Set;

/**
 * {@code istio.metadata_exchange} as an HTTP filter with istio/proxy's {@code io.istio.http.peer_metadata.Config}
 * (Istio 1.20+). Discovery methods are tried in order: {@code istio_headers} reads the exchange headers;
 * {@code workload_discovery} needs istio/proxy's workload metadata bootstrap extension, which javoy does not have
 * (as in Envoy without that extension, it finds nothing). {@code baggage}, {@code shared_with_upstream},
 * {@code additional_labels} and {@code skip_external_clusters} are not implemented and rejected.
 */
public final class PeerMetadataFilterFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.PEER_METADATA_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio.metadata_exchange", "envoy.filters.http.peer_metadata");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of("downstream_discovery", "upstream_discovery", "downstream_propagation",
        "upstream_propagation"));
    boolean downstreamDiscovery = discovers(config, "downstream_discovery");
    boolean upstreamDiscovery = discovers(config, "upstream_discovery");
    boolean downstreamPropagation = propagates(config, "downstream_propagation");
    boolean upstreamPropagation = propagates(config, "upstream_propagation");
    return new PeerMetadataFilterConfig(LocalWorkload.of(context.localNode()), downstreamDiscovery,
        downstreamPropagation, upstreamDiscovery, upstreamPropagation);
  }

  private static boolean discovers(Message config, String field) throws ConfigException {
    boolean headers = false;
    for (Message method : list(config, field)) {
      String path = field + "[" + index(config, field, method) + "]";
      FieldSupport.check(method, path, Set.of("workload_discovery", "istio_headers"));
      Message h = sub(method, "istio_headers");
      if (h != null) {
        FieldSupport.check(h, path + ".istio_headers", Set.of());
        headers = true;
      }
    }
    return headers;
  }

  private static boolean propagates(Message config, String field) throws ConfigException {
    boolean headers = false;
    for (Message method : list(config, field)) {
      String path = field + "[" + index(config, field, method) + "]";
      FieldSupport.check(method, path, Set.of("istio_headers"));
      Message h = sub(method, "istio_headers");
      if (h != null) {
        FieldSupport.check(h, path + ".istio_headers", Set.of());
        headers = true;
      }
    }
    return headers;
  }

  @SuppressWarnings("unchecked")
  private static List<Message> list(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return (List<Message>) m.getField(f);
  }

  private static int index(Message m, String field, Message item) {
    return list(m, field).indexOf(item);
  }

  private static Message sub(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return m.hasField(f) ? (Message) m.getField(f) : null;
  }
}
