package dev.javoy.proxy.http.route;

import dev.javoy.proxy.accesslog.filter.HeaderMatch;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A compiled {@code retry_policy} of a route or virtual host (the route's wins), with Envoy's retry conditions
 * ({@code retry_on}) as bits, and the decisions that depend only on the policy and what the attempt saw.
 * Immutable; the per-stream state is the router's {@code RetryState}.
 *
 * @param retryOn the {@code RETRY_ON_*} bits
 * @param numRetries {@code num_retries} (default 1)
 * @param perTryTimeoutMillis {@code per_try_timeout}, 0 for none
 * @param retriableStatusCodes {@code retriable_status_codes}
 * @param retriableHeaders {@code retriable_headers}, matched against response headers
 * @param previousHosts whether {@code envoy.retry_host_predicates.previous_hosts} is configured
 * @param hostSelectionMaxAttempts {@code host_selection_retry_max_attempts} (default 1)
 * @param backoffBaseMillis {@code retry_back_off.base_interval} (default 25 ms)
 * @param backoffMaxMillis {@code retry_back_off.max_interval} (default 10 times the base)
 */
public record RetryPolicy(int retryOn, int numRetries, long perTryTimeoutMillis, int[] retriableStatusCodes,
    List<ResponseHeaderMatch> retriableHeaders, boolean previousHosts, int hostSelectionMaxAttempts,
    long backoffBaseMillis, long backoffMaxMillis) {
  public static final int RETRY_ON_5XX = 1;
  public static final int RETRY_ON_GATEWAY_ERROR = 1 << 1;
  public static final int RETRY_ON_CONNECT_FAILURE = 1 << 2;
  public static final int RETRY_ON_RETRIABLE_4XX = 1 << 3;
  public static final int RETRY_ON_REFUSED_STREAM = 1 << 4;
  public static final int RETRY_ON_GRPC_CANCELLED = 1 << 5;
  public static final int RETRY_ON_GRPC_DEADLINE_EXCEEDED = 1 << 6;
  public static final int RETRY_ON_GRPC_RESOURCE_EXHAUSTED = 1 << 7;
  public static final int RETRY_ON_GRPC_UNAVAILABLE = 1 << 8;
  public static final int RETRY_ON_GRPC_INTERNAL = 1 << 9;
  public static final int RETRY_ON_RETRIABLE_STATUS_CODES = 1 << 10;
  public static final int RETRY_ON_RESET = 1 << 11;
  public static final int RETRY_ON_RETRIABLE_HEADERS = 1 << 12;
  public static final int RETRY_ON_ENVOY_RATE_LIMITED = 1 << 13;
  public static final int RETRY_ON_HTTP3_POST_CONNECT_FAILURE = 1 << 14;
  public static final int RETRY_ON_RESET_BEFORE_REQUEST = 1 << 15;
  private static final int GRPC_BITS = RETRY_ON_GRPC_CANCELLED | RETRY_ON_GRPC_DEADLINE_EXCEEDED
      | RETRY_ON_GRPC_RESOURCE_EXHAUSTED | RETRY_ON_GRPC_UNAVAILABLE | RETRY_ON_GRPC_INTERNAL;
  private static final int NO_RESPONSE_BITS = RETRY_ON_5XX | RETRY_ON_GATEWAY_ERROR | RETRY_ON_RESET;

  public static final long DEFAULT_BACKOFF_BASE_MILLIS = 25;
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  private static final Set<String> FIELDS = Set.of("retry_on", "num_retries", "per_try_timeout",
      "retriable_status_codes", "retriable_headers", "retry_host_predicate", "host_selection_retry_max_attempts",
      "retry_back_off");

  /** One {@code retriable_headers} matcher, with the header it reads ({@code :status} is the status code). */
  public record ResponseHeaderMatch(String name, HeaderMatch match) {
    boolean matches(HttpResponse response) {
      String v;
      if (name.equals(":status")) {
        v = Integer.toString(response.status().code());
      } else {
        List<String> all = response.headers().getAll(name);
        v = all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(",", all);
      }
      return match.matchesValue(v);
    }
  }

  static RetryPolicy of(io.envoyproxy.envoy.config.route.v3.RetryPolicy p, String path) throws ConfigException {
    FieldSupport.check(p, path, FIELDS);
    int retryOn = parseRetryOn(p.getRetryOn(), path + ".retry_on");
    int num = p.hasNumRetries() ? p.getNumRetries().getValue() : 1;
    long perTry = p.hasPerTryTimeout() ? Durations.toMillis(p.getPerTryTimeout()) : 0;
    int[] codes = new int[p.getRetriableStatusCodesCount()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = p.getRetriableStatusCodes(i);
    }
    List<ResponseHeaderMatch> headers = new ArrayList<>();
    for (int i = 0; i < p.getRetriableHeadersCount(); i++) {
      HeaderMatcher m = p.getRetriableHeaders(i);
      headers.add(new ResponseHeaderMatch(m.getName().toLowerCase(Locale.ROOT),
          HeaderMatch.of(m, FieldSupport.index(path, "retriable_headers", i))));
    }
    boolean previousHosts = false;
    for (int i = 0; i < p.getRetryHostPredicateCount(); i++) {
      var pred = p.getRetryHostPredicate(i);
      String pp = FieldSupport.index(path, "retry_host_predicate", i);
      boolean byType = pred.hasTypedConfig() && pred.getTypedConfig().getTypeUrl().endsWith(
          "/" + PreviousHostsPredicate.getDescriptor().getFullName());
      if (!byType && !pred.getName().equals(PREVIOUS_HOSTS)) {
        throw new ConfigException(pp, "retry host predicate '" + pred.getName() + "' is not supported (only "
            + PREVIOUS_HOSTS + ")");
      }
      previousHosts = true;
    }
    long base = DEFAULT_BACKOFF_BASE_MILLIS;
    long max = 0;
    if (p.hasRetryBackOff()) {
      var b = p.getRetryBackOff();
      String bp = path + ".retry_back_off";
      FieldSupport.check(b, bp, Set.of("base_interval", "max_interval"));
      if (!b.hasBaseInterval()) {
        throw new ConfigException(bp + ".base_interval", "value is required");
      }
      base = Durations.toMillis(b.getBaseInterval());
      if (base <= 0) {
        throw new ConfigException(bp + ".base_interval", "value must be greater than 1ms");
      }
      if (b.hasMaxInterval()) {
        max = Durations.toMillis(b.getMaxInterval());
        if (max < base) {
          throw new ConfigException(bp + ".max_interval", "max_interval must be greater than or equal to the "
              + "base_interval");
        }
      }
    }
    if (max == 0) {
      max = base * 10;
    }
    int hostAttempts = p.getHostSelectionRetryMaxAttempts() > 0 ? (int) p.getHostSelectionRetryMaxAttempts() : 1;
    return new RetryPolicy(retryOn, num, perTry, codes, List.copyOf(headers), previousHosts, hostAttempts, base,
        max);
  }

  /**
   * Parses a comma-separated {@code retry_on} (or {@code x-envoy-retry-on}/{@code x-envoy-retry-grpc-on})
   * list. Unknown conditions are a config error.
   */
  static int parseRetryOn(String s, String path) throws ConfigException {
    int bits = 0;
    for (String t : s.split(",")) {
      String c = t.trim();
      if (c.isEmpty()) {
        continue;
      }
      int b = bit(c);
      if (b == 0) {
        throw new ConfigException(path, "unknown retry_on condition '" + c + "'");
      }
      bits |= b;
    }
    return bits;
  }

  /** Parses a request header's list of conditions; unknown ones are ignored, as Envoy does. */
  public static int parseRetryOnHeader(String s) {
    int bits = 0;
    for (String t : s.split(",")) {
      bits |= bit(t.trim());
    }
    return bits;
  }

  private static int bit(String c) {
    return switch (c) {
      case "5xx" -> RETRY_ON_5XX;
      case "gateway-error" -> RETRY_ON_GATEWAY_ERROR;
      case "connect-failure" -> RETRY_ON_CONNECT_FAILURE;
      case "retriable-4xx" -> RETRY_ON_RETRIABLE_4XX;
      case "refused-stream" -> RETRY_ON_REFUSED_STREAM;
      case "retriable-status-codes" -> RETRY_ON_RETRIABLE_STATUS_CODES;
      case "retriable-headers" -> RETRY_ON_RETRIABLE_HEADERS;
      case "reset" -> RETRY_ON_RESET;
      case "reset-before-request" -> RETRY_ON_RESET_BEFORE_REQUEST;
      case "envoy-ratelimited" -> RETRY_ON_ENVOY_RATE_LIMITED;
      case "http3-post-connect-failure" -> RETRY_ON_HTTP3_POST_CONNECT_FAILURE;
      case "cancelled" -> RETRY_ON_GRPC_CANCELLED;
      case "deadline-exceeded" -> RETRY_ON_GRPC_DEADLINE_EXCEEDED;
      case "resource-exhausted" -> RETRY_ON_GRPC_RESOURCE_EXHAUSTED;
      case "unavailable" -> RETRY_ON_GRPC_UNAVAILABLE;
      case "internal" -> RETRY_ON_GRPC_INTERNAL;
      default -> 0;
    };
  }

  /** Whether a connection failure (connect error or timeout, before any request byte was sent) is retriable. */
  public static boolean retriesConnectFailure(int retryOn) {
    return (retryOn & (NO_RESPONSE_BITS | RETRY_ON_CONNECT_FAILURE | RETRY_ON_RESET_BEFORE_REQUEST)) != 0;
  }

  /**
   * Whether an upstream reset before the response started is retriable (Envoy's {@code wouldRetryFromReset}).
   *
   * @param refused the peer refused the stream (HTTP/2 REFUSED_STREAM)
   */
  public static boolean retriesReset(int retryOn, boolean refused) {
    return (retryOn & NO_RESPONSE_BITS) != 0 || (refused && (retryOn & RETRY_ON_REFUSED_STREAM) != 0);
  }

  /** Whether a per-try timeout is retriable: as a reset ({@code 5xx}, {@code gateway-error}, {@code reset}). */
  public static boolean retriesTimeout(int retryOn) {
    return (retryOn & NO_RESPONSE_BITS) != 0;
  }

  /**
   * Whether a response is retriable (Envoy's {@code wouldRetryFromHeaders}).
   *
   * @param extraCodes codes from {@code x-envoy-retriable-status-codes}, or null
   * @param extraHeaders header names from {@code x-envoy-retriable-header-names} (presence), or null
   */
  public boolean retriesResponse(int retryOn, HttpResponse response, int[] extraCodes, List<String> extraHeaders) {
    HttpHeaders h = response.headers();
    if (h.contains("x-envoy-overloaded")) {
      return false;
    }
    if (h.contains("x-envoy-ratelimited")) {
      return (retryOn & RETRY_ON_ENVOY_RATE_LIMITED) != 0;
    }
    int code = response.status().code();
    if ((retryOn & RETRY_ON_5XX) != 0 && code >= 500 && code < 600) {
      return true;
    }
    if ((retryOn & RETRY_ON_GATEWAY_ERROR) != 0 && code >= 502 && code <= 504) {
      return true;
    }
    if ((retryOn & RETRY_ON_RETRIABLE_4XX) != 0 && code == 409) {
      return true;
    }
    if ((retryOn & RETRY_ON_RETRIABLE_STATUS_CODES) != 0
        && (contains(retriableStatusCodes, code) || contains(extraCodes, code))) {
      return true;
    }
    if ((retryOn & RETRY_ON_RETRIABLE_HEADERS) != 0) {
      for (ResponseHeaderMatch m : retriableHeaders) {
        if (m.matches(response)) {
          return true;
        }
      }
      if (extraHeaders != null) {
        for (String n : extraHeaders) {
          if (h.contains(n)) {
            return true;
          }
        }
      }
    }
    if ((retryOn & GRPC_BITS) != 0) {
      String s = h.get("grpc-status");
      if (s != null) {
        int bit = switch (s.trim()) {
          case "1" -> RETRY_ON_GRPC_CANCELLED;
          case "4" -> RETRY_ON_GRPC_DEADLINE_EXCEEDED;
          case "8" -> RETRY_ON_GRPC_RESOURCE_EXHAUSTED;
          case "13" -> RETRY_ON_GRPC_INTERNAL;
          case "14" -> RETRY_ON_GRPC_UNAVAILABLE;
          default -> 0;
        };
        return (retryOn & bit) != 0;
      }
    }
    return false;
  }

  private static boolean contains(int[] codes, int code) {
    if (codes != null) {
      for (int c : codes) {
        if (c == code) {
          return true;
        }
      }
    }
    return false;
  }
}
