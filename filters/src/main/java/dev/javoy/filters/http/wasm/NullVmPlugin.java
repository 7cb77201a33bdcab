package dev.javoy.filters.http.wasm;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.istio.IstioProxyProtos;
import io.envoyproxy.envoy.extensions.wasm.v3.PluginConfig;
import io.envoyproxy.envoy.extensions.wasm.v3.VmConfig;
import java.util.Set;

/**
 * A Wasm plugin config ({@code envoy.extensions.wasm.v3.PluginConfig}) that names one of Istio's null-VM plugins:
 * {@code vm_config.runtime: envoy.wasm.runtime.null} with the code {@code envoy.wasm.metadata_exchange} or
 * {@code envoy.wasm.stats} inline. Envoy runs such plugins as built-in native code; javoy maps them to its native
 * implementations of the same extensions. javoy has no Wasm VM, so every other plugin is rejected, naming the
 * runtime and code.
 */
public record NullVmPlugin(Kind kind, Message pluginConfig) {
  public static final String NULL_RUNTIME = "envoy.wasm.runtime.null";

  /** The null-VM plugins javoy maps. */
  public enum Kind { METADATA_EXCHANGE, STATS }

  /**
   * @param path JSON path of the {@code config} field, for errors
   */
  public static NullVmPlugin of(PluginConfig c, String path) throws ConfigException {
    FieldSupport.check(c, path, Set.of("name", "root_id", "vm_config", "configuration", "fail_open"));
    if (c.getFailOpen()) {
      throw new ConfigException(path + ".fail_open", "field not supported by javoy yet (in "
          + PluginConfig.getDescriptor().getFullName() + ")");
    }
    if (!c.hasVmConfig()) {
      throw new ConfigException(path, "javoy has no Wasm VM: only Istio's null-VM plugins (vm_config.runtime "
          + NULL_RUNTIME + ") are supported");
    }
    VmConfig vm = c.getVmConfig();
    String vmPath = path + ".vm_config";
    FieldSupport.check(vm, vmPath, Set.of("vm_id", "runtime", "code", "allow_precompiled"));
    String code = vm.getCode().hasLocal() && vm.getCode().getLocal().hasInlineString()
        ? vm.getCode().getLocal().getInlineString() : "";
    if (!vm.getRuntime().equals(NULL_RUNTIME)) {
      throw new ConfigException(vmPath + ".runtime", "Wasm runtime '" + vm.getRuntime() + "' (vm_id '"
          + vm.getVmId() + "', plugin '" + c.getName() + "') is not supported: javoy has no Wasm VM; only Istio's "
          + "null-VM plugins envoy.wasm.metadata_exchange and envoy.wasm.stats on " + NULL_RUNTIME + " are");
    }
    Kind kind = switch (code) {
      case "envoy.wasm.metadata_exchange" -> Kind.METADATA_EXCHANGE;
      case "envoy.wasm.stats" -> Kind.STATS;
      default -> throw new ConfigException(vmPath + ".code", "null-VM Wasm plugin '" + code + "' (vm_id '"
          + vm.getVmId() + "') is not supported: javoy maps only envoy.wasm.metadata_exchange and envoy.wasm.stats");
    };
    String confPath = path + ".configuration";
    Message plugin = switch (kind) {
      case METADATA_EXCHANGE -> {
        metadataExchangeConfiguration(c, confPath);
        yield null;
      }
      case STATS -> statsConfiguration(c, confPath);
    };
    return new NullVmPlugin(kind, plugin);
  }

  /** The metadata exchange plugin's configuration: empty, a MetadataExchange message, or "{}" JSON. */
  private static void metadataExchangeConfiguration(PluginConfig c, String path) throws ConfigException {
    if (!c.hasConfiguration()) {
      return;
    }
    Any any = c.getConfiguration();
    String url = any.getTypeUrl();
    try {
      if (url.endsWith("/" + IstioProxyProtos.METADATA_EXCHANGE.getFullName())) {
        Message m = com.google.protobuf.DynamicMessage.parseFrom(IstioProxyProtos.METADATA_EXCHANGE, any.getValue());
        FieldSupport.check(m, path, Set.of("protocol"));
        return;
      }
      if (url.endsWith("/google.protobuf.StringValue")) {
        String json = StringValue.parseFrom(any.getValue()).getValue();
        Struct s = parseStruct(json, path);
        if (s.getFieldsCount() > 0) {
          throw new ConfigException(path, "the metadata exchange plugin's configuration keys " + s.getFieldsMap().keySet()
              + " are not supported by javoy");
        }
        return;
      }
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot parse " + url + ": " + e.getMessage(), e);
    }
    throw new ConfigException(path, "unsupported configuration type " + url + " for envoy.wasm.metadata_exchange");
  }

  /**
   * The stats plugin's configuration: JSON in a StringValue (Istio ≤1.17) with the fields of
   * {@code stats.PluginConfig} plus the legacy {@code debug} and {@code stat_prefix} (which must be {@code istio}),
   * or a {@code stats.PluginConfig} itself.
   */
  private static Message statsConfiguration(PluginConfig c, String path) throws ConfigException {
    Message.Builder b = IstioProxyProtos.defaultOf(IstioProxyProtos.STATS_PLUGIN_CONFIG).newBuilderForType();
    if (!c.hasConfiguration()) {
      return b.build();
    }
    Any any = c.getConfiguration();
    String url = any.getTypeUrl();
    try {
      if (url.endsWith("/" + IstioProxyProtos.STATS_PLUGIN_CONFIG.getFullName())) {
        return b.mergeFrom(any.getValue()).build();
      }
      if (!url.endsWith("/google.protobuf.StringValue")) {
        throw new ConfigException(path, "unsupported configuration type " + url + " for envoy.wasm.stats");
      }
      Struct s = parseStruct(StringValue.parseFrom(any.getValue()).getValue(), path);
      Struct.Builder rest = s.toBuilder();
      rest.removeFields("debug");
      Value prefix = s.getFieldsMap().get("stat_prefix");
      if (prefix != null && !prefix.getStringValue().equals("istio")) {
        throw new ConfigException(path + ".stat_prefix", "only the stat prefix 'istio' is supported, not '"
            + prefix.getStringValue() + "'");
      }
      rest.removeFields("stat_prefix");
      JsonFormat.parser().merge(JsonFormat.printer().print(rest), b);
      return b.build();
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot parse the envoy.wasm.stats configuration as "
          + IstioProxyProtos.STATS_PLUGIN_CONFIG.getFullName() + ": " + e.getMessage(), e);
    }
  }

  private static Struct parseStruct(String json, String path) throws ConfigException {
    try {
      Struct.Builder s = Struct.newBuilder();
      JsonFormat.parser().merge(json, s);
      return s.build();
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "the plugin configuration is not a JSON object: " + e.getMessage(), e);
    }
  }
}
