package dev.javoy.config;

import static dev.javoy.config.BootstrapErrorsTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javoy.proxy.config.BootstrapSupport;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import org.junit.jupiter.api.Test;

/** Bootstrap fields javoy does not implement are rejected by path, never silently ignored. */
class BootstrapSupportTest {
  static String rejection(String yaml) throws ConfigException {
    var bootstrap = load(yaml, UnknownFieldPolicy.REJECT);
    return assertThrows(ConfigException.class, () -> BootstrapSupport.check(bootstrap)).getMessage();
  }

  @Test
  void acceptsTheFieldsIstioAndTheExamplesUse() throws Exception {
    BootstrapSupport.check(load("""
        node: {id: a, cluster: b}
        node_context_params: [id]
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 15000}}}
        stats_config: {use_all_default_tags: false}
        stats_flush_interval: 5s
        layered_runtime: {layers: [{name: global, static_layer: {}}]}
        cluster_manager:
          local_cluster_name: local
          outlier_detection: {event_log_path: /dev/stdout}
          enable_deferred_cluster_creation: true
        deferred_stat_options: {enable_deferred_creation_stats: true}
        application_log_config: {log_format: {text_format: "%v"}}
        header_prefix: x-javoy
        watchdogs: {main_thread_watchdog: {miss_timeout: 1s}}
        """, UnknownFieldPolicy.REJECT));
  }

  @Test
  void rejectsOtherBootstrapFieldsByPath() throws Exception {
    assertEquals("stats_flush_on_admin: field not supported by javoy yet (in envoy.config.bootstrap.v3.Bootstrap)",
        rejection("stats_flush_on_admin: true"));
    assertEquals("hds_config: field not supported by javoy yet (in envoy.config.bootstrap.v3.Bootstrap)",
        rejection("hds_config: {api_type: GRPC}"));
  }

  @Test
  void rejectsClusterManagerFieldsBeyondTheSupportedOnes() throws Exception {
    assertEquals("cluster_manager.load_stats_config: field not supported by javoy yet "
        + "(in envoy.config.bootstrap.v3.ClusterManager)",
        rejection("cluster_manager: {load_stats_config: {api_type: GRPC}}"));
    assertEquals("cluster_manager.outlier_detection.event_service: field not supported by javoy yet "
        + "(in envoy.config.bootstrap.v3.ClusterManager.OutlierDetection)",
        rejection("cluster_manager: {outlier_detection: {event_service: {}}}"));
  }
}
