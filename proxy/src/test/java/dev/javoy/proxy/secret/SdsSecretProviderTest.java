package dev.javoy.proxy.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.xds.ResourceSubscriber;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provider's bookkeeping over an in-memory source: sharing, NACKs, removal, unsubscribing, the dump. */
class SdsSecretProviderTest {
  /** A source that records subscriptions and lets the test push secrets. */
  static final class MemorySources implements SecretSources {
    final Map<String, List<ResourceSubscriber<Secret>>> subscribed = new HashMap<>();
    int opened;

    @Override
    public SecretSource open(ConfigSource sdsConfig, String path) {
      opened++;
      return (name, timeout, subscriber) -> {
        subscribed.computeIfAbsent(name, n -> new ArrayList<>()).add(subscriber);
        return () -> subscribed.get(name).remove(subscriber);
      };
    }

    Map<String, String> push(Secret s, String version) {
      Map<String, String> rejected = new HashMap<>();
      for (var sub : List.copyOf(subscribed.getOrDefault(s.getName(), List.of()))) {
        rejected.putAll(sub.onResources(Map.of(s.getName(), s), Set.of(), version));
      }
      return rejected;
    }

    @Override
    public void close() {}
  }

  /** Sources that refuse every config, as the real ones refuse what they do not support. */
  static final class RejectingSources implements SecretSources {
    @Override
    public SecretSource open(ConfigSource sdsConfig, String path) throws ConfigException {
      throw new ConfigException(path, "not supported");
    }

    @Override
    public void close() {}
  }

  static final class Collecting implements SecretListener {
    final List<Secret> seen = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    @Override
    public void onSecret(Secret secret) {
      seen.add(secret);
    }

    @Override
    public void onSecretRemoved(String name) {
      removed.add(name);
    }
  }

