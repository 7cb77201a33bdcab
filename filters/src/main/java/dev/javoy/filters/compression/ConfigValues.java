package dev.javoy.filters.compression;

import com.google.protobuf.UInt32Value;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.RuntimeFeatureFlag;

/** Reading compression configs as Envoy does: wrapped integers with defaults and ranges, runtime flags. */
public final class ConfigValues {
  private ConfigValues() {}

  /**
   * The value of an optional {@code UInt32Value}, or {@code def} when unset, checked against Envoy's validation
   * range {@code [min, max]}.
   */
  public static int uint32(boolean has, UInt32Value value, int def, int min, int max, String path)
      throws ConfigException {
    if (!has) {
      return def;
    }
    long v = Integer.toUnsignedLong(value.getValue());
    if (v < min || v > max) {
      throw new ConfigException(path, "value must be inside range [" + min + ", " + max + "], got " + v);
    }
    return (int) v;
  }

  /**
   * Whether a {@code RuntimeFeatureFlag} is on: enabled when the flag is absent; else its {@code default_value}
   * (javoy has no runtime layers, so {@code runtime_key} is not looked up, as elsewhere in javoy).
   */
  public static boolean enabled(boolean has, RuntimeFeatureFlag flag, String path) throws ConfigException {
    if (!has) {
      return true;
    }
    if (!flag.hasDefaultValue()) {
      throw new ConfigException(path + ".default_value", "value is required");
    }
    return flag.getDefaultValue().getValue();
  }
}
