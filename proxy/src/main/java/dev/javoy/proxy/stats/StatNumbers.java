package dev.javoy.proxy.stats;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats doubles the way Envoy's admin output does, which is C/C++ formatting rather than Java's:
 * {@code fmt::format("{}")} (shortest round-trip digits), {@code printf("%g")} (6 significant digits, trailing
 * zeros dropped) and {@code "%.32g"} (Prometheus bucket bounds and sums).
 */
public final class StatNumbers {
  private StatNumbers() {}

  /**
   * Shortest digits that read back as {@code v}, as {@code fmt::format("{}", v)}: {@code 1}, {@code 0.625},
   * {@code nan}, {@code 1e+16}. Scientific notation is used from an exponent of 16 (and below -4).
   */
  public static String shortest(double v) {
    return shortest(v, 16);
  }

  /**
   * Shortest round-trip digits, plain unless the decimal exponent is {@code < -4} or {@code >= maxPlainExponent}
   * (C++ protobuf JSON uses 15 through {@code SimpleDtoa}; fmt uses 16).
   */
  public static String shortest(double v, int maxPlainExponent) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    // Double.toString gives the shortest round-trip digits on JDK 19+ and nearly so on 17.
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    return layout(d, maxPlainExponent);
  }

  /** C's {@code %g}: 6 significant digits, trailing zeros removed; {@code nan} for NaN. */
  public static String printfG(double v) {
    return printfG(v, 6);
  }

  /** C's {@code %.<precision>g}. */
  public static String printfG(double v, int precision) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    return layout(d, precision);
  }

  /** Plain or scientific ({@code 1.5e+07}, exponent with at least two digits) like C's {@code %g}. */
  private static String layout(BigDecimal d, int maxPlainExponent) {
    int exponent = d.precision() - d.scale() - 1;
    if (exponent < -4 || exponent >= maxPlainExponent) {
      String digits = d.unscaledValue().abs().toString();
      StringBuilder sb = new StringBuilder();
      if (d.signum() < 0) {
        sb.append('-');
      }
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) {
        sb.append('0');
      }
      return sb.append(abs).toString();
    }
    return d.toPlainString();
  }
}
