package dev.javoy.proxy.upstream.outlier;

import dev.javoy.proxy.upstream.Host;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A cluster's outlier detection (Envoy's {@code Outlier::DetectorImpl}). Everything here runs on the main
 * thread: ejections found by workers (consecutive errors) are posted to it; the interval timer un-ejects hosts
 * whose ejection time is over and runs the success rate and failure percentage analysis.
 */
public final class OutlierDetector {
  /** Schedules the interval timer; the main event loop in production. */
  public interface Scheduler {
    ScheduledFuture<?> schedule(Runnable task, long delayMillis);
  }

  private final OutlierDetectionConfig config;
  private final OutlierDetectionStats stats;
  private final Executor mainThread;
  private final Scheduler scheduler;
  private final LongSupplier clockMillis;
  private final SplittableRandom random;
  private final Consumer<Host> onHealthChanged;
  private final Map<Host, OutlierHostMonitor> monitors = new IdentityHashMap<>();
  private int ejectionsActive;
  private ScheduledFuture<?> timer;
  private boolean stopped;

  /**
   * @param mainThread where workers' consecutive-error ejections are posted
   * @param onHealthChanged told (main thread) when a host is ejected or un-ejected
   */
  public OutlierDetector(OutlierDetectionConfig config, OutlierDetectionStats stats, Executor mainThread,
      Scheduler scheduler, LongSupplier clockMillis, long seed, Consumer<Host> onHealthChanged) {
    this.config = config;
    this.stats = stats;
    this.mainThread = mainThread;
    this.scheduler = scheduler;
    this.clockMillis = clockMillis;
    this.random = new SplittableRandom(seed);
    this.onHealthChanged = onHealthChanged;
  }

  public OutlierDetectionConfig config() {
    return config;
  }

  /** Starts the interval timer (main thread). */
  public void start() {
    armTimer();
  }

