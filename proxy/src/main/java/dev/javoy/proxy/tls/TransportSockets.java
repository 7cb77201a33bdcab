package dev.javoy.proxy.tls;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Set;

/**
 * Resolves a {@code transport_socket}: {@code envoy.transport_sockets.raw_buffer} (plain TCP, null here) or
 * {@code envoy.transport_sockets.tls}, by the type URL of its {@code typed_config} (through a TypedStruct), else
 * by name. Anything else is rejected with its path and type URL.
 */
public final class TransportSockets {
  static final String RAW_BUFFER = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
  static final String DOWNSTREAM_TLS =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
  static final String UPSTREAM_TLS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
  private static final Set<String> RAW_NAMES = Set.of("envoy.transport_sockets.raw_buffer", "raw_buffer");
  private static final Set<String> TLS_NAMES = Set.of("envoy.transport_sockets.tls", "tls");

  private TransportSockets() {}

  /** A listener filter chain's transport socket: its DownstreamTlsContext, or null for raw_buffer. */
  public static DownstreamTlsContext downstream(TransportSocket ts, String path, JsonFormat.TypeRegistry registry)
      throws ConfigException {
    return (DownstreamTlsContext) resolve(ts, path, registry, DownstreamTlsContext.getDefaultInstance(), DOWNSTREAM_TLS);
  }

  /** A cluster's transport socket: its UpstreamTlsContext, or null for raw_buffer. */
  public static UpstreamTlsContext upstream(TransportSocket ts, String path, JsonFormat.TypeRegistry registry)
      throws ConfigException {
    return (UpstreamTlsContext) resolve(ts, path, registry, UpstreamTlsContext.getDefaultInstance(), UPSTREAM_TLS);
  }

  private static Message resolve(TransportSocket ts, String path, JsonFormat.TypeRegistry registry,
      Message tlsPrototype, String tlsTypeUrl) throws ConfigException {
    FieldSupport.check(ts, path, Set.of("name", "typed_config"));
    String name = ts.getName();
    String typeUrl = ts.hasTypedConfig() ? TypedConfigs.typeUrlOf(ts.getTypedConfig(), path + ".typed_config") : "";
    if (typeUrl.equals(RAW_BUFFER) || (typeUrl.isEmpty() && RAW_NAMES.contains(name))) {
      return null;
    }
    if (typeUrl.equals(tlsTypeUrl)) {
      return TypedConfigs.unpack(ts.getTypedConfig(), tlsPrototype, path + ".typed_config", registry);
    }
    if (typeUrl.isEmpty() && TLS_NAMES.contains(name)) {
      return tlsPrototype.getDefaultInstanceForType();
    }
    throw new ConfigException(path, "unsupported transport socket extension '" + name + "'"
        + (typeUrl.isEmpty() ? "" : " with type URL " + typeUrl));
  }
}
