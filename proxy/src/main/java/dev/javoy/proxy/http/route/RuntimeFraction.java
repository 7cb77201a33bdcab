package dev.javoy.proxy.http.route;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;

/**
 * A route's {@code runtime_fraction}: the route matches when the stream's random value, modulo the
 * denominator, is below the numerator (Envoy's {@code featureEnabled}). javoy reads no runtime layers here, so
 * the {@code default_value} always applies (as in Envoy when the runtime key has no value).
 */
record RuntimeFraction(long numerator, long denominator) {
  static RuntimeFraction of(RuntimeFractionalPercent p, String path) throws ConfigException {
    if (!p.hasDefaultValue()) {
      throw new ConfigException(path + ".default_value", "runtime_fraction needs a default_value");
    }
    FractionalPercent v = p.getDefaultValue();
    long denominator = switch (v.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> throw new ConfigException(path + ".default_value.denominator", "unknown denominator");
    };
    return new RuntimeFraction(Integer.toUnsignedLong(v.getNumerator()), denominator);
  }

  boolean matches(long random) {
    return Long.remainderUnsigned(random, denominator) < numerator;
  }
}
