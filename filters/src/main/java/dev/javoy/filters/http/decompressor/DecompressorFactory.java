package dev.javoy.filters.http.decompressor;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.HttpFilterFactory;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.decompressor.v3.Decompressor;
import java.util.List;

/**
 * {@code envoy.filters.http.decompressor}: decompresses request and response bodies encoded with the library
 * its {@code decompressor_library} names (an {@code envoy.compression.*.decompressor} extension).
 */
public final class DecompressorFactory implements HttpFilterFactory {
  @Override
  public Message defaultConfig() {
    return Decompressor.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.http.decompressor");
  }

  @Override
  public HttpFilterConfig create(Message config, String statPrefix, FactoryContext context) throws ConfigException {
    return DecompressorFilterConfig.create((Decompressor) config, statPrefix, context);
  }
}