  public void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    for (OutlierHostMonitor m : monitors.values()) {
      m.host().setOutlier(OutlierHostMonitor.NONE);
    }
  }

  private void armTimer() {
    if (scheduler != null && !stopped) {
      timer = scheduler.schedule(() -> onIntervalTimer(), config.intervalMillis());
    }
  }

  /** The cluster's membership changed (main thread): monitors for new hosts; ejected hosts that left stop counting. */
  public void onHostsChanged(List<Host> hosts) {
    Map<Host, Boolean> present = new IdentityHashMap<>();
    for (Host h : hosts) {
      present.put(h, Boolean.TRUE);
      if (!monitors.containsKey(h)) {
        OutlierHostMonitor m = new OutlierHostMonitor(this, h);
        monitors.put(h, m);
        h.setOutlier(m);
      }
    }
    monitors.entrySet().removeIf(e -> {
      if (present.containsKey(e.getKey())) {
        return false;
      }
      if (e.getKey().healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
        ejectionsActive--;
        stats.ejectionsActive.dec();
      }
      e.getKey().setOutlier(OutlierHostMonitor.NONE);
      return true;
    });
  }

  /** A worker saw a host reach a consecutive-error threshold: eject it on the main thread. */
  void onConsecutiveError(Host host, EjectionType type) {
    mainThread.execute(() -> onConsecutiveErrorMain(host, type));
  }

  private void onConsecutiveErrorMain(Host host, EjectionType type) {
    OutlierHostMonitor m = monitors.get(host);
    if (m == null || stopped || host.healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
      return; // removed meanwhile, or already ejected
    }
    stats.detected(type).inc();
    ejectHost(m, type);
    if (type == EjectionType.CONSECUTIVE_5XX) {
      stats.ejectionsConsecutive5xx.inc();
    }
    // Reset so that a new run of errors is detected even without a success in between.
    m.resetConsecutive(type);
  }

  private boolean enforced(EjectionType type) {
    int percent = switch (type) {
      case CONSECUTIVE_5XX -> config.enforcingConsecutive5xx();
      case CONSECUTIVE_GATEWAY_FAILURE -> config.enforcingConsecutiveGatewayFailure();
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> config.enforcingConsecutiveLocalOriginFailure();
      case SUCCESS_RATE -> config.enforcingSuccessRate();
      case SUCCESS_RATE_LOCAL_ORIGIN -> config.enforcingLocalOriginSuccessRate();
      case FAILURE_PERCENTAGE -> config.enforcingFailurePercentage();
      case FAILURE_PERCENTAGE_LOCAL_ORIGIN -> config.enforcingFailurePercentageLocalOrigin();
    };
    return percent >= 100 || (percent > 0 && random.nextInt(100) < percent);
  }

  private void ejectHost(OutlierHostMonitor m, EjectionType type) {
    double ejectedPercent = 100.0 * (ejectionsActive + 1) / monitors.size();
    // max_ejection_percent, except that one host may always be ejected (always_eject_one_host, by default).
    if (ejectedPercent > config.maxEjectionPercent() && !(config.alwaysEjectOneHost() && ejectionsActive == 0)) {
      stats.ejectionsOverflow.inc();
      return;
    }
    if (type == EjectionType.CONSECUTIVE_5XX || type == EjectionType.SUCCESS_RATE) {
      stats.ejectionsTotal.inc();
    }
    if (!enforced(type)) {
      return;
    }
    ejectionsActive++;
    stats.ejectionsActive.inc();
    stats.ejectionsEnforcedTotal.inc();
    stats.enforced(type).inc();
    Host h = m.host();
    h.healthFlagSet(Host.FAILED_OUTLIER_CHECK);
    m.numEjections++;
    m.lastEjectionMillis = clockMillis.getAsLong();
    m.jitterMillis = config.maxEjectionTimeJitterMillis() <= 0 ? 0
        : random.nextLong(config.maxEjectionTimeJitterMillis() + 1);
    // The back-off multiplier grows with each ejection until base × multiplier passes max_ejection_time.
    if ((long) m.ejectTimeBackoff * config.baseEjectionTimeMillis()
        < config.maxEjectionTimeMillis() + config.baseEjectionTimeMillis()) {
      m.ejectTimeBackoff++;
    }
    onHealthChanged.accept(h);
  }

  /** How long the host's current ejection lasts: base × back-off, capped by max_ejection_time, plus jitter. */
  long ejectionMillis(OutlierHostMonitor m) {
    return Math.min(config.baseEjectionTimeMillis() * m.ejectTimeBackoff, config.maxEjectionTimeMillis())
        + m.jitterMillis;
  }

  private void unejectHost(OutlierHostMonitor m, long now) {
    Host h = m.host();
    ejectionsActive--;
    stats.ejectionsActive.dec();
    h.healthFlagClear(Host.FAILED_OUTLIER_CHECK);
    m.lastUnejectionMillis = now;
    // So that a few new errors do not eject it again at once (Envoy resets these two).
    m.resetConsecutive(EjectionType.CONSECUTIVE_5XX);
    m.resetConsecutive(EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
    onHealthChanged.accept(h);
  }

  /** An active health check of {@code host} passed: un-eject it when configured (Envoy's default). */
  public void onActiveHealthCheckSuccess(Host host) {
    OutlierHostMonitor m = monitors.get(host);
    if (m != null && config.successfulActiveHealthCheckUnejectHost()
        && !host.healthFlagGet(Host.FAILED_ACTIVE_HC) && host.healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
      unejectHost(m, clockMillis.getAsLong());
    }
  }

  /** The interval: un-ejections, then success rate and failure percentage analysis over the closed interval. */
  public void onIntervalTimer() {
    if (stopped) {
      return;
    }
    long now = clockMillis.getAsLong();
    for (OutlierHostMonitor m : new ArrayList<>(monitors.values())) {
      if (!m.host().healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
        // Healthy for one more interval: the back-off multiplier shrinks.
        if (m.ejectTimeBackoff > 0) {
          m.ejectTimeBackoff--;
        }
      } else if (now - m.lastEjectionMillis >= ejectionMillis(m)) {
        unejectHost(m, now);
      }
      m.externalOrigin.closeInterval();
      m.localOrigin.closeInterval();
      m.setSuccessRate(false, -1);
      m.setSuccessRate(true, -1);
    }
    processSuccessRate(false);
    if (config.splitExternalLocalOriginErrors()) {
      processSuccessRate(true);
    }
    armTimer();
  }

  /** The mean and the ejection threshold of the last success rate analysis (-1 when none ran). */
  public record SuccessRateThreshold(double mean, double threshold) {}

  private SuccessRateThreshold lastThreshold = new SuccessRateThreshold(-1, -1);

  public SuccessRateThreshold lastSuccessRateThreshold() {
    return lastThreshold;
  }

  private void processSuccessRate(boolean local) {
    if (!local) {
      lastThreshold = new SuccessRateThreshold(-1, -1);
    }
    if (monitors.size() < config.successRateMinimumHosts() && monitors.size() < config.failurePercentageMinimumHosts()) {
      return;
    }
    List<OutlierHostMonitor> srHosts = new ArrayList<>();
    List<OutlierHostMonitor> fpHosts = new ArrayList<>();
    List<Double> srRates = new ArrayList<>();
    List<Double> fpRates = new ArrayList<>();
    double sum = 0;
    for (OutlierHostMonitor m : monitors.values()) {
      if (m.host().healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
        continue;
      }
      SuccessRateAccumulator acc = local ? m.localOrigin : m.externalOrigin;
      long volume = acc.volume();
      if (volume == 0) {
        continue;
      }
      double rate = acc.successRate();
      if (volume >= Math.min(config.successRateRequestVolume(), config.failurePercentageRequestVolume())) {
        m.setSuccessRate(local, rate); // shown by /clusters
      }
      if (volume >= Math.max(config.successRateRequestVolume(), 1)) {
        srHosts.add(m);
        srRates.add(rate);
        sum += rate;
      }
      if (volume >= Math.max(config.failurePercentageRequestVolume(), 1)) {
        fpHosts.add(m);
        fpRates.add(rate);
      }
    }
    if (!srHosts.isEmpty() && srHosts.size() >= config.successRateMinimumHosts()) {
      SuccessRateThreshold t = successRateThreshold(sum, srRates, config.successRateStdevFactor() / 1000.0);
      if (!local) {
        lastThreshold = t;
      }
      EjectionType type = local ? EjectionType.SUCCESS_RATE_LOCAL_ORIGIN : EjectionType.SUCCESS_RATE;
      for (int i = 0; i < srHosts.size(); i++) {
        if (srRates.get(i) < t.threshold() && !srHosts.get(i).host().healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
          stats.ejectionsSuccessRate.inc();
          stats.detected(type).inc();
          ejectHost(srHosts.get(i), type);
        }
      }
    }
    if (!fpHosts.isEmpty() && fpHosts.size() >= config.failurePercentageMinimumHosts()) {
      EjectionType type = local ? EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN : EjectionType.FAILURE_PERCENTAGE;
      for (int i = 0; i < fpHosts.size(); i++) {
        if (100.0 - fpRates.get(i) >= config.failurePercentageThreshold()
            && !fpHosts.get(i).host().healthFlagGet(Host.FAILED_OUTLIER_CHECK)) {
          stats.detected(type).inc();
          ejectHost(fpHosts.get(i), type);
        }
      }
    }
  }

  /**
   * Envoy's success rate threshold: mean − factor × standard deviation (population) of the hosts' rates. For
   * rates {50, 100, 100, 100, 100} and factor 1.9: mean 90, stdev 20, threshold 52.
   */
  static SuccessRateThreshold successRateThreshold(double sum, List<Double> rates, double stdevFactor) {
    double mean = sum / rates.size();
    double variance = 0;
    for (double r : rates) {
      variance += (r - mean) * (r - mean);
    }
    variance /= rates.size();
    return new SuccessRateThreshold(mean, mean - stdevFactor * Math.sqrt(variance));
  }

  /** The monitor of {@code host}, or null when it is not a member (tests, admin). */
  public OutlierHostMonitor monitor(Host host) {
    return monitors.get(host);
  }

  public int ejectionsActive() {
    return ejectionsActive;
  }

  /** A main-loop {@link Scheduler}. */
  public static Scheduler on(io.netty.channel.EventLoop loop) {
    return (task, delay) -> loop.schedule(task, delay, TimeUnit.MILLISECONDS);
  }
}
