package dev.javoy.proxy.stream;

/** Envoy's response flags, in Envoy's order (which is the order {@code %RESPONSE_FLAGS%} prints them in). */
public enum ResponseFlag {
  FAILED_LOCAL_HEALTH_CHECK("LH", "failed_local_health_check"),
  NO_HEALTHY_UPSTREAM("UH", "no_healthy_upstream"),
  UPSTREAM_REQUEST_TIMEOUT("UT", "upstream_request_timeout"),
  LOCAL_RESET("LR", "local_reset"),
  UPSTREAM_REMOTE_RESET("UR", "upstream_remote_reset"),
  UPSTREAM_CONNECTION_FAILURE("UF", "upstream_connection_failure"),
  UPSTREAM_CONNECTION_TERMINATION("UC", "upstream_connection_termination"),
  UPSTREAM_OVERFLOW("UO", "upstream_overflow"),
  NO_ROUTE_FOUND("NR", "no_route_found"),
  DELAY_INJECTED("DI", "delay_injected"),
  FAULT_INJECTED("FI", "fault_injected"),
  RATE_LIMITED("RL", "rate_limited"),
  UNAUTHORIZED_EXTERNAL_SERVICE("UAEX", "unauthorized_external_service"),
  RATELIMIT_SERVICE_ERROR("RLSE", "rate_limit_service_error"),
  DOWNSTREAM_CONNECTION_TERMINATION("DC", "downstream_connection_termination"),
  UPSTREAM_RETRY_LIMIT_EXCEEDED("URX", "upstream_retry_limit_exceeded"),
  STREAM_IDLE_TIMEOUT("SI", "stream_idle_timeout"),
  INVALID_ENVOY_REQUEST_HEADERS("IH", "invalid_envoy_request_headers"),
  DOWNSTREAM_PROTOCOL_ERROR("DPE", "downstream_protocol_error"),
  UPSTREAM_MAX_STREAM_DURATION_REACHED("UMSDR", "upstream_max_stream_duration_reached"),
  RESPONSE_FROM_CACHE_FILTER("RFCF", "response_from_cache_filter"),
  NO_FILTER_CONFIG_FOUND("NFCF", "no_filter_config_found"),
  DURATION_TIMEOUT("DT", "duration_timeout"),
  UPSTREAM_PROTOCOL_ERROR("UPE", "upstream_protocol_error"),
  NO_CLUSTER_FOUND("NC", "no_cluster_found"),
  OVERLOAD_MANAGER("OM", "overload_manager"),
  DNS_RESOLUTION_FAILED("DF", "dns_resolution_failed"),
  DROP_OVERLOAD("DO", "drop_overload"),
  DOWNSTREAM_REMOTE_RESET("DR", "downstream_remote_reset"),
  UNCONDITIONAL_DROP_OVERLOAD("UDO", "unconditional_drop_overload");

  private static final ResponseFlag[] VALUES = values();

  private final String shortName;
  private final String longName;

  ResponseFlag(String shortName, String longName) {
    this.shortName = shortName;
    this.longName = longName;
  }

  public String shortName() {
    return shortName;
  }

  public String longName() {
    return longName;
  }

  public long bit() {
    return 1L << ordinal();
  }

  /** Envoy's {@code %RESPONSE_FLAGS%}: short names joined by commas, or "-" when none is set. */
  public static String format(long flags, boolean longNames) {
    if (flags == 0) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (ResponseFlag f : VALUES) {
      if ((flags & f.bit()) != 0) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(longNames ? f.longName : f.shortName);
      }
    }
    return sb.toString();
  }

  public static ResponseFlag byShortName(String s) {
    for (ResponseFlag f : VALUES) {
      if (f.shortName.equals(s)) {
        return f;
      }
    }
    return null;
  }
}
