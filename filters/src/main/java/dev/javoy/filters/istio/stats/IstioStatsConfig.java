package dev.javoy.filters.istio.stats;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.istio.LocalWorkload;
import dev.javoy.proxy.stats.StatsStore;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code stats.PluginConfig} ({@code istio.stats}), compiled: the reporter (from {@code reporter}, else the listener's
 * direction as istio/proxy: inbound → {@code destination}, otherwise {@code source}), the host header fallback, the
 * TCP reporting interval (default 5 s) and the per-metric overrides of {@code metrics} ({@code drop},
 * {@code tags_to_remove}, {@code dimensions}). Custom metric {@code definitions} are rejected; {@code match}, which
 * istio/proxy documents as not implemented, is ignored as there.
 */
final class IstioStatsConfig {
  static final String NAMESPACE = "istio";

  enum Reporter {
    SOURCE("source"), DESTINATION("destination"), WAYPOINT("waypoint");

    final String label;

    Reporter(String label) {
      this.label = label;
    }
  }

  final Reporter reporter;
  final boolean disableHostHeaderFallback;
  final long tcpReportingMillis;
  final LocalWorkload local;
  final Struct nodeMetadata;
  final LabelSchema schema;
  final StatsStore stats;
  final dev.javoy.proxy.upstream.ClusterManager clusters;

  private IstioStatsConfig(Reporter reporter, boolean disableHostHeaderFallback, long tcpReportingMillis,
      LocalWorkload local, Struct nodeMetadata, LabelSchema schema, StatsStore stats,
      dev.javoy.proxy.upstream.ClusterManager clusters) {
    this.reporter = reporter;
    this.disableHostHeaderFallback = disableHostHeaderFallback;
    this.tcpReportingMillis = tcpReportingMillis;
    this.local = local;
    this.nodeMetadata = nodeMetadata;
    this.schema = schema;
    this.stats = stats;
    this.clusters = clusters;
  }

  static IstioStatsConfig from(Message config, FactoryContext context) throws ConfigException {
    FieldSupport.check(config, "", Set.of("disable_host_header_fallback", "tcp_reporting_duration", "metrics",
        "reporter"));
    Reporter reporter;
    String reporterValue = ((com.google.protobuf.Descriptors.EnumValueDescriptor) get(config, "reporter")).getName();
    if (reporterValue.equals("SERVER_GATEWAY")) {
      reporter = Reporter.WAYPOINT;
    } else {
      reporter = context.trafficDirection() == TrafficDirection.INBOUND ? Reporter.DESTINATION : Reporter.SOURCE;
    }
    long tcpMillis = 5000;
    if (has(config, "tcp_reporting_duration")) {
      Duration d;
      try {
        d = Duration.parseFrom(((Message) get(config, "tcp_reporting_duration")).toByteString());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new ConfigException("tcp_reporting_duration", e.getMessage(), e);
      }
      tcpMillis = Durations.toMillis(d);
      if (tcpMillis <= 0) {
        throw new ConfigException("tcp_reporting_duration", "must be positive");
      }
    }
    @SuppressWarnings("unchecked")
    List<Message> metrics = (List<Message>) get(config, "metrics");
    LabelSchema schema = LabelSchema.build(metrics);
    context.stats().registerCustomNamespace(NAMESPACE);
    return new IstioStatsConfig(reporter, (Boolean) get(config, "disable_host_header_fallback"), tcpMillis,
        LocalWorkload.of(context.localNode()), context.localNode().getMetadata(), schema, context.stats(),
        context.clusterManager());
  }

  static Object get(Message m, String field) {
    return m.getField(m.getDescriptorForType().findFieldByName(field));
  }

  static boolean has(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
  }