  private static SdsSecretConfig ads(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(0))).build();
  }

  @Test
  void watchersShareOneSubscriptionAndTheLastCloseUnsubscribes() throws Exception {
    MemorySources sources = new MemorySources();
    StatsStore stats = new StatsStore();
    SdsSecretProvider sds = new SdsSecretProvider(sources, stats);
    Collecting a = new Collecting();
    Collecting b = new Collecting();
    SecretWatch wa = sds.watch(ads("default"), "x", a);
    assertTrue(sources.subscribed.isEmpty(), "nothing subscribes before start");
    sds.start();
    SecretWatch wb = sds.watch(ads("default"), "y", b);
    assertEquals(1, sources.opened);
    assertEquals(1, sources.subscribed.get("default").size());

    Secret v1 = SecretValidatorTest.cert("default", SecretValidatorTest.pem("rsa.crt"),
        SecretValidatorTest.pem("rsa.key"));
    assertTrue(sources.push(v1, "1").isEmpty());
    assertEquals(List.of(v1), a.seen);
    assertEquals(List.of(v1), b.seen);
    // a late watcher gets the current value at once
    Collecting c = new Collecting();
    SecretWatch wc = sds.watch(ads("default"), "z", c);
    assertEquals(List.of(v1), c.seen);

    // a bad certificate is NACKed by name; nobody sees it
    Secret bad = SecretValidatorTest.cert("default", "junk", SecretValidatorTest.pem("rsa.key"));
    Map<String, String> rejected = sources.push(bad, "2");
    assertTrue(rejected.get("default").startsWith("secret 'default': tls_certificate.certificate_chain"),
        rejected.toString());
    assertEquals(1, a.seen.size());
    assertEquals(1, stats.counter("sds.default.update_rejected").value());
    assertEquals(1, stats.counter("sds.default.update_success").value());
    assertEquals(2, stats.counter("sds.default.update_attempt").value());
    assertEquals("1", stats.textReadout("sds.default.version_text").value()); // the accepted version

    SecretsConfigDump.Builder dump = SecretsConfigDump.newBuilder();
    sds.addTo(dump);
    SecretsConfigDump.DynamicSecret active = dump.getDynamicActiveSecrets(0);
    assertEquals("1", active.getVersionInfo());
    assertEquals(v1, active.getSecret().unpack(Secret.class));
    assertTrue(active.getErrorState().getDetails().contains("certificate_chain"));
    assertEquals("2", active.getErrorState().getVersionInfo());

    // removal keeps the last value
    for (var sub : sources.subscribed.get("default")) {
      sub.onResources(Map.of(), Set.of("default"), "3");
    }
    assertEquals(List.of("default"), a.removed);
    sds.addTo(dump.clear());
    assertEquals(1, dump.getDynamicActiveSecretsCount());

    wa.close();
    wb.close();
    wb.close();
    assertEquals(1, sources.subscribed.get("default").size());
    wc.close();
    assertEquals(0, sources.subscribed.get("default").size(), "the last watch closed unsubscribes");
    assertTrue(sds.watched().isEmpty());
  }

  @Test
  void anInitialFetchTimeoutTellsTheWatchersThatWaitAndCountsIt() throws Exception {
    MemorySources sources = new MemorySources();
    StatsStore stats = new StatsStore();
    SdsSecretProvider sds = new SdsSecretProvider(sources, stats);
    sds.start();
    List<String> timedOut = new ArrayList<>();
    SecretListener waiting = new SecretListener() {
      @Override
      public void onSecret(Secret secret) {}

      @Override
      public void onInitialFetchTimeout(String name) {
        timedOut.add(name);
      }
    };
    sds.watch(ads("late"), "x", waiting);
    sources.subscribed.get("late").get(0).onResourceDoesNotExist("late");
    sds.watch(ads("late"), "y", waiting);
    assertEquals(List.of("late", "late"), timedOut);
    assertEquals(1, stats.counter("sds.late.init_fetch_timeout").value());
  }

  @Test
  void aWatcherThatCannotUseTheSecretNacksIt() throws Exception {
    MemorySources sources = new MemorySources();
    SdsSecretProvider sds = new SdsSecretProvider(sources, new StatsStore());
    sds.start();
    sds.watch(ads("default"), "x", secret -> {
      throw new IllegalArgumentException("cipher suite mismatch");
    });
    Map<String, String> rejected = sources.push(SecretValidatorTest.cert("default",
        SecretValidatorTest.pem("ec.crt"), SecretValidatorTest.pem("ec.key")), "1");
    assertEquals("secret 'default': not usable: cipher suite mismatch", rejected.get("default"));
  }

  @Test
  void warmingSecretsAreDumpedByName() throws Exception {
    SdsSecretProvider sds = new SdsSecretProvider(new MemorySources(), new StatsStore());
    sds.start();
    sds.watch(ads("ROOTCA"), "x", new Collecting());
    SecretsConfigDump.Builder dump = SecretsConfigDump.newBuilder();
    sds.addTo(dump);
    assertEquals("ROOTCA", dump.getDynamicWarmingSecrets(0).getName());
    assertEquals(0, dump.getDynamicActiveSecretsCount());
  }

  @Test
  void staticSecretsFallThroughToSdsAndUnknownFieldsAreRejected() throws Exception {
    SdsSecretProvider sds = new SdsSecretProvider(new MemorySources(), new StatsStore());
    StaticSecretProvider all = StaticSecretProvider.of(List.of(Secret.newBuilder().setName("s").build()),
        "static_resources", sds);
    all.watch(ads("dyn"), "p", new Collecting());
    assertEquals(Map.of("dyn", 1), sds.watched());
    ConfigException e = assertThrows(ConfigException.class, () -> new SdsSecretProvider(
        new RejectingSources(), new StatsStore()).watch(ads("x"), "tls.sds", new Collecting()));
    assertTrue(e.getMessage().contains("tls.sds.sds_config"), e.getMessage());
  }
}
