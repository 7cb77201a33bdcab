package dev.javoy.proxy.istio;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.List;

/**
 * The config messages of istio/proxy's own extensions, which are not part of Envoy's API jar: their descriptors
 * are built here in Java with the field names and numbers of istio/proxy's (and istio/api's) {@code .proto}
 * files, so that {@code JsonFormat} parses them inside an {@code Any} and filters read them as
 * {@link DynamicMessage}s.
 *
 * <ul>
 *   <li>{@code stats.PluginConfig} ({@code istio.stats}, istio/proxy {@code extensions/stats/config.proto} and
 *       {@code source/extensions/filters/http/istio_stats/config.proto})
 *   <li>{@code envoy.tcp.metadataexchange.config.MetadataExchange} ({@code istio.metadata_exchange} network
 *       filter, {@code source/extensions/filters/network/metadata_exchange/config/metadata_exchange.proto})
 *   <li>{@code io.istio.http.peer_metadata.Config} ({@code istio.metadata_exchange} HTTP filter, Istio 1.20+)
 *   <li>{@code istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig} ({@code istio.alpn}, istio/api
 *       {@code envoy/config/filter/http/alpn/v2alpha1/config.proto})
 *   <li>{@code io.istio.network.authn.Config} ({@code istio_authn} network filter, no fields)
 *   <li>{@code istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig} with
 *       {@code istio.authentication.v1alpha1.Policy} (Istio ≤1.9's HTTP {@code istio_authn} filter, istio/api)
 * </ul>
 */
public final class IstioProxyProtos {
  public static final Descriptor STATS_PLUGIN_CONFIG;
  public static final Descriptor STATS_METRIC_CONFIG;
  public static final Descriptor STATS_METRIC_DEFINITION;
  public static final Descriptor METADATA_EXCHANGE;
  public static final Descriptor PEER_METADATA_CONFIG;
  public static final Descriptor ALPN_FILTER_CONFIG;
  public static final Descriptor NETWORK_AUTHN_CONFIG;
  /** Istio ≤1.9's HTTP {@code istio_authn} filter config (istio/api {@code envoy/config/filter/http/authn/v2alpha1}). */
  public static final Descriptor HTTP_AUTHN_CONFIG;