  /**
   * Which labels each metric carries after the overrides, and the expressions that compute overridden or added
   * dimensions. Values are computed once per stream into one array: the standard labels first, then the added ones.
   */
  static final class LabelSchema {
    /** Per standard label: an expression overriding the standard value, or null. */
    final AttributeExpression[] overrides = new AttributeExpression[IstioLabel.ALL.length];
    /** Added (non-standard) dimensions, in first-seen order. */
    final List<String> extraTags = new ArrayList<>();
    final List<AttributeExpression> extraExpressions = new ArrayList<>();
    /** Per metric: the indices into the value array of its labels, or null when dropped. */
    final int[][] labelsOf = new int[IstioMetric.ALL.length][];

    int valueCount() {
      return IstioLabel.ALL.length + extraTags.size();
    }

    String tagName(int index) {
      return index < IstioLabel.ALL.length ? IstioLabel.ALL[index].tag : extraTags.get(index - IstioLabel.ALL.length);
    }

    static LabelSchema build(List<Message> metrics) throws ConfigException {
      LabelSchema s = new LabelSchema();
      // Per metric: labels in order (standard first), dropped flag.
      List<Map<String, Integer>> perMetric = new ArrayList<>();
      boolean[] dropped = new boolean[IstioMetric.ALL.length];
      for (IstioMetric m : IstioMetric.ALL) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        int n = m.tcp ? IstioLabel.TCP_COUNT : IstioLabel.ALL.length;
        for (int i = 0; i < n; i++) {
          labels.put(IstioLabel.ALL[i].tag, i);
        }
        perMetric.add(labels);
      }
      for (int i = 0; i < metrics.size(); i++) {
        Message mc = metrics.get(i);
        String path = "metrics[" + i + "]";
        FieldSupport.check(mc, path, Set.of("dimensions", "name", "tags_to_remove", "match", "drop"));
        String name = (String) get(mc, "name");
        List<IstioMetric> targets = new ArrayList<>();
        if (name.isEmpty()) {
          targets.addAll(List.of(IstioMetric.ALL));
        } else {
          IstioMetric m = IstioMetric.byShortName(name);
          if (m == null) {
            throw new ConfigException(path + ".name", "unknown Istio metric '" + name + "' (custom metric "
                + "definitions are not supported by javoy)");
          }
          targets.add(m);
        }
        if ((Boolean) get(mc, "drop")) {
          for (IstioMetric m : targets) {
            dropped[m.ordinal()] = true;
          }
        }
        @SuppressWarnings("unchecked")
        List<Message> dims = (List<Message>) get(mc, "dimensions");
        for (Message entry : dims) {
          String tag = (String) get(entry, "key");
          String expr = (String) get(entry, "value");
          AttributeExpression e = AttributeExpression.parse(expr, path + ".dimensions." + tag);
          IstioLabel standard = IstioLabel.byTag(tag);
          int index;
          if (standard != null) {
            // Overriding a standard label applies to every metric carrying it (the last override wins).
            s.overrides[standard.ordinal()] = e;
            index = standard.ordinal();
          } else {
            int at = s.extraTags.indexOf(tag);
            if (at < 0) {
              s.extraTags.add(tag);
              s.extraExpressions.add(e);
              at = s.extraTags.size() - 1;
            } else {
              s.extraExpressions.set(at, e);
            }
            index = IstioLabel.ALL.length + at;
          }
          for (IstioMetric m : targets) {
            perMetric.get(m.ordinal()).put(tag, index);
          }
        }
        @SuppressWarnings("unchecked")
        List<String> remove = (List<String>) get(mc, "tags_to_remove");
        for (String tag : remove) {
          for (IstioMetric m : targets) {
            perMetric.get(m.ordinal()).remove(tag);
          }
        }
      }
      for (IstioMetric m : IstioMetric.ALL) {
        if (!dropped[m.ordinal()]) {
          s.labelsOf[m.ordinal()] = perMetric.get(m.ordinal()).values().stream().mapToInt(Integer::intValue).toArray();
        }
      }
      return s;
    }
  }
}
