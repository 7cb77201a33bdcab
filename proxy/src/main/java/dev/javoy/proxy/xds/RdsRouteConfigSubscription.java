package dev.javoy.proxy.xds;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.route.RdsRouteProvider;
import dev.javoy.proxy.http.route.RouteTable;
import dev.javoy.proxy.http.route.RouteTableFactory;
import dev.javoy.proxy.log.Log;
import dev.javoy.xds.ResourceSubscriber;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One RDS route configuration (Envoy's {@code RdsRouteConfigSubscription}): builds each version that arrives into
 * the shared {@link RdsRouteProvider} (a version that fails to build is NACKed naming the route configuration and
 * the last good one stays), and keeps its stats, update time and {@code error_state}. Main thread.
 */
final class RdsRouteConfigSubscription implements ResourceSubscriber<RouteConfiguration> {
  private static final Logger LOG = Log.get("config");

  private final String name;
  private final RdsRouteProvider provider;
  private final RouteTableFactory factory;
  private final RdsStats stats;
  private final ErrorStates errors;
  private final Runnable arrivedOrAbsent;
  private long lastUpdatedMillis;
  dev.javoy.xds.Subscription subscription;
  /** Completes when the first version arrived (or was rejected) or the resource is known absent (init target). */
  final java.util.concurrent.CompletableFuture<Void> initialized = new java.util.concurrent.CompletableFuture<>();

  RdsRouteConfigSubscription(String name, RdsRouteProvider provider, RouteTableFactory factory, RdsStats stats,
      ErrorStates errors, Runnable arrivedOrAbsent) {
    this.name = name;
    this.provider = provider;
    this.factory = factory;
    this.stats = stats;
    this.errors = errors;
    this.arrivedOrAbsent = arrivedOrAbsent;
  }

  @Override
  public Map<String, String> onResources(Map<String, RouteConfiguration> changed, Set<String> removed,
      String version) {
    RouteConfiguration rc = changed.get(name);
    if (rc == null) {
      if (removed.contains(name)) {
        stats.updateEmpty().inc(); // the last good table stays in force
      }
      return Map.of();
    }
    stats.updateAttempt().inc();
    try {
      RouteTable table = factory.create(rc, "", false);
      boolean reload = !rc.equals(provider.config());
      provider.update(table, rc, version);
      long now = System.currentTimeMillis();
      lastUpdatedMillis = now;
      stats.updateSuccess().inc();
      stats.updateTime().set(now);
      stats.version().set(version == null ? 0 : version.hashCode() & 0xFFFFFFFFL);
      stats.versionText().set(version);
      if (reload) {
        stats.configReload().inc();
        stats.configReloadTimeMs().set(now);
      }
      errors.record(changed, removed, Map.of(), version);
      return Map.of();
    } catch (ConfigException ex) {
      LOG.warning("RDS: rejected route configuration " + name + ": " + ex.getMessage());
      stats.updateRejected().inc();
      Map<String, String> rejected = Map.of(name, ex.getMessage());
      errors.record(changed, removed, rejected, version);
      return rejected;
    } finally {
      arrivedOrAbsent.run();
    }
  }

  @Override
  public void onError(Status status) {
    stats.updateAttempt().inc();
    stats.updateFailure().inc();
  }

  @Override
  public void onResourceDoesNotExist(String missing) {
    stats.updateAttempt().inc();
    stats.initFetchTimeout().inc();
    arrivedOrAbsent.run();
  }

  RdsRouteProvider provider() {
    return provider;
  }

  /** When a version was last accepted (epoch millis), 0 before any. */
  long lastUpdatedMillis() {
    return lastUpdatedMillis;
  }
}