  static {
    try {
      FileDescriptor stats = FileDescriptor.buildFrom(statsFile(), new FileDescriptor[] {DurationProto.getDescriptor()});
      STATS_PLUGIN_CONFIG = stats.findMessageTypeByName("PluginConfig");
      STATS_METRIC_CONFIG = stats.findMessageTypeByName("MetricConfig");
      STATS_METRIC_DEFINITION = stats.findMessageTypeByName("MetricDefinition");
      METADATA_EXCHANGE = FileDescriptor.buildFrom(metadataExchangeFile(), new FileDescriptor[0])
          .findMessageTypeByName("MetadataExchange");
      PEER_METADATA_CONFIG = FileDescriptor.buildFrom(peerMetadataFile(), new FileDescriptor[0])
          .findMessageTypeByName("Config");
      ALPN_FILTER_CONFIG = FileDescriptor.buildFrom(alpnFile(), new FileDescriptor[0])
          .findMessageTypeByName("FilterConfig");
      NETWORK_AUTHN_CONFIG = FileDescriptor.buildFrom(networkAuthnFile(), new FileDescriptor[0])
          .findMessageTypeByName("Config");
      FileDescriptor policy = FileDescriptor.buildFrom(authenticationPolicyFile(), new FileDescriptor[0]);
      HTTP_AUTHN_CONFIG = FileDescriptor.buildFrom(httpAuthnFile(), new FileDescriptor[] {policy})
          .findMessageTypeByName("FilterConfig");
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private IstioProxyProtos() {}

  /** Default instances of every message above, for a {@code TypeRegistry}. */
  public static List<Message> all() {
    return List.of(defaultOf(STATS_PLUGIN_CONFIG), defaultOf(METADATA_EXCHANGE), defaultOf(PEER_METADATA_CONFIG),
        defaultOf(ALPN_FILTER_CONFIG), defaultOf(NETWORK_AUTHN_CONFIG), defaultOf(HTTP_AUTHN_CONFIG));
  }

  public static DynamicMessage defaultOf(Descriptor d) {
    return DynamicMessage.getDefaultInstance(d);
  }

  // ---- stats.PluginConfig ----

  private static FileDescriptorProto statsFile() {
    DescriptorProto metricConfig = DescriptorProto.newBuilder().setName("MetricConfig")
        .addNestedType(mapEntry("DimensionsEntry"))
        .addField(field("dimensions", 1, Type.TYPE_MESSAGE, ".stats.MetricConfig.DimensionsEntry").toBuilder()
            .setLabel(Label.LABEL_REPEATED))
        .addField(field("name", 2, Type.TYPE_STRING, null))
        .addField(repeated(field("tags_to_remove", 3, Type.TYPE_STRING, null)))
        .addField(field("match", 4, Type.TYPE_STRING, null))
        .addField(field("drop", 5, Type.TYPE_BOOL, null))
        .build();
    DescriptorProto metricDefinition = DescriptorProto.newBuilder().setName("MetricDefinition")
        .addField(field("name", 1, Type.TYPE_STRING, null))
        .addField(field("value", 2, Type.TYPE_STRING, null))
        .addField(field("type", 3, Type.TYPE_ENUM, ".stats.MetricType"))
        .build();
    DescriptorProto.Builder plugin = DescriptorProto.newBuilder().setName("PluginConfig");
    int reservedNumber = 1;
    for (String reserved : List.of("debug", "max_peer_cache_size", "stat_prefix", "field_separator", "value_separator")) {
      plugin.addReservedRange(DescriptorProto.ReservedRange.newBuilder().setStart(reservedNumber).setEnd(reservedNumber + 1));
      plugin.addReservedName(reserved);
      reservedNumber++;
    }
    plugin.addField(field("disable_host_header_fallback", 6, Type.TYPE_BOOL, null))
        .addField(field("tcp_reporting_duration", 7, Type.TYPE_MESSAGE, ".google.protobuf.Duration"))
        .addField(repeated(field("metrics", 8, Type.TYPE_MESSAGE, ".stats.MetricConfig")))
        .addField(repeated(field("definitions", 9, Type.TYPE_MESSAGE, ".stats.MetricDefinition")))
        .addField(field("reporter", 10, Type.TYPE_ENUM, ".stats.Reporter"))
        .addField(field("rotation_interval", 11, Type.TYPE_MESSAGE, ".google.protobuf.Duration"))
        .addField(field("graceful_deletion_interval", 12, Type.TYPE_MESSAGE, ".google.protobuf.Duration"));
    return FileDescriptorProto.newBuilder().setName("javoy/istio/stats/config.proto").setPackage("stats")
        .setSyntax("proto3").addDependency("google/protobuf/duration.proto")
        .addMessageType(metricConfig)
        .addEnumType(enumOf("MetricType", "COUNTER", "GAUGE", "HISTOGRAM"))
        .addMessageType(metricDefinition)
        .addEnumType(enumOf("Reporter", "UNSPECIFIED", "SERVER_GATEWAY"))
        .addMessageType(plugin)
        .build();
  }

  // ---- envoy.tcp.metadataexchange.config.MetadataExchange ----

  private static FileDescriptorProto metadataExchangeFile() {
    DescriptorProto mx = DescriptorProto.newBuilder().setName("MetadataExchange")
        .addField(field("protocol", 1, Type.TYPE_STRING, null))
        .addField(field("enable_discovery", 2, Type.TYPE_BOOL, null))
        .addField(repeated(field("additional_labels", 3, Type.TYPE_STRING, null)))
        .build();
    return FileDescriptorProto.newBuilder().setName("javoy/istio/metadata_exchange/config.proto")
        .setPackage("envoy.tcp.metadataexchange.config").setSyntax("proto3").addMessageType(mx).build();
  }

  // ---- io.istio.http.peer_metadata.Config ----

  private static FileDescriptorProto peerMetadataFile() {
    String p = ".io.istio.http.peer_metadata.Config.";
    DescriptorProto discovery = DescriptorProto.newBuilder().setName("DiscoveryMethod")
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("method_specifier"))
        .addField(field("baggage", 1, Type.TYPE_MESSAGE, p + "Baggage").toBuilder().setOneofIndex(0))
        .addField(field("workload_discovery", 2, Type.TYPE_MESSAGE, p + "WorkloadDiscovery").toBuilder().setOneofIndex(0))
        .addField(field("istio_headers", 3, Type.TYPE_MESSAGE, p + "IstioHeaders").toBuilder().setOneofIndex(0))
        .build();
    DescriptorProto propagation = DescriptorProto.newBuilder().setName("PropagationMethod")
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("method_specifier"))
        .addField(field("istio_headers", 1, Type.TYPE_MESSAGE, p + "IstioHeaders").toBuilder().setOneofIndex(0))
        .build();
    DescriptorProto config = DescriptorProto.newBuilder().setName("Config")
        .addNestedType(DescriptorProto.newBuilder().setName("Baggage"))
        .addNestedType(DescriptorProto.newBuilder().setName("WorkloadDiscovery"))
        .addNestedType(DescriptorProto.newBuilder().setName("IstioHeaders")
            .addField(field("skip_external_clusters", 1, Type.TYPE_BOOL, null)))
        .addNestedType(discovery)
        .addNestedType(propagation)
        .addField(repeated(field("downstream_discovery", 1, Type.TYPE_MESSAGE, p + "DiscoveryMethod")))
        .addField(repeated(field("upstream_discovery", 2, Type.TYPE_MESSAGE, p + "DiscoveryMethod")))
        .addField(repeated(field("downstream_propagation", 3, Type.TYPE_MESSAGE, p + "PropagationMethod")))
        .addField(repeated(field("upstream_propagation", 4, Type.TYPE_MESSAGE, p + "PropagationMethod")))
        .addField(field("shared_with_upstream", 5, Type.TYPE_BOOL, null))
        .addField(repeated(field("additional_labels", 6, Type.TYPE_STRING, null)))
        .build();
    return FileDescriptorProto.newBuilder().setName("javoy/istio/peer_metadata/config.proto")
        .setPackage("io.istio.http.peer_metadata").setSyntax("proto3").addMessageType(config).build();
  }

