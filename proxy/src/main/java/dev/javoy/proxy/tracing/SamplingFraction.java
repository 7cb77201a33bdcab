package dev.javoy.proxy.tracing;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.Percent;

/**
 * A sampling rate as Envoy evaluates one ({@code ProtobufPercentHelper::evaluateFractionalPercent}): enabled for
 * a value when {@code value % denominator < numerator}.
 */
public record SamplingFraction(long numerator, long denominator) {
  public static final SamplingFraction ALL_OF_HUNDRED = new SamplingFraction(100, 100);
  public static final SamplingFraction ALL_OF_TEN_THOUSAND = new SamplingFraction(10_000, 10_000);

  public boolean enabled(long value) {
    return Long.remainderUnsigned(value, denominator) < numerator;
  }

  /**
   * An HCM {@code Percent} as Envoy stores it: rounded to {@code denominator} steps ({@code client_sampling} and
   * {@code overall_sampling} in whole percent, {@code random_sampling} in hundredths of a percent).
   */
  static SamplingFraction ofPercent(boolean has, Percent p, long denominator, String path) throws ConfigException {
    if (!has) {
      return new SamplingFraction(denominator, denominator);
    }
    double v = p.getValue();
    if (!(v >= 0 && v <= 100)) {
      throw new ConfigException(path + ".value", "value must be inside range [0, 100]");
    }
    return new SamplingFraction(Math.round(v * denominator / 100.0), denominator);
  }

  /** A route's {@code FractionalPercent}; absent means 100%. */
  static SamplingFraction of(boolean has, FractionalPercent f, String path) throws ConfigException {
    if (!has) {
      return ALL_OF_HUNDRED;
    }
    long d = switch (f.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> throw new ConfigException(path + ".denominator", "unknown denominator " + f.getDenominator());
    };
    return new SamplingFraction(Math.min(f.getNumerator(), d), d);
  }
}
