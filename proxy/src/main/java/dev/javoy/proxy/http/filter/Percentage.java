package dev.javoy.proxy.http.filter;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A compiled {@code envoy.type.v3.FractionalPercent}: sampled as Envoy's {@code featureEnabled} does, a random
 * value modulo the denominator below the numerator (a numerator above the denominator is always on). javoy has no
 * runtime snapshot for filters, so a {@code RuntimeFractionalPercent}'s {@code default_value} always applies, as
 * in Envoy when its {@code runtime_key} has no value.
 */
public record Percentage(long numerator, long denominator) {
  public static final Percentage ALWAYS = new Percentage(100, 100);
  public static final Percentage NEVER = new Percentage(0, 100);

  /** @param path JSON path of the percent, for errors */
  public static Percentage of(FractionalPercent p, String path) throws ConfigException {
    long denominator = switch (p.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> throw new ConfigException(path + ".denominator", "unknown denominator " + p.getDenominatorValue());
    };
    return new Percentage(Integer.toUnsignedLong(p.getNumerator()), denominator);
  }

  /** The {@code default_value} of a runtime percent (an unset one is 0%, as Envoy's default message). */
  public static Percentage ofRuntime(RuntimeFractionalPercent p, String path) throws ConfigException {
    return of(p.getDefaultValue(), path + ".default_value");
  }

  /** Whether this stream is in the sampled fraction (one fresh random draw). */
  public boolean sample() {
    if (numerator >= denominator) {
      return true;
    }
    return numerator > 0 && ThreadLocalRandom.current().nextLong(denominator) < numerator;
  }

  /** The same denominator with the numerator lowered to {@code cap} when that is smaller. */
  public Percentage capNumerator(long cap) {
    return cap >= numerator ? this : new Percentage(Math.max(0, cap), denominator);
  }
}
