package dev.javoy.filters.listener.original_dst;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.ListenerFilterFactory;
import dev.javoy.proxy.listener.filter.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import java.util.List;
import java.util.Set;

/** {@code envoy.filters.listener.original_dst} (its Windows-only fields are rejected). */
public final class OriginalDstFactory implements ListenerFilterFactory {
  private static final OriginalDstFilter FILTER = new OriginalDstFilter();

  @Override
  public Message defaultConfig() {
    return OriginalDst.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.listener.original_dst", "envoy.listener.original_dst", "original_dst");
  }

  @Override
  public ListenerFilter create(Message config, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of());
    return FILTER;
  }
}
