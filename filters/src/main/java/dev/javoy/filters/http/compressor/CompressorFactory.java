package dev.javoy.filters.http.compressor;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor;
import io.envoyproxy.envoy.extensions.filters.http.compressor.v3.CompressorPerRoute;
import java.util.List;

/**
 * {@code envoy.filters.http.compressor}: compresses response (and, when configured, request) bodies with the
 * library its {@code compressor_library} names (an {@code envoy.compression.*.compressor} extension).
 */
public final class CompressorFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Compressor.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.compressor");
  }

  @Override
  public List<Message> nestedTypes() {
    return List.of(CompressorPerRoute.getDefaultInstance());
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    return CompressorFilterConfig.create((Compressor) config, statPrefix, context);
  }

  @Override
  public Message defaultRouteConfig() {
    return CompressorPerRoute.getDefaultInstance();
  }

  @Override
  public Object createRouteConfig(Message perRouteConfig, FactoryContext context) throws ConfigException {
    CompressorPerRoute p = (CompressorPerRoute) perRouteConfig;
    switch (p.getOverrideCase()) {
      case DISABLED -> {
        if (!p.getDisabled()) {
          throw new ConfigException("disabled", "value must equal true");
        }
      }
      case OVERRIDES -> {
        // remove_accept_encoding_header is the one override (Envoy v1.34)
      }
      default -> throw new ConfigException("override", "value is required: one of disabled or overrides");
    }
    return CompressorPerRouteConfig.of(p);
  }
}
