package dev.javoy.proxy.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.admin.RuntimeLayer;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.log.Log;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer.LayerSpecifierCase;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The bootstrap's process-wide features beyond listeners and clusters: overload manager, bootstrap
 * extensions, stats sinks, tracing, runtime layers, dynamic resources. Each is implemented or rejected with
 * the path and extension named; nothing is silently dropped.
 */
final class BootstrapFeatures {
  private static final Logger LOG = Log.get("main");
  static final String GLOBAL_DOWNSTREAM_MAX_CONNECTIONS = "envoy.resource_monitors.global_downstream_max_connections";
  static final String INTERNAL_LISTENER_TYPE =
      "type.googleapis.com/envoy.extensions.bootstrap.internal_listener.v3.InternalListener";

  /** {@code global_downstream_max_connections} of the overload manager, or Long.MAX_VALUE. */
  final long maxGlobalDownstreamConnections;
  final List<RuntimeLayer> runtimeLayers;
  final boolean hasDynamicResources;

  BootstrapFeatures(Bootstrap b, Set<String> staticClusters) throws ConfigException {
    maxGlobalDownstreamConnections = overloadManager(b);
    bootstrapExtensions(b);
    for (int i = 0; i < b.getStatsSinksCount(); i++) {
      var s = b.getStatsSinks(i);
      throw new ConfigException("stats_sinks[" + i + "]",
          "unsupported stats sink extension '" + s.getName() + "' with type URL " + s.getTypedConfig().getTypeUrl());
    }
    // tracing (tracing.http) is built by Server as TracerProviders, once the static clusters exist
    runtimeLayers = runtime(b);
    hasDynamicResources = b.hasDynamicResources();
    if (hasDynamicResources) {
      checkDynamicResources(b, staticClusters);
    }
  }

  private static long overloadManager(Bootstrap b) throws ConfigException {
    if (!b.hasOverloadManager()) {
      return Long.MAX_VALUE;
    }
    var om = b.getOverloadManager();
    FieldSupport.check(om, "overload_manager", Set.of("resource_monitors", "refresh_interval"));
    long max = Long.MAX_VALUE;
    for (int i = 0; i < om.getResourceMonitorsCount(); i++) {
      var m = om.getResourceMonitors(i);
      String p = "overload_manager.resource_monitors[" + i + "]";
      String typeUrl = m.hasTypedConfig() ? TypedConfigs.typeUrlOf(m.getTypedConfig(), p + ".typed_config") : "";
      if (!m.getName().equals(GLOBAL_DOWNSTREAM_MAX_CONNECTIONS) && !typeUrl.endsWith("DownstreamConnectionsConfig")) {
        throw new ConfigException(p, "unsupported resource monitor extension '" + m.getName() + "' with type URL "
            + typeUrl);
      }
      DownstreamConnectionsConfig c = (DownstreamConnectionsConfig) TypedConfigs.unpack(m.getTypedConfig(),
          DownstreamConnectionsConfig.getDefaultInstance(), p + ".typed_config",
          com.google.protobuf.util.JsonFormat.TypeRegistry.getEmptyTypeRegistry());
      max = c.getMaxActiveDownstreamConnections() <= 0 ? Long.MAX_VALUE : c.getMaxActiveDownstreamConnections();
    }
    return max;
  }

  private static void bootstrapExtensions(Bootstrap b) throws ConfigException {
    for (int i = 0; i < b.getBootstrapExtensionsCount(); i++) {
      TypedExtensionConfig e = b.getBootstrapExtensions(i);
      String p = "bootstrap_extensions[" + i + "]";
      String typeUrl = TypedConfigs.typeUrlOf(e.getTypedConfig(), p + ".typed_config");
      if (typeUrl.equals(INTERNAL_LISTENER_TYPE)) {
        // Enables Envoy's internal listener registry. javoy has no internal listeners: a listener or endpoint
        // that uses one is rejected where it appears, so accepting the registry itself changes nothing.
        LOG.fine("bootstrap extension " + e.getName() + " accepted; internal listeners are rejected where used");
        continue;
      }
      throw new ConfigException(p, "unsupported bootstrap extension '" + e.getName() + "' with type URL " + typeUrl);
    }
  }

