package dev.javoy.filters.listener.tls_inspector;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.ListenerFilterFactory;
import dev.javoy.proxy.listener.filter.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import java.util.List;
import java.util.Set;

/**
 * {@code envoy.filters.listener.tls_inspector}. {@code initial_read_buffer_size} is validated as Envoy does
 * (at most 64 KiB); javoy reads what the socket has, so it does not change behaviour. JA3 fingerprinting is
 * not implemented: {@code enable_ja3_fingerprinting: true} is rejected.
 */
public final class TlsInspectorFactory implements ListenerFilterFactory {
  private static final Set<String> SUPPORTED = Set.of("initial_read_buffer_size", "enable_ja3_fingerprinting");

  @Override
  public Message defaultConfig() {
    return TlsInspector.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.listener.tls_inspector", "envoy.listener.tls_inspector", "tls_inspector");
  }

  @Override
  public ListenerFilter create(Message config, FactoryContext context) throws ConfigException {
    TlsInspector c = (TlsInspector) config;
    FieldSupport.check(c, "", SUPPORTED);
    if (c.hasEnableJa3Fingerprinting() && c.getEnableJa3Fingerprinting().getValue()) {
      throw new ConfigException("enable_ja3_fingerprinting", "JA3 fingerprinting is not supported by javoy yet (in "
          + TlsInspector.getDescriptor().getFullName() + ")");
    }
    if (c.hasInitialReadBufferSize()) {
      int size = c.getInitialReadBufferSize().getValue();
      if (size < 256 || size > TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE) {
        throw new ConfigException("initial_read_buffer_size", "initial_read_buffer_size must be between 256 and "
            + TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE + " bytes, got " + size);
      }
    }
    return new TlsInspectorFilter(new TlsInspectorStats(context.stats()), TlsInspectorFilter.MAX_CLIENT_HELLO_SIZE);
  }
}
