package dev.javoy.filters.http.fault;

import dev.javoy.proxy.accesslog.filter.HeaderMatch;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.http.filter.Percentage;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code HTTPFault}: the filter's own config, or a route's or virtual host's override of it (which
 * replaces it whole, as in Envoy). The {@code *_runtime} fields only name runtime keys; javoy gives filters no
 * runtime snapshot, so the configured values apply, as in Envoy when those keys have no value.
 */
final class FaultSettings {
  static final Set<String> SUPPORTED = Set.of("delay", "abort", "upstream_cluster", "headers", "downstream_nodes",
      "max_active_faults", "response_rate_limit", "delay_percent_runtime", "abort_percent_runtime",
      "delay_duration_runtime", "abort_http_status_runtime", "max_active_faults_runtime",
      "response_rate_limit_percent_runtime", "abort_grpc_status_runtime", "disable_downstream_cluster_stats");

  static final String ABORT_REQUEST = "x-envoy-fault-abort-request";
  static final String ABORT_REQUEST_PERCENTAGE = "x-envoy-fault-abort-request-percentage";
  static final String ABORT_GRPC_REQUEST = "x-envoy-fault-abort-grpc-request";
  static final String DELAY_REQUEST = "x-envoy-fault-delay-request";
  static final String DELAY_REQUEST_PERCENTAGE = "x-envoy-fault-delay-request-percentage";
  static final String THROUGHPUT_RESPONSE = "x-envoy-fault-throughput-response";
  static final String THROUGHPUT_RESPONSE_PERCENTAGE = "x-envoy-fault-throughput-response-percentage";

  /** An abort: a fixed HTTP or gRPC status, or one taken from request headers. */
  record Abort(int httpStatus, long grpcStatus, boolean fromHeaders, Percentage percentage) {
    /** The HTTP status to abort with, or 0 for none. */
    int httpStatus(HttpRequest req) {
      if (!fromHeaders) {
        return httpStatus;
      }
      long v = headerNumber(req, ABORT_REQUEST);
      return v >= 200 && v < 600 ? (int) v : 0;
    }

    /** The gRPC status to abort with, or -1 for none. */
    long grpcStatus(HttpRequest req) {
      return fromHeaders ? headerNumber(req, ABORT_GRPC_REQUEST) : grpcStatus;
    }

    Percentage percentage(HttpRequest req) {
      return fromHeaders ? headerPercentage(req, ABORT_REQUEST_PERCENTAGE, percentage) : percentage;
    }
  }

  /** A delay: fixed, or taken from {@code x-envoy-fault-delay-request} (milliseconds). */
  record Delay(long fixedMillis, boolean fromHeaders, Percentage percentage) {
    /** The delay in milliseconds, or -1 for none. */
    long millis(HttpRequest req) {
      return fromHeaders ? headerNumber(req, DELAY_REQUEST) : fixedMillis;
    }

    Percentage percentage(HttpRequest req) {
      return fromHeaders ? headerPercentage(req, DELAY_REQUEST_PERCENTAGE, percentage) : percentage;
    }
  }

  /** A response body rate limit in KiB/s: fixed, or taken from {@code x-envoy-fault-throughput-response}. */
  record RateLimit(long fixedKbps, boolean fromHeaders, Percentage percentage) {
    /** The limit in KiB/s, or -1 for none (a header value of 0 is none). */
    long kbps(HttpRequest req) {
      if (!fromHeaders) {
        return fixedKbps;
      }
      long v = headerNumber(req, THROUGHPUT_RESPONSE);
      return v > 0 ? v : -1;
    }

    Percentage percentage(HttpRequest req) {
      return fromHeaders ? headerPercentage(req, THROUGHPUT_RESPONSE_PERCENTAGE, percentage) : percentage;
    }
  }

  final Abort abort;
  final Delay delay;
  final RateLimit responseRateLimit;
  final String upstreamCluster;
  final List<HeaderMatch> headers;
  final Set<String> downstreamNodes;
  final long maxActiveFaults;
  final boolean disableDownstreamClusterStats;

