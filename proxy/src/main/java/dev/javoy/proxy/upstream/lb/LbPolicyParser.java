package dev.javoy.proxy.upstream.lb;

import com.google.protobuf.Message;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.extension.CoreTypes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RuntimeDouble;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.ConsistentHashingLbConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.LocalityLbConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cluster's load balancing configuration into an {@link LbPolicy}: {@code load_balancing_policy} (the
 * first policy javoy implements wins, as Envoy takes the first one it has an extension for) or else
 * {@code lb_policy} with its {@code *_lb_config}; and {@code common_lb_config}.
 */
final class LbPolicyParser {
  private static final String PREFIX = "type.googleapis.com/";
  /** The {@code load_balancing_policy} extensions javoy implements, by type URL. */
  static final Map<String, Message> EXTENSIONS = Map.of(
      PREFIX + RoundRobin.getDescriptor().getFullName(), RoundRobin.getDefaultInstance(),
      PREFIX + LeastRequest.getDescriptor().getFullName(), LeastRequest.getDefaultInstance(),
      PREFIX + Random.getDescriptor().getFullName(), Random.getDefaultInstance(),
      PREFIX + RingHash.getDescriptor().getFullName(), RingHash.getDefaultInstance(),
      PREFIX + Maglev.getDescriptor().getFullName(), Maglev.getDefaultInstance());

  private LbPolicyParser() {}

  static LbPolicy parse(Cluster c, String path) throws ConfigException {
    LbPolicy.Builder b = c.hasLoadBalancingPolicy()
        ? fromExtensions(c.getLoadBalancingPolicy(), FieldSupport.join(path, "load_balancing_policy"))
        : fromEnum(c, path);
    if (c.hasCommonLbConfig()) {
      Cluster.CommonLbConfig common = c.getCommonLbConfig();
      String cp = FieldSupport.join(path, "common_lb_config");
      FieldSupport.check(common, cp, Set.of("healthy_panic_threshold", "locality_weighted_lb_config",
          "consistent_hashing_lb_config"));
      if (common.hasHealthyPanicThreshold()) {
        double v = common.getHealthyPanicThreshold().getValue();
        if (v < 0 || v > 100) {
          throw new ConfigException(cp + ".healthy_panic_threshold.value", "must be between 0 and 100");
        }
        b.panicThresholdPercent = v;
      }
      if (common.hasConsistentHashingLbConfig()) {
        FieldSupport.check(common.getConsistentHashingLbConfig(), cp + ".consistent_hashing_lb_config",
            Set.of("use_hostname_for_hashing"));
      }
      if (!c.hasLoadBalancingPolicy()) {
        // with load_balancing_policy, the extension's own locality and hashing settings apply (as Envoy)
        b.localityWeighted = common.hasLocalityWeightedLbConfig();
        b.useHostnameForHashing |= common.getConsistentHashingLbConfig().getUseHostnameForHashing();
      }
    }
    return b.build();
  }

