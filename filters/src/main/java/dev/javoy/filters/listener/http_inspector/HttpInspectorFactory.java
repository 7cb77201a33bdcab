package dev.javoy.filters.listener.http_inspector;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.extension.ListenerFilterFactory;
import dev.javoy.proxy.listener.filter.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import java.util.List;
import java.util.Set;

/** {@code envoy.filters.listener.http_inspector} (its config message has no fields). */
public final class HttpInspectorFactory implements ListenerFilterFactory {
  @Override
  public Message defaultConfig() {
    return HttpInspector.getDefaultInstance();
  }

  @Override
  public List<String> names() {
    return List.of("envoy.filters.listener.http_inspector", "envoy.listener.http_inspector", "http_inspector");
  }

  @Override
  public ListenerFilter create(Message config, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of());
    return new HttpInspectorFilter(context.stats());
  }
}
