package dev.javoy.proxy.upstream.outlier;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.util.Set;

/** A cluster's {@code outlier_detection} with Envoy's defaults filled in. Immutable. */
public record OutlierDetectionConfig(
    long intervalMillis,
    long baseEjectionTimeMillis,
    long maxEjectionTimeMillis,
    long maxEjectionTimeJitterMillis,
    int maxEjectionPercent,
    int consecutive5xx,
    int enforcingConsecutive5xx,
    int consecutiveGatewayFailure,
    int enforcingConsecutiveGatewayFailure,
    boolean splitExternalLocalOriginErrors,
    int consecutiveLocalOriginFailure,
    int enforcingConsecutiveLocalOriginFailure,
    int enforcingSuccessRate,
    int enforcingLocalOriginSuccessRate,
    int successRateMinimumHosts,
    int successRateRequestVolume,
    int successRateStdevFactor,
    int failurePercentageThreshold,
    int enforcingFailurePercentage,
    int enforcingFailurePercentageLocalOrigin,
    int failurePercentageMinimumHosts,
    int failurePercentageRequestVolume,
    boolean successfulActiveHealthCheckUnejectHost,
    boolean alwaysEjectOneHost) {

  static final Set<String> SUPPORTED = Set.of("consecutive_5xx", "interval", "base_ejection_time",
      "max_ejection_percent", "enforcing_consecutive_5xx", "enforcing_success_rate", "success_rate_minimum_hosts",
      "success_rate_request_volume", "success_rate_stdev_factor", "consecutive_gateway_failure",
      "enforcing_consecutive_gateway_failure", "split_external_local_origin_errors",
      "consecutive_local_origin_failure", "enforcing_consecutive_local_origin_failure",
      "enforcing_local_origin_success_rate", "failure_percentage_threshold", "enforcing_failure_percentage",
      "enforcing_failure_percentage_local_origin", "failure_percentage_minimum_hosts",
      "failure_percentage_request_volume", "max_ejection_time", "max_ejection_time_jitter",
      "successful_active_health_check_uneject_host", "always_eject_one_host");

  /** Envoy's defaults, as an empty {@code outlier_detection: {}} gives them. */
  public static OutlierDetectionConfig defaults() {
    try {
      return from(OutlierDetection.getDefaultInstance(), "");
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
  }

  public static OutlierDetectionConfig from(OutlierDetection o, String path) throws ConfigException {
    FieldSupport.check(o, path, SUPPORTED);
    long interval = Durations.millisOr(o.hasInterval(), o.getInterval(), 10_000);
    if (interval <= 0) {
      throw new ConfigException(path + ".interval", "must be greater than 0");
    }
    long base = Durations.millisOr(o.hasBaseEjectionTime(), o.getBaseEjectionTime(), 30_000);
    // Envoy: max_ejection_time defaults to 300 s, and is never below base_ejection_time.
    long max = Durations.millisOr(o.hasMaxEjectionTime(), o.getMaxEjectionTime(), Math.max(300_000, base));
    if (base > max) {
      throw new ConfigException(path + ".base_ejection_time",
          "base_ejection_time (" + base + " ms) is larger than max_ejection_time (" + max + " ms)");
    }
    return new OutlierDetectionConfig(
        interval, base, max,
        Durations.millisOr(o.hasMaxEjectionTimeJitter(), o.getMaxEjectionTimeJitter(), 0),
        percent(o.hasMaxEjectionPercent(), o.getMaxEjectionPercent().getValue(), 10, path + ".max_ejection_percent"),
        u32(o.hasConsecutive5Xx(), o.getConsecutive5Xx().getValue(), 5),
        percent(o.hasEnforcingConsecutive5Xx(), o.getEnforcingConsecutive5Xx().getValue(), 100,
            path + ".enforcing_consecutive_5xx"),
        u32(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure().getValue(), 5),
        percent(o.hasEnforcingConsecutiveGatewayFailure(), o.getEnforcingConsecutiveGatewayFailure().getValue(), 0,
            path + ".enforcing_consecutive_gateway_failure"),
        o.getSplitExternalLocalOriginErrors(),
        u32(o.hasConsecutiveLocalOriginFailure(), o.getConsecutiveLocalOriginFailure().getValue(), 5),
        percent(o.hasEnforcingConsecutiveLocalOriginFailure(), o.getEnforcingConsecutiveLocalOriginFailure().getValue(),
            100, path + ".enforcing_consecutive_local_origin_failure"),
        percent(o.hasEnforcingSuccessRate(), o.getEnforcingSuccessRate().getValue(), 100,
            path + ".enforcing_success_rate"),
        percent(o.hasEnforcingLocalOriginSuccessRate(), o.getEnforcingLocalOriginSuccessRate().getValue(), 100,
            path + ".enforcing_local_origin_success_rate"),
        u32(o.hasSuccessRateMinimumHosts(), o.getSuccessRateMinimumHosts().getValue(), 5),
        u32(o.hasSuccessRateRequestVolume(), o.getSuccessRateRequestVolume().getValue(), 100),
        u32(o.hasSuccessRateStdevFactor(), o.getSuccessRateStdevFactor().getValue(), 1900),
        percent(o.hasFailurePercentageThreshold(), o.getFailurePercentageThreshold().getValue(), 85,
            path + ".failure_percentage_threshold"),
        percent(o.hasEnforcingFailurePercentage(), o.getEnforcingFailurePercentage().getValue(), 0,
            path + ".enforcing_failure_percentage"),
        percent(o.hasEnforcingFailurePercentageLocalOrigin(),
            o.getEnforcingFailurePercentageLocalOrigin().getValue(), 0,
            path + ".enforcing_failure_percentage_local_origin"),
        u32(o.hasFailurePercentageMinimumHosts(), o.getFailurePercentageMinimumHosts().getValue(), 5),
        u32(o.hasFailurePercentageRequestVolume(), o.getFailurePercentageRequestVolume().getValue(), 50),
        !o.hasSuccessfulActiveHealthCheckUnejectHost() || o.getSuccessfulActiveHealthCheckUnejectHost().getValue(),
        // Unset: Envoy's long-standing behaviour of always allowing one ejection; false: max_ejection_percent
        // holds for the first ejection too.
        !o.hasAlwaysEjectOneHost() || o.getAlwaysEjectOneHost().getValue());
  }

  private static int u32(boolean has, int value, int otherwise) {
    return has ? value : otherwise;
  }

  private static int percent(boolean has, int value, int otherwise, String path) throws ConfigException {
    if (!has) {
      return otherwise;
    }
    if (value < 0 || value > 100) {
      throw new ConfigException(path, "value must be less than or equal to 100");
    }
    return value;
  }
}
