package dev.javoy.filters.istio.alpn;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.istio.IstioProxyProtos;
import dev.javoy.proxy.stream.UpstreamAlpnOverride;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code istio.alpn} ({@code istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig}): the ALPN protocols the
 * upstream TLS connection of a request offers, by the upstream HTTP protocol ({@code alpn_override[]} with
 * {@code upstream_protocol} HTTP10/HTTP11/HTTP2). The filter leaves the table in
 * {@link dev.javoy.proxy.stream.StreamInfo#upstreamAlpnOverride()}; the upstream TLS engine picks the list for the
 * protocol of the connection it opens (Envoy: filter state {@code envoy.network.application_protocols}). An
 * upstream protocol without an entry gets no override.
 */
public final class AlpnFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return IstioProxyProtos.defaultOf(IstioProxyProtos.ALPN_FILTER_CONFIG);
  }

  @Override
  public List<String> names() {
    return List.of("istio.alpn", "envoy.filters.http.alpn");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    UpstreamAlpnOverride table = parse(config);
    return callbacks -> new HttpFilter() {
      @Override
      public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
        callbacks.streamInfo().setUpstreamAlpnOverride(table);
        return FilterStatus.CONTINUE;
      }
    };
  }

  static UpstreamAlpnOverride parse(Message config) throws ConfigException {
    FieldSupport.check(config, "", Set.of("alpn_override"));
    List<String> http10 = List.of();
    List<String> http11 = List.of();
    List<String> http2 = List.of();
    @SuppressWarnings("unchecked")
    List<Message> overrides = (List<Message>) config.getField(
        config.getDescriptorForType().findFieldByName("alpn_override"));
    for (int i = 0; i < overrides.size(); i++) {
      Message o = overrides.get(i);
      String path = "alpn_override[" + i + "]";
      FieldSupport.check(o, path, Set.of("upstream_protocol", "alpn_override"));
      EnumValueDescriptor p = (EnumValueDescriptor) o.getField(o.getDescriptorForType().findFieldByName("upstream_protocol"));
      @SuppressWarnings("unchecked")
      List<String> alpn = new ArrayList<>((List<String>) o.getField(o.getDescriptorForType().findFieldByName("alpn_override")));
      switch (p.getName()) {
        case "HTTP10" -> http10 = alpn;
        case "HTTP11" -> http11 = alpn;
        case "HTTP2" -> http2 = alpn;
        default -> throw new ConfigException(path + ".upstream_protocol", "unknown protocol " + p.getNumber());
      }
    }
    return new UpstreamAlpnOverride(http10, http11, http2);
  }
}
