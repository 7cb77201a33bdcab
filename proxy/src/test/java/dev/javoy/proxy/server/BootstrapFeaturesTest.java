package dev.javoy.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.LayeredRuntime;
import io.envoyproxy.envoy.config.bootstrap.v3.RuntimeLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapFeaturesTest {
  @TempDir
  Path root;

  private static Bootstrap withDiskLayer(String symlinkRoot, String subdirectory) {
    return Bootstrap.newBuilder().setLayeredRuntime(LayeredRuntime.newBuilder().addLayers(RuntimeLayer.newBuilder()
        .setName("disk").setDiskLayer(RuntimeLayer.DiskLayer.newBuilder().setSymlinkRoot(symlinkRoot)
            .setSubdirectory(subdirectory)))).build();
  }

  @Test
  void diskLayerReadsFilesAsDottedKeys() throws Exception {
    Files.createDirectories(root.resolve("envoy/health_check"));
    Files.writeString(root.resolve("envoy/health_check/min_interval"), "10\n");
    Files.writeString(root.resolve("envoy/fault_enabled"), "true");
    BootstrapFeatures f = new BootstrapFeatures(withDiskLayer(root.toString(), "envoy"), Set.of());
    assertEquals(Map.of("health_check.min_interval", "10", "fault_enabled", "true"), f.runtimeLayers.get(0).values());
  }

  @Test
  void missingDirectoryIsAnEmptyLayerAsInEnvoy() throws Exception {
    BootstrapFeatures f = new BootstrapFeatures(withDiskLayer(root.resolve("absent").toString(), "envoy"), Set.of());
    assertEquals(Map.of(), f.runtimeLayers.get(0).values());
  }

  @Test
  void unsupportedExtensionsAreNamed() {
    Bootstrap b = Bootstrap.newBuilder().addStatsSinks(io.envoyproxy.envoy.config.metrics.v3.StatsSink.newBuilder()
        .setName("envoy.stat_sinks.statsd")).build();
    ConfigException e = assertThrows(ConfigException.class, () -> new BootstrapFeatures(b, Set.of()));
    assertEquals("stats_sinks[0]", e.path());
  }
}
