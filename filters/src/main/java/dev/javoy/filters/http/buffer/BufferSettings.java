package dev.javoy.filters.http.buffer;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer;
import io.envoyproxy.envoy.extensions.filters.http.buffer.v3.BufferPerRoute;

/**
 * The buffer filter's settings: the filter's {@code Buffer}, or a route's or virtual host's {@code BufferPerRoute}
 * (disabled there, or another {@code max_request_bytes}).
 */
record BufferSettings(boolean disabled, long maxRequestBytes) {
  static final BufferSettings DISABLED = new BufferSettings(true, 0);

  /** @param path JSON path of the message, "" at the top of a typed config */
  static BufferSettings of(Buffer b, String path) throws ConfigException {
    if (!b.hasMaxRequestBytes()) {
      throw new ConfigException(FieldSupport.join(path, "max_request_bytes"), "value is required");
    }
    if (b.getMaxRequestBytes().getValue() == 0) {
      throw new ConfigException(FieldSupport.join(path, "max_request_bytes"), "value must be greater than 0");
    }
    return new BufferSettings(false, Integer.toUnsignedLong(b.getMaxRequestBytes().getValue()));
  }

  static BufferSettings of(BufferPerRoute p, String path) throws ConfigException {
    return switch (p.getOverrideCase()) {
      case DISABLED -> {
        if (!p.getDisabled()) {
          throw new ConfigException(FieldSupport.join(path, "disabled"), "value must equal true");
        }
        yield DISABLED;
      }
      case BUFFER -> of(p.getBuffer(), FieldSupport.join(path, "buffer"));
      default -> throw new ConfigException(path, "one of disabled or buffer is required");
    };
  }
}
