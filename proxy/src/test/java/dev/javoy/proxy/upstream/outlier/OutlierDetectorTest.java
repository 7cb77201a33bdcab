package dev.javoy.proxy.upstream.outlier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.upstream.Host;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The detectors of {@link OutlierDetector} driven directly: no timers, a hand-moved clock, results inline. */
class OutlierDetectorTest {
  private final StatsStore store = new StatsStore();
  private final OutlierDetectionStats stats = new OutlierDetectionStats(store.scope("cluster.c."));
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AtomicInteger healthChanges = new AtomicInteger();
  private List<Host> hosts;
  private OutlierDetector detector;

  private void start(OutlierDetection od, int hostCount) throws ConfigException {
    detector = new OutlierDetector(OutlierDetectionConfig.from(od, "outlier_detection"), stats, Runnable::run, null,
        now::get, 42, h -> healthChanges.incrementAndGet());
    hosts = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      hosts.add(new Host("c", new InetSocketAddress("127.0.0.1", 10000 + i), "", 1, 0, Metadata.getDefaultInstance()));
    }
    detector.onHostsChanged(hosts);
  }

  private static OutlierDetection.Builder od() {
    return OutlierDetection.newBuilder();
  }

  private static UInt32Value u32(int v) {
    return UInt32Value.of(v);
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  private long stat(String name) {
    return store.counter("cluster.c.outlier_detection." + name).value();
  }

  private boolean ejected(int i) {
    return hosts.get(i).healthFlagGet(Host.FAILED_OUTLIER_CHECK);
  }

  private void respond(int host, int code, int times) {
    for (int i = 0; i < times; i++) {
      hosts.get(host).outlier().putHttpResponseCode(code);
    }
  }

  @Test
  void defaultsAreEnvoys() {
    OutlierDetectionConfig c = OutlierDetectionConfig.defaults();
    assertEquals(5, c.consecutive5xx());
    assertEquals(100, c.enforcingConsecutive5xx());
    assertEquals(5, c.consecutiveGatewayFailure());
    assertEquals(0, c.enforcingConsecutiveGatewayFailure());
    assertEquals(10_000, c.intervalMillis());
    assertEquals(30_000, c.baseEjectionTimeMillis());
    assertEquals(300_000, c.maxEjectionTimeMillis());
    assertEquals(10, c.maxEjectionPercent());
    assertEquals(1900, c.successRateStdevFactor());
    assertEquals(5, c.successRateMinimumHosts());
    assertEquals(100, c.successRateRequestVolume());
    assertEquals(85, c.failurePercentageThreshold());
    assertEquals(0, c.enforcingFailurePercentage());
    assertEquals(50, c.failurePercentageRequestVolume());
    assertTrue(c.successfulActiveHealthCheckUnejectHost());
  }

  @Test
  void rejectsUnsupportedAndInvalidFields() {
    ConfigException e = assertThrows(ConfigException.class, () -> OutlierDetectionConfig.from(
        od().addMonitors(io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig.getDefaultInstance()).build(),
        "clusters[0].outlier_detection"));
    assertTrue(e.getMessage().contains("clusters[0].outlier_detection.monitors"), e.getMessage());
    assertThrows(ConfigException.class, () -> OutlierDetectionConfig.from(
        od().setMaxEjectionPercent(u32(101)).build(), "od"));
    assertThrows(ConfigException.class, () -> OutlierDetectionConfig.from(
        od().setBaseEjectionTime(seconds(400)).setMaxEjectionTime(seconds(300)).build(), "od"));
  }

  @Test
  void consecutive5xxEjectsAtTheThresholdAndNotBefore() throws Exception {
    start(od().build(), 2);
    respond(0, 500, 4);
    assertFalse(ejected(0));
    assertEquals(0, stat("ejections_detected_consecutive_5xx"));
    respond(0, 500, 1);
    assertTrue(ejected(0));
    assertFalse(hosts.get(0).healthy());
    assertEquals(1, stat("ejections_detected_consecutive_5xx"));
    assertEquals(1, stat("ejections_enforced_consecutive_5xx"));
    assertEquals(1, stat("ejections_enforced_total"));
    assertEquals(1, store.gauge("cluster.c.outlier_detection.ejections_active").value());
    assertEquals(1, healthChanges.get());
    assertFalse(ejected(1));
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() throws Exception {
    start(od().setConsecutive5Xx(u32(3)).build(), 2);
    respond(0, 500, 2);
    respond(0, 200, 1);
    respond(0, 503, 2);
    assertFalse(ejected(0));
    respond(0, 502, 1);
    assertTrue(ejected(0));
  }

  @Test
  void gatewayFailuresAreDetectedButNotEnforcedByDefault() throws Exception {
    start(od().setConsecutive5Xx(u32(100)).build(), 2);
    respond(0, 503, 5);
    assertEquals(1, stat("ejections_detected_consecutive_gateway_failure"));
    assertEquals(0, stat("ejections_enforced_consecutive_gateway_failure"));
    assertFalse(ejected(0));
  }

  @Test
  void gatewayFailuresOnlyCount502To504() throws Exception {
    start(od().setConsecutive5Xx(u32(100)).setEnforcingConsecutiveGatewayFailure(u32(100))
        .setConsecutiveGatewayFailure(u32(3)).build(), 2);
    respond(0, 502, 2);
    respond(0, 500, 1); // a 5xx that is not a gateway failure resets the gateway count
    respond(0, 504, 2);
    assertFalse(ejected(0));
    respond(0, 503, 1);
    assertTrue(ejected(0));
    assertEquals(1, stat("ejections_enforced_consecutive_gateway_failure"));
  }

  @Test
  void connectFailuresCountAs5xxWithoutTheSplit() throws Exception {
    start(od().build(), 2);
    for (int i = 0; i < 5; i++) {
      hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    }
    assertTrue(ejected(0));
    assertEquals(1, stat("ejections_enforced_consecutive_5xx"));
    assertEquals(1, stat("ejections_detected_consecutive_gateway_failure"));
  }

  @Test
  void splitLocalOriginErrorsHaveTheirOwnCount() throws Exception {
    start(od().setSplitExternalLocalOriginErrors(true).setConsecutiveLocalOriginFailure(u32(3)).build(), 2);
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_TIMEOUT);
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS); // resets the local count
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    assertFalse(ejected(0));
    assertEquals(0, stat("ejections_detected_consecutive_5xx"));
    hosts.get(0).outlier().putResult(OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED);
    assertTrue(ejected(0));
    assertEquals(1, stat("ejections_enforced_consecutive_local_origin_failure"));
    assertEquals(0, stat("ejections_detected_consecutive_5xx"));
  }

  @Test
  void successRateMathOnAKnownSample() {
    // Envoy's own example: {50, 100, 100, 100, 100} → mean 90, stdev 20, threshold 90 − 1.9 × 20 = 52.
    OutlierDetector.SuccessRateThreshold t =
        OutlierDetector.successRateThreshold(450, List.of(50.0, 100.0, 100.0, 100.0, 100.0), 1.9);
    assertEquals(90.0, t.mean(), 1e-9);
    assertEquals(52.0, t.threshold(), 1e-9);
  }

  @Test
  void successRateEjectsTheOutlierAtTheInterval() throws Exception {
    // consecutive_5xx not enforced, so that only the success rate analysis can eject
    start(od().setEnforcingConsecutive5Xx(u32(0)).build(), 5);
    for (int r = 0; r < 50; r++) {
      respond(0, 200, 1);
      respond(0, 500, 1); // 50 % of 100 requests
    }
    for (int i = 1; i < 5; i++) {
      respond(i, 200, 100);
    }
    assertFalse(ejected(0));
    detector.onIntervalTimer();
    assertTrue(ejected(0));
    assertEquals(1, stat("ejections_detected_success_rate"));
    assertEquals(1, stat("ejections_enforced_success_rate"));
    assertEquals(90.0, detector.lastSuccessRateThreshold().mean(), 1e-9);
    assertEquals(52.0, detector.lastSuccessRateThreshold().threshold(), 1e-9);
    assertEquals(100.0, hosts.get(1).outlier().successRate(), 1e-9);
    for (int i = 1; i < 5; i++) {
      assertFalse(ejected(i));
    }
  }

  @Test
  void successRateNeedsRequestVolumeAndMinimumHosts() throws Exception {
    start(od().setEnforcingConsecutive5Xx(u32(0)).build(), 5);
    for (int r = 0; r < 40; r++) {
      respond(0, 200, 1);
      respond(0, 500, 1); // 80 requests: below success_rate_request_volume 100
    }
    for (int i = 1; i < 5; i++) {
      respond(i, 200, 100);
    }
    detector.onIntervalTimer();
    assertFalse(ejected(0));
    assertEquals(-1, detector.lastSuccessRateThreshold().mean());
  }

  @Test
  void failurePercentageEjectsWhenEnforced() throws Exception {
    start(od().setEnforcingConsecutive5Xx(u32(0)).setEnforcingFailurePercentage(u32(100))
        .setMaxEjectionPercent(u32(100)).build(), 5);
    for (int r = 0; r < 10; r++) {
      respond(0, 200, 1);
      respond(0, 500, 9); // 90 % failures, 100 requests
    }
    for (int i = 1; i < 5; i++) {
      respond(i, 200, 60);
    }
    detector.onIntervalTimer();
    assertTrue(ejected(0));
    assertEquals(1, stat("ejections_enforced_failure_percentage"));
    assertEquals(1, stat("ejections_detected_failure_percentage"));
  }

  @Test
  void maxEjectionPercentButAlwaysOneHost() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).build(), 3); // default 10 %: one host of three is 33 %
    respond(0, 500, 1);
    assertTrue(ejected(0));
    respond(1, 500, 1);
    assertFalse(ejected(1));
    assertEquals(1, stat("ejections_overflow"));

    start(od().setConsecutive5Xx(u32(1)).setMaxEjectionPercent(u32(50)).build(), 4);
    respond(0, 500, 1);
    respond(1, 500, 1);
    respond(2, 500, 1);
    assertTrue(ejected(0));
    assertTrue(ejected(1));
    assertFalse(ejected(2));
    assertEquals(2, detector.ejectionsActive());

    // always_eject_one_host: false makes max_ejection_percent hold for the first host too.
    start(od().setConsecutive5Xx(u32(1)).setAlwaysEjectOneHost(com.google.protobuf.BoolValue.of(false)).build(), 3);
    respond(0, 500, 1);
    assertFalse(ejected(0));
  }

  @Test
  void ejectionTimeGrowsWithEachEjectionUpToTheMaximum() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).setBaseEjectionTime(seconds(30)).setMaxEjectionTime(seconds(70))
        .setInterval(seconds(10)).build(), 2);
    OutlierHostMonitor m = detector.monitor(hosts.get(0));
    long t0 = now.get();
    respond(0, 500, 1);
    assertTrue(ejected(0));
    assertEquals(30_000, detector.ejectionMillis(m));
    now.set(t0 + 29_999);
    detector.onIntervalTimer();
    assertTrue(ejected(0));
    now.set(t0 + 30_000);
    detector.onIntervalTimer();
    assertFalse(ejected(0), "un-ejected after base_ejection_time");
    assertEquals(2, healthChanges.get());

    // Ejected again at once: 2 × base.
    long t1 = now.get();
    respond(0, 500, 1);
    assertTrue(ejected(0));
    assertEquals(60_000, detector.ejectionMillis(m));
    now.set(t1 + 59_999);
    detector.onIntervalTimer();
    assertTrue(ejected(0));
    now.set(t1 + 60_000);
    detector.onIntervalTimer();
    assertFalse(ejected(0));

    // A third time: 3 × base = 90 s, capped by max_ejection_time 70 s.
    respond(0, 500, 1);
    assertEquals(70_000, detector.ejectionMillis(m));
    assertEquals(3, m.numEjections());
  }

  @Test
  void healthyIntervalsShrinkTheBackOff() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).setBaseEjectionTime(seconds(30)).build(), 2);
    OutlierHostMonitor m = detector.monitor(hosts.get(0));
    respond(0, 500, 1);
    now.addAndGet(30_000);
    detector.onIntervalTimer(); // un-ejected
    respond(0, 500, 1);
    assertEquals(60_000, detector.ejectionMillis(m));
    now.addAndGet(60_000);
    detector.onIntervalTimer(); // un-ejected
    detector.onIntervalTimer(); // healthy interval: 2 → 1
    respond(0, 500, 1);
    assertEquals(60_000, detector.ejectionMillis(m)); // 1 + 1
  }

  @Test
  void jitterIsAddedUpToTheMaximum() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).setMaxEjectionTimeJitter(seconds(5)).build(), 2);
    respond(0, 500, 1);
    long ms = detector.ejectionMillis(detector.monitor(hosts.get(0)));
    assertTrue(ms >= 30_000 && ms <= 35_000, "ejection " + ms);
  }

  @Test
  void activeHealthCheckSuccessUnejects() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).build(), 2);
    respond(0, 500, 1);
    assertTrue(ejected(0));
    detector.onActiveHealthCheckSuccess(hosts.get(0));
    assertFalse(ejected(0));
    assertEquals(0, detector.ejectionsActive());

    start(od().setConsecutive5Xx(u32(1)).setSuccessfulActiveHealthCheckUnejectHost(
        com.google.protobuf.BoolValue.of(false)).build(), 2);
    respond(0, 500, 1);
    detector.onActiveHealthCheckSuccess(hosts.get(0));
    assertTrue(ejected(0));
  }

  @Test
  void removedEjectedHostsStopCounting() throws Exception {
    start(od().setConsecutive5Xx(u32(1)).build(), 2);
    Host gone = hosts.get(0);
    respond(0, 500, 1);
    assertEquals(1, detector.ejectionsActive());
    detector.onHostsChanged(List.of(hosts.get(1)));
    assertEquals(0, detector.ejectionsActive());
    assertEquals(0, store.gauge("cluster.c.outlier_detection.ejections_active").value());
    assertSame(OutlierHostMonitor.NONE, gone.outlier());
  }
}
