package dev.javoy.proxy.upstream.outlier;

import dev.javoy.proxy.upstream.Host;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One host's outlier detection state (Envoy's {@code DetectorHostMonitorImpl}). Workers report results
 * lock-free (atomic counters); reaching a consecutive-error threshold posts the ejection to the main thread,
 * which owns everything else (ejection times, back-off, success rates).
 */
public final class OutlierHostMonitor {
  /** The monitor of hosts whose cluster has no outlier detection: reports go nowhere. */
  public static final OutlierHostMonitor NONE = new OutlierHostMonitor(null, null);

  private final OutlierDetector detector;
  private final Host host;
  private final AtomicInteger consecutive5xx = new AtomicInteger();
  private final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
  private final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
  final SuccessRateAccumulator externalOrigin = new SuccessRateAccumulator();
  final SuccessRateAccumulator localOrigin = new SuccessRateAccumulator();

  // main thread only
  int numEjections;
  int ejectTimeBackoff;
  long lastEjectionMillis;
  long lastUnejectionMillis = -1;
  long jitterMillis;
  private volatile double successRate = -1;
  private volatile double localOriginSuccessRate = -1;

  OutlierHostMonitor(OutlierDetector detector, Host host) {
    this.detector = detector;
    this.host = host;
  }

  /** An HTTP response came back from the host with {@code code} (any worker). */
  public void putHttpResponseCode(int code) {
    if (detector == null) {
      return;
    }
    externalOrigin.request(code < 500);
    if (code >= 500) {
      OutlierDetectionConfig c = detector.config();
      if (code == 502 || code == 503 || code == 504) {
        if (consecutiveGatewayFailure.incrementAndGet() == c.consecutiveGatewayFailure()) {
          detector.onConsecutiveError(host, EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
        }
      } else {
        reset(consecutiveGatewayFailure);
      }
      if (consecutive5xx.incrementAndGet() == c.consecutive5xx()) {
        detector.onConsecutiveError(host, EjectionType.CONSECUTIVE_5XX);
      }
    } else {
      reset(consecutive5xx);
      reset(consecutiveGatewayFailure);
    }
  }

  /** Zeroes a counter, without a write (and its cache line traffic between workers) when it is zero already. */
  private static void reset(AtomicInteger counter) {
    if (counter.get() != 0) {
      counter.set(0);
    }
  }

  /** A result without an HTTP code, such as a connect failure (any worker). */
  public void putResult(OutlierResult result) {
    if (detector == null) {
      return;
    }
    if (detector.config().splitExternalLocalOriginErrors()) {
      switch (result) {
        case LOCAL_ORIGIN_CONNECT_SUCCESS, LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL -> localOriginNoFailure();
        case LOCAL_ORIGIN_TIMEOUT, LOCAL_ORIGIN_CONNECT_FAILED -> localOriginFailure();
        case EXT_ORIGIN_REQUEST_FAILED -> putHttpResponseCode(500);
        case EXT_ORIGIN_REQUEST_SUCCESS -> putHttpResponseCode(200);
      }
      return;
    }
    // Without the split, local origin errors count as the HTTP codes Envoy maps them to.
    switch (result) {
      case LOCAL_ORIGIN_CONNECT_SUCCESS -> { } // the HTTP response that follows decides
      case LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL, EXT_ORIGIN_REQUEST_SUCCESS -> putHttpResponseCode(200);
      case LOCAL_ORIGIN_TIMEOUT -> putHttpResponseCode(504);
      case LOCAL_ORIGIN_CONNECT_FAILED -> putHttpResponseCode(503);
      case EXT_ORIGIN_REQUEST_FAILED -> putHttpResponseCode(500);
    }
  }

  private void localOriginFailure() {
    localOrigin.request(false);
    if (consecutiveLocalOriginFailure.incrementAndGet() == detector.config().consecutiveLocalOriginFailure()) {
      detector.onConsecutiveError(host, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }
  }

  private void localOriginNoFailure() {
    localOrigin.request(true);
    reset(consecutiveLocalOriginFailure);
  }

  void resetConsecutive(EjectionType type) {
    switch (type) {
      case CONSECUTIVE_5XX -> consecutive5xx.set(0);
      case CONSECUTIVE_GATEWAY_FAILURE -> consecutiveGatewayFailure.set(0);
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> consecutiveLocalOriginFailure.set(0);
      default -> { }
    }
  }

  /** The external-origin success rate of the last interval for {@code /clusters}, or -1. */
  public double successRate() {
    return successRate;
  }

  public double localOriginSuccessRate() {
    return localOriginSuccessRate;
  }

  void setSuccessRate(boolean local, double rate) {
    if (local) {
      localOriginSuccessRate = rate;
    } else {
      successRate = rate;
    }
  }

  public int numEjections() {
    return numEjections;
  }

  Host host() {
    return host;
  }
}
