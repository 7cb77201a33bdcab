package dev.javoy.proxy.extension;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.tracing.Tracer;

/**
 * Category {@code envoy.tracers}: builds a tracer (Envoy's tracing driver) from its typed config. Built on the main
 * thread; the tracer may open nothing until its first span (so {@code --mode validate} starts nothing).
 */
public interface TracerFactory extends ExtensionFactory {
  Tracer create(Message config, FactoryContext context) throws ConfigException;
}
