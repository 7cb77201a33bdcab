package dev.javoy.proxy.upstream.outlier;

/** Why a host was ejected (Envoy's {@code OutlierEjectionType}), with the suffix of its stats. */
public enum EjectionType {
  CONSECUTIVE_5XX("consecutive_5xx"),
  CONSECUTIVE_GATEWAY_FAILURE("consecutive_gateway_failure"),
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE("consecutive_local_origin_failure"),
  SUCCESS_RATE("success_rate"),
  SUCCESS_RATE_LOCAL_ORIGIN("local_origin_success_rate"),
  FAILURE_PERCENTAGE("failure_percentage"),
  FAILURE_PERCENTAGE_LOCAL_ORIGIN("local_origin_failure_percentage");

  final String statSuffix;

  EjectionType(String statSuffix) {
    this.statSuffix = statSuffix;
  }
}