  // ---- istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig ----

  private static FileDescriptorProto alpnFile() {
    String p = ".istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig.";
    DescriptorProto config = DescriptorProto.newBuilder().setName("FilterConfig")
        .addEnumType(enumOf("Protocol", "HTTP10", "HTTP11", "HTTP2"))
        .addNestedType(DescriptorProto.newBuilder().setName("AlpnOverride")
            .addField(field("upstream_protocol", 1, Type.TYPE_ENUM, p + "Protocol"))
            .addField(repeated(field("alpn_override", 2, Type.TYPE_STRING, null))))
        .addField(repeated(field("alpn_override", 1, Type.TYPE_MESSAGE, p + "AlpnOverride")))
        .build();
    return FileDescriptorProto.newBuilder().setName("javoy/istio/alpn/config.proto")
        .setPackage("istio.envoy.config.filter.http.alpn.v2alpha1").setSyntax("proto3").addMessageType(config)
        .build();
  }

  // ---- io.istio.network.authn.Config ----

  private static FileDescriptorProto networkAuthnFile() {
    return FileDescriptorProto.newBuilder().setName("javoy/istio/istio_authn/config.proto")
        .setPackage("io.istio.network.authn").setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName("Config")).build();
  }

  // ---- istio.authentication.v1alpha1.Policy (istio/api authentication/v1alpha1/policy.proto) ----

  private static FileDescriptorProto authenticationPolicyFile() {
    String p = ".istio.authentication.v1alpha1.";
    DescriptorProto stringMatch = DescriptorProto.newBuilder().setName("StringMatch")
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("match_type"))
        .addField(field("exact", 1, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
        .addField(field("prefix", 2, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
        .addField(field("suffix", 3, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
        .addField(field("regex", 4, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
        .build();
    DescriptorProto mutualTls = DescriptorProto.newBuilder().setName("MutualTls")
        .addEnumType(enumOf("Mode", "STRICT", "PERMISSIVE"))
        .addField(field("allow_tls", 1, Type.TYPE_BOOL, null))
        .addField(field("mode", 2, Type.TYPE_ENUM, p + "MutualTls.Mode"))
        .build();
    DescriptorProto jwt = DescriptorProto.newBuilder().setName("Jwt")
        .addNestedType(DescriptorProto.newBuilder().setName("TriggerRule")
            .addField(repeated(field("excluded_paths", 1, Type.TYPE_MESSAGE, p + "StringMatch")))
            .addField(repeated(field("included_paths", 2, Type.TYPE_MESSAGE, p + "StringMatch"))))
        .addField(field("issuer", 1, Type.TYPE_STRING, null))
        .addField(repeated(field("audiences", 2, Type.TYPE_STRING, null)))
        .addField(field("jwks_uri", 3, Type.TYPE_STRING, null))
        .addField(repeated(field("jwt_headers", 6, Type.TYPE_STRING, null)))
        .addField(repeated(field("jwt_params", 7, Type.TYPE_STRING, null)))
        .addField(repeated(field("trigger_rules", 9, Type.TYPE_MESSAGE, p + "Jwt.TriggerRule")))
        .addField(field("jwks", 10, Type.TYPE_STRING, null))
        .build();
    DescriptorProto peerMethod = DescriptorProto.newBuilder().setName("PeerAuthenticationMethod")
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("params"))
        .addField(field("mtls", 1, Type.TYPE_MESSAGE, p + "MutualTls").toBuilder().setOneofIndex(0))
        .addField(field("jwt", 2, Type.TYPE_MESSAGE, p + "Jwt").toBuilder().setOneofIndex(0))
        .build();
    DescriptorProto originMethod = DescriptorProto.newBuilder().setName("OriginAuthenticationMethod")
        .addField(field("jwt", 1, Type.TYPE_MESSAGE, p + "Jwt"))
        .build();
    DescriptorProto portSelector = DescriptorProto.newBuilder().setName("PortSelector")
        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("port"))
        .addField(field("number", 1, Type.TYPE_UINT32, null).toBuilder().setOneofIndex(0))
        .addField(field("name", 2, Type.TYPE_STRING, null).toBuilder().setOneofIndex(0))
        .build();
    DescriptorProto targetSelector = DescriptorProto.newBuilder().setName("TargetSelector")
        .addNestedType(mapEntry("LabelsEntry"))
        .addField(field("name", 1, Type.TYPE_STRING, null))
        .addField(repeated(field("ports", 2, Type.TYPE_MESSAGE, p + "PortSelector")))
        .addField(repeated(field("labels", 3, Type.TYPE_MESSAGE, p + "TargetSelector.LabelsEntry")))
        .build();
    DescriptorProto policy = DescriptorProto.newBuilder().setName("Policy")
        .addField(repeated(field("targets", 1, Type.TYPE_MESSAGE, p + "TargetSelector")))
        .addField(repeated(field("peers", 2, Type.TYPE_MESSAGE, p + "PeerAuthenticationMethod")))
        .addField(field("peer_is_optional", 3, Type.TYPE_BOOL, null))
        .addField(repeated(field("origins", 4, Type.TYPE_MESSAGE, p + "OriginAuthenticationMethod")))
        .addField(field("origin_is_optional", 5, Type.TYPE_BOOL, null))
        .addField(field("principal_binding", 6, Type.TYPE_ENUM, p + "PrincipalBinding"))
        .build();
    return FileDescriptorProto.newBuilder().setName("javoy/istio/authentication/v1alpha1/policy.proto")
        .setPackage("istio.authentication.v1alpha1").setSyntax("proto3")
        .addMessageType(stringMatch).addMessageType(mutualTls).addMessageType(jwt).addMessageType(peerMethod)
        .addMessageType(originMethod).addEnumType(enumOf("PrincipalBinding", "USE_PEER", "USE_ORIGIN"))
        .addMessageType(policy).addMessageType(targetSelector).addMessageType(portSelector)
        .build();
  }

  // ---- istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig ----

  private static FileDescriptorProto httpAuthnFile() {
    String p = ".istio.envoy.config.filter.http.authn.v2alpha1.FilterConfig.";
    DescriptorProto config = DescriptorProto.newBuilder().setName("FilterConfig")
        .addNestedType(mapEntry("JwtOutputPayloadLocationsEntry"))
        .addField(field("policy", 1, Type.TYPE_MESSAGE, ".istio.authentication.v1alpha1.Policy"))
        .addField(repeated(field("jwt_output_payload_locations", 2, Type.TYPE_MESSAGE,
            p + "JwtOutputPayloadLocationsEntry")))
        .addField(field("skip_validate_trust_domain", 3, Type.TYPE_BOOL, null))
        .addField(repeated(field("allowed_trust_domains", 4, Type.TYPE_STRING, null)))
        .build();
    return FileDescriptorProto.newBuilder().setName("javoy/istio/authn/v2alpha1/config.proto")
        .setPackage("istio.envoy.config.filter.http.authn.v2alpha1").setSyntax("proto3")
        .addDependency("javoy/istio/authentication/v1alpha1/policy.proto").addMessageType(config).build();
  }

  // ---- helpers ----

  private static FieldDescriptorProto field(String name, int number, Type type, String typeName) {
    FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
        .setLabel(Label.LABEL_OPTIONAL).setJsonName(jsonName(name));
    if (typeName != null) {
      f.setTypeName(typeName);
    }
    return f.build();
  }

  private static FieldDescriptorProto repeated(FieldDescriptorProto f) {
    return f.toBuilder().setLabel(Label.LABEL_REPEATED).build();
  }

  private static DescriptorProto mapEntry(String name) {
    return DescriptorProto.newBuilder().setName(name)
        .addField(field("key", 1, Type.TYPE_STRING, null))
        .addField(field("value", 2, Type.TYPE_STRING, null))
        .setOptions(MessageOptions.newBuilder().setMapEntry(true))
        .build();
  }

  private static EnumDescriptorProto enumOf(String name, String... values) {
    EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(name);
    for (int i = 0; i < values.length; i++) {
      e.addValue(EnumValueDescriptorProto.newBuilder().setName(values[i]).setNumber(i));
    }
    return e.build();
  }

  /** protoc's lowerCamelCase JSON name. */
  static String jsonName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }
}