  private FaultSettings(HTTPFault f, Abort abort, Delay delay, RateLimit rateLimit, List<HeaderMatch> headers) {
    this.abort = abort;
    this.delay = delay;
    this.responseRateLimit = rateLimit;
    this.upstreamCluster = f.getUpstreamCluster();
    this.headers = List.copyOf(headers);
    this.downstreamNodes = Set.copyOf(f.getDownstreamNodesList());
    this.maxActiveFaults = f.hasMaxActiveFaults() ? Integer.toUnsignedLong(f.getMaxActiveFaults().getValue())
        : Long.MAX_VALUE;
    this.disableDownstreamClusterStats = f.getDisableDownstreamClusterStats();
  }

  /** @param path JSON path of the message, "" at the top of a typed config */
  static FaultSettings of(HTTPFault f, String path) throws ConfigException {
    FieldSupport.check(f, path, SUPPORTED);
    List<HeaderMatch> headers = new ArrayList<>();
    for (int i = 0; i < f.getHeadersCount(); i++) {
      headers.add(HeaderMatch.of(f.getHeaders(i), FieldSupport.index(path, "headers", i)));
    }
    Abort abort = f.hasAbort() ? abort(f.getAbort(), FieldSupport.join(path, "abort")) : null;
    Delay delay = f.hasDelay() ? delay(f.getDelay(), FieldSupport.join(path, "delay")) : null;
    RateLimit rl = f.hasResponseRateLimit()
        ? rateLimit(f.getResponseRateLimit(), FieldSupport.join(path, "response_rate_limit")) : null;
    return new FaultSettings(f, abort, delay, rl, headers);
  }

  private static Abort abort(FaultAbort a, String path) throws ConfigException {
    Percentage pct = Percentage.of(a.getPercentage(), FieldSupport.join(path, "percentage"));
    switch (a.getErrorTypeCase()) {
      case HTTP_STATUS -> {
        if (a.getHttpStatus() < 200 || a.getHttpStatus() >= 600) {
          throw new ConfigException(FieldSupport.join(path, "http_status"), "value must be in [200, 600)");
        }
        return new Abort(a.getHttpStatus(), -1, false, pct);
      }
      case GRPC_STATUS -> {
        return new Abort(0, Integer.toUnsignedLong(a.getGrpcStatus()), false, pct);
      }
      case HEADER_ABORT -> {
        return new Abort(0, -1, true, pct);
      }
      default -> throw new ConfigException(path, "one of http_status, grpc_status or header_abort is required");
    }
  }

  private static Delay delay(FaultDelay d, String path) throws ConfigException {
    Percentage pct = Percentage.of(d.getPercentage(), FieldSupport.join(path, "percentage"));
    switch (d.getFaultDelaySecifierCase()) {
      case FIXED_DELAY -> {
        long nanos = Durations.toNanos(d.getFixedDelay());
        if (nanos <= 0) {
          throw new ConfigException(FieldSupport.join(path, "fixed_delay"), "value must be greater than 0s");
        }
        return new Delay(Durations.toMillis(d.getFixedDelay()), false, pct);
      }
      case HEADER_DELAY -> {
        return new Delay(-1, true, pct);
      }
      default -> throw new ConfigException(path, "one of fixed_delay or header_delay is required");
    }
  }

  private static RateLimit rateLimit(FaultRateLimit r, String path) throws ConfigException {
    Percentage pct = Percentage.of(r.getPercentage(), FieldSupport.join(path, "percentage"));
    switch (r.getLimitTypeCase()) {
      case FIXED_LIMIT -> {
        if (r.getFixedLimit().getLimitKbps() < 1) {
          throw new ConfigException(FieldSupport.join(path, "fixed_limit.limit_kbps"), "value must be at least 1");
        }
        return new RateLimit(r.getFixedLimit().getLimitKbps(), false, pct);
      }
      case HEADER_LIMIT -> {
        return new RateLimit(-1, true, pct);
      }
      default -> throw new ConfigException(path, "one of fixed_limit or header_limit is required");
    }
  }

  /** The first value of {@code name} as a non-negative integer, or -1 when absent or not a number. */
  static long headerNumber(HttpRequest req, String name) {
    String v = req.headers().get(name);
    if (v == null) {
      return -1;
    }
    v = v.trim();
    if (v.startsWith("+")) {
      v = v.substring(1);
    }
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(v);
  }

  /** The configured percentage with its numerator lowered to a header's value (Envoy never raises it). */
  static Percentage headerPercentage(HttpRequest req, String name, Percentage configured) {
    long v = headerNumber(req, name);
    return v < 0 || v > 0xFFFF_FFFFL ? configured : configured.capNumerator(v);
  }
}