  private static LbPolicy.Builder fromEnum(Cluster c, String path) throws ConfigException {
    String lp = FieldSupport.join(path, "lb_policy");
    return switch (c.getLbPolicy()) {
      case ROUND_ROBIN -> {
        if (c.hasRoundRobinLbConfig()) {
          FieldSupport.check(c.getRoundRobinLbConfig(), FieldSupport.join(path, "round_robin_lb_config"), Set.of());
        }
        yield new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
      }
      case LEAST_REQUEST -> {
        LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.LEAST_REQUEST);
        if (c.hasLeastRequestLbConfig()) {
          Cluster.LeastRequestLbConfig l = c.getLeastRequestLbConfig();
          String p = FieldSupport.join(path, "least_request_lb_config");
          FieldSupport.check(l, p, Set.of("choice_count", "active_request_bias"));
          leastRequest(b, l.hasChoiceCount() ? l.getChoiceCount().getValue() : 2,
              l.hasActiveRequestBias() ? l.getActiveRequestBias() : null, p);
        }
        yield b;
      }
      case RANDOM -> new LbPolicy.Builder(LbPolicy.Kind.RANDOM);
      case RING_HASH -> {
        LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.RING_HASH);
        if (c.hasRingHashLbConfig()) {
          Cluster.RingHashLbConfig r = c.getRingHashLbConfig();
          String p = FieldSupport.join(path, "ring_hash_lb_config");
          FieldSupport.check(r, p, Set.of("minimum_ring_size", "maximum_ring_size", "hash_function"));
          b.murmurHash = switch (r.getHashFunction()) {
            case XX_HASH -> false;
            case MURMUR_HASH_2 -> true;
            default -> throw new ConfigException(p + ".hash_function", "unknown hash function "
                + r.getHashFunction());
          };
          ringSizes(b, r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : null,
              r.hasMaximumRingSize() ? r.getMaximumRingSize().getValue() : null, p);
        }
        yield b;
      }
      case MAGLEV -> {
        LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.MAGLEV);
        if (c.hasMaglevLbConfig()) {
          String p = FieldSupport.join(path, "maglev_lb_config");
          FieldSupport.check(c.getMaglevLbConfig(), p, Set.of("table_size"));
          if (c.getMaglevLbConfig().hasTableSize()) {
            maglevTableSize(b, c.getMaglevLbConfig().getTableSize().getValue(), p + ".table_size");
          }
        }
        yield b;
      }
      case LOAD_BALANCING_POLICY_CONFIG -> throw new ConfigException(lp,
          "LOAD_BALANCING_POLICY_CONFIG needs load_balancing_policy");
      default -> throw new ConfigException(lp, "load balancing policy " + c.getLbPolicy()
          + " is not supported yet");
    };
  }

  private static LbPolicy.Builder fromExtensions(
      io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy policy, String path) throws ConfigException {
    FieldSupport.check(policy, path, Set.of("policies"));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < policy.getPoliciesCount(); i++) {
      String pp = FieldSupport.index(path, "policies", i);
      FieldSupport.check(policy.getPolicies(i), pp, Set.of("typed_extension_config"));
      TypedExtensionConfig ext = policy.getPolicies(i).getTypedExtensionConfig();
      String tp = pp + ".typed_extension_config.typed_config";
      String typeUrl = TypedConfigs.typeUrlOf(ext.getTypedConfig(), tp);
      Message prototype = EXTENSIONS.get(typeUrl);
      if (prototype == null) {
        seen.add(typeUrl);
        continue;
      }
      Message m = TypedConfigs.unpack(ext.getTypedConfig(), prototype, tp,
          CoreTypes.defaultRegistry().configTypes());
      return fromExtension(m, tp);
    }
    throw new ConfigException(path, "none of the load balancing policies is supported by javoy: " + seen
        + " (supported: " + new java.util.TreeSet<>(EXTENSIONS.keySet()) + ")");
  }

  private static LbPolicy.Builder fromExtension(Message m, String p) throws ConfigException {
    if (m instanceof RoundRobin r) {
      FieldSupport.check(r, p, Set.of("locality_lb_config"));
      LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.ROUND_ROBIN);
      b.localityWeighted = r.hasLocalityLbConfig() && localityWeighted(r.getLocalityLbConfig(),
          p + ".locality_lb_config");
      return b;
    }
    if (m instanceof Random r) {
      FieldSupport.check(r, p, Set.of("locality_lb_config"));
      LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.RANDOM);
      b.localityWeighted = r.hasLocalityLbConfig() && localityWeighted(r.getLocalityLbConfig(),
          p + ".locality_lb_config");
      return b;
    }
    if (m instanceof LeastRequest l) {
      FieldSupport.check(l, p, Set.of("choice_count", "active_request_bias", "locality_lb_config",
          "selection_method", "enable_full_scan"));
      LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.LEAST_REQUEST);
      b.fullScan = switch (l.getSelectionMethod()) {
        case N_CHOICES -> false;
        case FULL_SCAN -> true;
        default -> throw new ConfigException(p + ".selection_method", "unknown selection method "
            + l.getSelectionMethod());
      };
      // the deprecated flag also turns it on
      b.fullScan |= l.hasEnableFullScan() && l.getEnableFullScan().getValue();
      leastRequest(b, l.hasChoiceCount() ? l.getChoiceCount().getValue() : 2,
          l.hasActiveRequestBias() ? l.getActiveRequestBias() : null, p);
      b.localityWeighted = l.hasLocalityLbConfig() && localityWeighted(l.getLocalityLbConfig(),
          p + ".locality_lb_config");
      return b;
    }
    if (m instanceof RingHash r) {
      FieldSupport.check(r, p, Set.of("hash_function", "minimum_ring_size", "maximum_ring_size",
          "use_hostname_for_hashing", "consistent_hashing_lb_config", "locality_weighted_lb_config"));
      LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.RING_HASH);
      b.murmurHash = switch (r.getHashFunction()) {
        case DEFAULT_HASH, XX_HASH -> false;
        case MURMUR_HASH_2 -> true;
        default -> throw new ConfigException(p + ".hash_function", "unknown hash function " + r.getHashFunction());
      };
      if (r.hasMinimumRingSize() && r.getMinimumRingSize().getValue() < 1) {
        throw new ConfigException(p + ".minimum_ring_size", "must be at least 1");
      }
      ringSizes(b, r.hasMinimumRingSize() ? r.getMinimumRingSize().getValue() : null,
          r.hasMaximumRingSize() ? r.getMaximumRingSize().getValue() : null, p);
      b.useHostnameForHashing = r.getUseHostnameForHashing()
          || consistentHashing(r.hasConsistentHashingLbConfig() ? r.getConsistentHashingLbConfig() : null,
              p + ".consistent_hashing_lb_config");
      b.localityWeighted = r.hasLocalityWeightedLbConfig();
      return b;
    }
    Maglev g = (Maglev) m;
    FieldSupport.check(g, p, Set.of("table_size", "consistent_hashing_lb_config", "locality_weighted_lb_config"));
    LbPolicy.Builder b = new LbPolicy.Builder(LbPolicy.Kind.MAGLEV);
    if (g.hasTableSize()) {
      maglevTableSize(b, g.getTableSize().getValue(), p + ".table_size");
    }
    b.useHostnameForHashing = consistentHashing(
        g.hasConsistentHashingLbConfig() ? g.getConsistentHashingLbConfig() : null,
        p + ".consistent_hashing_lb_config");
    b.localityWeighted = g.hasLocalityWeightedLbConfig();
    return b;
  }

  private static boolean localityWeighted(LocalityLbConfig l, String p) throws ConfigException {
    FieldSupport.check(l, p, Set.of("locality_weighted_lb_config"));
    return l.hasLocalityWeightedLbConfig();
  }

  private static boolean consistentHashing(ConsistentHashingLbConfig c, String p) throws ConfigException {
    if (c == null) {
      return false;
    }
    FieldSupport.check(c, p, Set.of("use_hostname_for_hashing"));
    return c.getUseHostnameForHashing();
  }

  private static void leastRequest(LbPolicy.Builder b, int choiceCount, RuntimeDouble bias, String p)
      throws ConfigException {
    if (choiceCount < 2) {
      throw new ConfigException(p + ".choice_count", "must be at least 2");
    }
    b.choiceCount = choiceCount;
    if (bias != null) {
      // no runtime layer overrides runtime_key, so the default value is the value
      double v = bias.getDefaultValue();
      if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
        throw new ConfigException(p + ".active_request_bias", "must be a non-negative number");
      }
      b.activeRequestBias = v;
    }
  }

  private static void ringSizes(LbPolicy.Builder b, Long min, Long max, String p) throws ConfigException {
    if (min != null) {
      b.minRingSize = min;
    }
    if (max != null) {
      b.maxRingSize = max;
    }
    if (b.minRingSize > LbPolicy.DEFAULT_MAX_RING_SIZE || b.maxRingSize > LbPolicy.DEFAULT_MAX_RING_SIZE) {
      throw new ConfigException(p, "ring sizes must be at most " + LbPolicy.DEFAULT_MAX_RING_SIZE);
    }
    if (b.minRingSize > b.maxRingSize) {
      throw new ConfigException(p, "ring hash: minimum_ring_size (" + b.minRingSize + ") > maximum_ring_size ("
          + b.maxRingSize + ")");
    }
  }

  private static void maglevTableSize(LbPolicy.Builder b, long size, String p) throws ConfigException {
    if (size > 5000011 || !isPrime(size)) {
      throw new ConfigException(p, "the table size of maglev must be a prime number at most 5000011, got " + size);
    }
    b.maglevTableSize = (int) size;
  }

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
