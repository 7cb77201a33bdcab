package dev.javoy.proxy.secret;

import com.google.protobuf.Any;
import com.google.protobuf.util.Timestamps;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secrets over SDS (Envoy's {@code SecretManagerImpl} dynamic providers): an {@link SdsSecretConfig} with
 * {@code sds_config} is one subscription per (config source, secret name), shared by every watcher of it; the
 * last watch closed unsubscribes. Secrets are validated on arrival ({@link SecretValidator}) and NACKed by name
 * when bad, so the previous value stays in force; every watcher hears each accepted version on the main thread.
 * A secret the source removes keeps its last value.
 *
 * <p>Watches made before {@link #start()} (while the server builds its config) subscribe at start; later ones
 * at once. Main thread only (or the thread building the config, before start).
 */
public final class SdsSecretProvider implements SecretProvider {
  /** Envoy's default {@code initial_fetch_timeout}. */
  static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);

  private final SecretSources sources;
  private final StatsStore stats;
  private final Clock clock;
  private final java.util.concurrent.ScheduledExecutorService loop;
  private final Map<Key, SdsSubscription> subscriptions = new LinkedHashMap<>();
  private boolean started;

  /** A subscription's identity: its config source (without the per-watch fetch timeout) and the secret name. */
  private record Key(ConfigSource source, String name) {}

  /** Without a loop: files that secrets name are read on arrival but not watched. */
  public SdsSecretProvider(SecretSources sources, StatsStore stats) {
    this(sources, stats, null, Clock.systemUTC());
  }

  /**
   * @param mainLoop where the files that secrets name are polled for key rotation (the main thread), or null
   */
  public SdsSecretProvider(SecretSources sources, StatsStore stats,
      java.util.concurrent.ScheduledExecutorService mainLoop, Clock clock) {
    this.sources = sources;
    this.stats = stats;
    this.loop = mainLoop;
    this.clock = clock;
  }

  @Override
  public SecretWatch watch(SdsSecretConfig config, String path, SecretListener listener) throws ConfigException {
    FieldSupport.check(config, path, Set.of("name", "sds_config"));
    if (!config.hasSdsConfig()) {
      throw new ConfigException(path + ".sds_config", "an SDS secret needs an sds_config");
    }
    if (config.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "an SDS secret needs a name");
    }
    ConfigSource cs = config.getSdsConfig();
    Key key = new Key(cs.toBuilder().clearInitialFetchTimeout().build(), config.getName());
    SdsSubscription sub = subscriptions.get(key);
    if (sub == null) {
      SecretSource source = sources.open(cs, path + ".sds_config");
      Duration timeout = cs.hasInitialFetchTimeout()
          ? Duration.ofMillis(Durations.toMillis(cs.getInitialFetchTimeout())) : DEFAULT_INITIAL_FETCH_TIMEOUT;
      SdsSubscription created = new SdsSubscription(config.getName(), source, timeout,
          SdsStats.of(stats, config.getName()), clock, loop, () -> subscriptions.remove(key));
      subscriptions.put(key, created);
      sub = created;
      if (started) {
        sub.start();
      }
    }
    return sub.addWatcher(listener);
  }

  /** Subscribes everything watched so far, and from now on every new secret at once (main thread). */
  public void start() {
    started = true;
    for (SdsSubscription s : List.copyOf(subscriptions.values())) {
      s.start();
    }
  }

  /** Closes the SDS connections and file watches (main thread). */
  public void close() {
    sources.close();
    for (SdsSubscription s : List.copyOf(subscriptions.values())) {
      s.stop();
    }
  }

  /**
   * The dynamic part of Envoy's {@code SecretsConfigDump}: secrets received ({@code dynamic_active_secrets},
   * with their version, update time and any rejected later version) and secrets awaited
   * ({@code dynamic_warming_secrets}). The secrets are whole: the admin's {@code /config_dump} redacts private
   * keys and other sensitive fields as Envoy does.
   */
  public void addTo(SecretsConfigDump.Builder dump) {
    for (SdsSubscription s : subscriptions.values()) {
      SecretsConfigDump.DynamicSecret.Builder d = SecretsConfigDump.DynamicSecret.newBuilder().setName(s.name());
      if (s.errorState() != null) {
        d.setErrorState(s.errorState());
      }
      if (s.current() == null) {
        d.setSecret(Any.pack(Secret.newBuilder().setName(s.name()).build()));
        dump.addDynamicWarmingSecrets(d);
      } else {
        d.setVersionInfo(s.version())
            .setLastUpdated(Timestamps.fromMillis(s.lastUpdated().toEpochMilli()))
            .setSecret(Any.pack(s.current()));
        dump.addDynamicActiveSecrets(d);
      }
    }
  }

  /** Secret names subscribed, with how many watchers each has (tests, logs). */
  public Map<String, Integer> watched() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (SdsSubscription s : subscriptions.values()) {
      out.merge(s.name(), s.watcherCount(), Integer::sum);
    }
    return out;
  }

  /** The accepted value of a watched secret (any source), or null. */
  public Secret current(String name) {
    for (SdsSubscription s : subscriptions.values()) {
      if (s.name().equals(name) && s.current() != null) {
        return s.current();
      }
    }
    return null;
  }
}