  private static List<RuntimeLayer> runtime(Bootstrap b) throws ConfigException {
    List<RuntimeLayer> layers = new ArrayList<>();
    var lr = b.getLayeredRuntime();
    for (int i = 0; i < lr.getLayersCount(); i++) {
      var layer = lr.getLayers(i);
      String p = "layered_runtime.layers[" + i + "]";
      if (layer.getLayerSpecifierCase() == LayerSpecifierCase.STATIC_LAYER) {
        Map<String, String> values = new LinkedHashMap<>();
        flatten("", layer.getStaticLayer(), values);
        layers.add(new RuntimeLayer(layer.getName(), values));
      } else if (layer.getLayerSpecifierCase() == LayerSpecifierCase.DISK_LAYER) {
        layers.add(new RuntimeLayer(layer.getName(), diskLayer(layer.getDiskLayer(), p + ".disk_layer")));
      } else if (layer.getLayerSpecifierCase() == LayerSpecifierCase.ADMIN_LAYER) {
        layers.add(new RuntimeLayer(layer.getName(), Map.of()));
      } else {
        throw new ConfigException(p, "runtime layer type " + layer.getLayerSpecifierCase() + " is not supported yet");
      }
    }
    return layers;
  }

  /**
   * Envoy's disk layer: every file under {@code symlink_root/subdirectory} is a key (its relative path with
   * '/' turned into '.') whose value is the file's content. A missing directory is an empty layer, as in
   * Envoy. Read once at start; javoy does not watch the symlink for swaps yet.
   */
  private static Map<String, String> diskLayer(io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer.DiskLayer d,
      String path) throws ConfigException {
    FieldSupport.check(d, path, Set.of("symlink_root", "subdirectory", "append_service_cluster"));
    if (d.getAppendServiceCluster()) {
      throw new ConfigException(path + ".append_service_cluster", "not supported yet");
    }
    java.nio.file.Path root = java.nio.file.Path.of(d.getSymlinkRoot()).resolve(d.getSubdirectory());
    Map<String, String> values = new LinkedHashMap<>();
    if (!java.nio.file.Files.isDirectory(root)) {
      return values;
    }
    try (var files = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.filter(java.nio.file.Files::isRegularFile)::iterator) {
        String key = root.relativize(f).toString().replace('/', '.');
        values.put(key, java.nio.file.Files.readString(f).trim());
      }
    } catch (java.io.IOException e) {
      throw new ConfigException(path, "cannot read runtime directory " + root + ": " + e.getMessage(), e);
    }
    return values;
  }

  private static void flatten(String prefix, Struct s, Map<String, String> out) {
    for (Map.Entry<String, Value> e : s.getFieldsMap().entrySet()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      Value v = e.getValue();
      switch (v.getKindCase()) {
        case STRUCT_VALUE -> flatten(key, v.getStructValue(), out);
        case BOOL_VALUE -> out.put(key, Boolean.toString(v.getBoolValue()));
        case NUMBER_VALUE -> {
          double d = v.getNumberValue();
          out.put(key, d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
        }
        case STRING_VALUE -> out.put(key, v.getStringValue());
        default -> out.put(key, "");
      }
    }
  }

  /** dynamic_resources are checked (their gRPC clusters must exist); serving them comes with xDS. */
  private static void checkDynamicResources(Bootstrap b, Set<String> staticClusters) throws ConfigException {
    var dr = b.getDynamicResources();
    if (dr.hasAdsConfig()) {
      var ads = dr.getAdsConfig();
      for (int i = 0; i < ads.getGrpcServicesCount(); i++) {
        var gs = ads.getGrpcServices(i);
        if (gs.hasEnvoyGrpc() && !staticClusters.contains(gs.getEnvoyGrpc().getClusterName())) {
          throw new ConfigException("dynamic_resources.ads_config.grpc_services[" + i + "].envoy_grpc.cluster_name",
              "unknown gRPC cluster '" + gs.getEnvoyGrpc().getClusterName() + "'");
        }
      }
    }
  }
}
