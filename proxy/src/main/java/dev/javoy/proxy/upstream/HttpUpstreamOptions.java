package dev.javoy.proxy.upstream;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.Durations;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import dev.javoy.proxy.http.h1.HeaderKeyFormat;
import dev.javoy.proxy.http.h2.Http2ProtocolConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig;
import java.util.Map;
import java.util.Set;

/**
 * How a cluster speaks HTTP upstream: protocol and connection reuse limits, from
 * {@code typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]} or the
 * legacy cluster fields.
 *
 * @param protocol the upstream protocol
 * @param maxRequestsPerConnection 0 = unlimited
 * @param idleTimeoutMillis upstream connection idle timeout (Envoy default 1 hour)
 * @param maxHeadersCount Envoy default 100
 * @param http2 the cluster's {@code http2_protocol_options} (Envoy's defaults when it has none), used when the
 *     protocol is HTTP/2 or when HTTP/2 downstream requests go up as HTTP/2
 * @param headerKeyFormat {@code http_protocol_options.header_key_format} of HTTP/1.1 upstream connections
 */
public record HttpUpstreamOptions(Protocol protocol, long maxRequestsPerConnection, long idleTimeoutMillis,
    int maxHeadersCount, Http2ProtocolConfig http2, HeaderKeyFormat headerKeyFormat) {

  public HttpUpstreamOptions(Protocol protocol, long maxRequestsPerConnection, long idleTimeoutMillis,
      int maxHeadersCount, Http2ProtocolConfig http2) {
    this(protocol, maxRequestsPerConnection, idleTimeoutMillis, maxHeadersCount, http2, HeaderKeyFormat.DEFAULT);
  }

  public enum Protocol { HTTP1, HTTP2, USE_DOWNSTREAM }

  public static final String TYPE_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final String TYPE_URL = "type.googleapis.com/" + TYPE_KEY;

  public static HttpUpstreamOptions from(Cluster c, String path) throws ConfigException {
    // The legacy protocol_selection: USE_DOWNSTREAM_PROTOCOL (Istio's passthrough and inbound clusters up to
    // 1.9) makes each request go up in its downstream protocol, with http2_protocol_options used for the
    // HTTP/2 ones, as Envoy's use_downstream_protocol_config does.
    boolean useDownstream = c.getProtocolSelection() == Cluster.ClusterProtocolSelection.USE_DOWNSTREAM_PROTOCOL;
    Protocol protocol = useDownstream ? Protocol.USE_DOWNSTREAM
        : c.hasHttp2ProtocolOptions() ? Protocol.HTTP2 : Protocol.HTTP1;
    if (useDownstream && c.getTypedExtensionProtocolOptionsMap().containsKey(TYPE_KEY)) {
      // Envoy: the legacy protocol fields and the typed HttpProtocolOptions cannot be mixed
      throw new ConfigException(path + ".protocol_selection", "protocol_selection cannot be combined with "
          + "typed_extension_protocol_options[\"" + TYPE_KEY + "\"]; use its use_downstream_protocol_config");
    }
    Http2ProtocolConfig http2 = c.hasHttp2ProtocolOptions()
        ? Http2ProtocolConfig.create(c.getHttp2ProtocolOptions(), path + ".http2_protocol_options", false)
        : Http2ProtocolConfig.DEFAULTS;
    long maxRequests = c.hasMaxRequestsPerConnection() ? c.getMaxRequestsPerConnection().getValue() : 0;
    HttpProtocolOptions common = c.getCommonHttpProtocolOptions();
    HeaderKeyFormat headerKeyFormat = c.hasHttpProtocolOptions()
        ? http1Options(c.getHttpProtocolOptions(), path + ".http_protocol_options") : HeaderKeyFormat.DEFAULT;
    for (Map.Entry<String, Any> e : c.getTypedExtensionProtocolOptionsMap().entrySet()) {
      String p = path + ".typed_extension_protocol_options[\"" + e.getKey() + "\"]";
      String typeUrl = TypedConfigs.typeUrlOf(e.getValue(), p);
      if (!typeUrl.equals(TYPE_URL)) {
        throw new ConfigException(p, "unsupported protocol options extension with type URL " + typeUrl);
      }
      var opts = unpack(e.getValue(), p);
      FieldSupport.check(opts, p, Set.of("explicit_http_config", "use_downstream_protocol_config",
          "common_http_protocol_options", "upstream_http_protocol_options"));
      if (opts.hasCommonHttpProtocolOptions()) {
        common = opts.getCommonHttpProtocolOptions();
      }
      if (opts.hasExplicitHttpConfig()) {
        ExplicitHttpConfig x = opts.getExplicitHttpConfig();
        if (x.hasHttpProtocolOptions()) {
          headerKeyFormat = http1Options(x.getHttpProtocolOptions(), p + ".explicit_http_config.http_protocol_options");
        }
        if (x.hasHttp2ProtocolOptions()) {
          http2 = Http2ProtocolConfig.create(x.getHttp2ProtocolOptions(),
              p + ".explicit_http_config.http2_protocol_options", false);
        }
        protocol = switch (x.getProtocolConfigCase()) {
          case HTTP2_PROTOCOL_OPTIONS -> Protocol.HTTP2;
          case HTTP3_PROTOCOL_OPTIONS -> throw new ConfigException(
              p + ".explicit_http_config.http3_protocol_options", "HTTP/3 upstreams are not supported");
          default -> Protocol.HTTP1;
        };
      } else if (opts.hasUseDownstreamProtocolConfig()) {
        var d = opts.getUseDownstreamProtocolConfig();
        FieldSupport.check(d, p + ".use_downstream_protocol_config",
            Set.of("http_protocol_options", "http2_protocol_options"));
        if (d.hasHttpProtocolOptions()) {
          headerKeyFormat = http1Options(d.getHttpProtocolOptions(),
              p + ".use_downstream_protocol_config.http_protocol_options");
        }
        if (d.hasHttp2ProtocolOptions()) {
          http2 = Http2ProtocolConfig.create(d.getHttp2ProtocolOptions(),
              p + ".use_downstream_protocol_config.http2_protocol_options", false);
        }
        protocol = Protocol.USE_DOWNSTREAM;
      }
    }
    FieldSupport.check(common, path + ".common_http_protocol_options",
        Set.of("idle_timeout", "max_requests_per_connection", "max_headers_count"));
    if (common.hasMaxRequestsPerConnection()) {
      maxRequests = common.getMaxRequestsPerConnection().getValue();
    }
    long idle = common.hasIdleTimeout() ? Durations.toMillis(common.getIdleTimeout()) : 3_600_000;
    int maxHeaders = common.hasMaxHeadersCount() ? common.getMaxHeadersCount().getValue() : 100;
    return new HttpUpstreamOptions(protocol, maxRequests, idle, maxHeaders, http2, headerKeyFormat);
  }

  /** An HTTP/1.1 {@code http_protocol_options} of a cluster: javoy implements its {@code header_key_format}. */
  private static HeaderKeyFormat http1Options(io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions o, String path)
      throws ConfigException {
    FieldSupport.check(o, path, Set.of("header_key_format"));
    return HeaderKeyFormat.of(o, path);
  }

  private static io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions unpack(Any any, String p)
      throws ConfigException {
    try {
      if (TypedConfigs.isTypedStruct(any)) {
        return (io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions) TypedConfigs.unpack(any,
            io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDefaultInstance(), p,
            com.google.protobuf.util.JsonFormat.TypeRegistry.getEmptyTypeRegistry());
      }
      return TypedConfigs.unpackExactly(any,
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDefaultInstance());
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(p, "malformed HttpProtocolOptions: " + e.getMessage(), e);
    }
  }
}
