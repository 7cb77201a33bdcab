package dev.javoy.proxy.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's built-in tag extractors ({@code use_all_default_tags}), in Envoy's order: the regex ones first,
 * then the token-pattern ones. Written from the tag names and patterns documented for Envoy's
 * {@code well_known_names}; the regexes are RE2 syntax.
 */
final class DefaultTagExtractors {
  // Building blocks of the regexes below.
  private static final String TAG_VALUE = "[^\\.]+";
  private static final String ADDRESS =
      "(?:(?:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[[a-fA-F_\\d]+\\])_\\d+)";
  private static final String CIPHER = "[\\w-]+";
  private static final String TLS_VERSION = "TLSv\\d\\.\\d";
  private static final String ROUTE_CONFIG_NAME = "[\\w\\-\\.]+";
  private static final String LISTENER_OR_CLUSTER_WITH_NAME = "(?:listener|cluster)\\..*?";

  static final String CLUSTER_NAME = "envoy.cluster_name";
  static final String LISTENER_ADDRESS = "envoy.listener_address";
  static final String HTTP_CONN_MANAGER_PREFIX = "envoy.http_conn_manager_prefix";
  static final String RESPONSE_CODE = "envoy.response_code";
  static final String RESPONSE_CODE_CLASS = "envoy.response_code_class";

  private DefaultTagExtractors() {}

  /** Every default extractor, in Envoy's order. */
  static List<TagExtractor> all() {
    List<TagExtractor> out = new ArrayList<>();
    // Regex extractors: name, regex, substring the name must contain, value that does not count as a tag.
    re(out, RESPONSE_CODE, "_rq(_(\\d{3}))$", "_rq_", "");
    re(out, RESPONSE_CODE_CLASS, "_rq_((\\d))xx$", "_rq_", "");
    re(out, "envoy.dynamo_partition_id", "^http\\." + TAG_VALUE + "\\.dynamodb\\.table\\." + TAG_VALUE
        + "\\.capacity\\." + TAG_VALUE + "(\\.__partition_id=(\\w{7}))$", ".dynamodb.table.", "");
    re(out, "envoy.dynamo_operation", "^http\\." + TAG_VALUE + "\\.dynamodb.(?:operation|table\\." + TAG_VALUE
        + "\\.capacity)(\\.(" + TAG_VALUE + "))(?:\\.|$)", ".dynamodb.", "");
    re(out, "envoy.dynamo_table", "^http\\." + TAG_VALUE + "\\.dynamodb.(?:table|error)\\.((" + TAG_VALUE
        + ")\\.)", ".dynamodb.", "");
    re(out, "envoy.ssl_cipher", "^listener\\..*?\\.ssl\\.ciphers(\\.(" + CIPHER + "))$", ".ssl.ciphers.", "");
    re(out, "envoy.ssl_curve", "^" + LISTENER_OR_CLUSTER_WITH_NAME + "\\.ssl\\.curves(\\.(" + CIPHER + "))$",
        ".ssl.curves.", "");
    re(out, "envoy.ssl_sigalg", "^" + LISTENER_OR_CLUSTER_WITH_NAME + "\\.ssl\\.sigalgs(\\.(" + CIPHER
        + "))$", ".ssl.sigalgs.", "");
    re(out, "envoy.ssl_version", "^" + LISTENER_OR_CLUSTER_WITH_NAME + "\\.ssl\\.versions(\\.(" + TLS_VERSION
        + "))$", ".ssl.versions.", "");
    re(out, "cipher_suite", "^cluster\\." + TAG_VALUE + "\\.ssl\\.ciphers(\\.(" + CIPHER + "))$",
        ".ssl.ciphers.", "");
    re(out, HTTP_CONN_MANAGER_PREFIX, "^listener\\..*?\\.http\\.((" + TAG_VALUE + ")\\.)", ".http.", "");
    re(out, "envoy.worker_id", "^(?:listener\\.(?:" + ADDRESS + "|" + TAG_VALUE
        + ")\\.|server\\.|listener_manager\\.)worker_((\\d+)\\.)", "", "");
    re(out, LISTENER_ADDRESS, "^listener\\.((" + ADDRESS + "|" + TAG_VALUE + ")\\.)", "", "admin");
    re(out, "envoy.rds_route_config", "^http\\." + TAG_VALUE + "\\.rds\\.((" + ROUTE_CONFIG_NAME
        + ")\\.)\\w+?$", ".rds.", "");

    // Token-pattern extractors.
    tokens(out, "envoy.mongo_callsite", "mongo.*.collection.*.callsite.$.query.**");
    tokens(out, "envoy.mongo_collection", "mongo.*.collection.$.**.query.*");
    tokens(out, "envoy.mongo_cmd", "mongo.*.cmd.$.**");
    tokens(out, "envoy.grpc_bridge_method", "cluster.*.grpc.*.$.**");
    tokens(out, "envoy.http_user_agent", "http.*.user_agent.$.**");
    tokens(out, "envoy.virtual_cluster", "vhost.*.vcluster.$.**");
    tokens(out, "envoy.fault_downstream_cluster", "http.*.fault.$.**");
    tokens(out, "envoy.grpc_bridge_service", "cluster.*.grpc.$.**");
    tokens(out, "envoy.tcp_prefix", "tcp.$.**");
    tokens(out, "envoy.udp_prefix", "udp.$.**");
    tokens(out, "envoy.clientssl_prefix", "auth.clientssl.$.**");
    tokens(out, "envoy.ratelimit_prefix", "ratelimit.$.**");
    tokens(out, CLUSTER_NAME, "cluster.$.**");
    tokens(out, "envoy.ext_authz_prefix", "cluster.*.ext_authz.$.**");
    tokens(out, "envoy.ext_authz_prefix", "http.*.ext_authz.$.**");
    tokens(out, HTTP_CONN_MANAGER_PREFIX, "http.$.**");
    tokens(out, "envoy.virtual_host", "vhost.$.**");
    tokens(out, "envoy.mongo_prefix", "mongo.$.**");
    tokens(out, "envoy.route", "vhost.*.route.$.**");
    tokens(out, "envoy.thrift_prefix", "thrift.$.**");
    tokens(out, "envoy.redis_prefix", "redis.$.**");
    tokens(out, "envoy.local_http_ratelimit_prefix", "$.http_local_rate_limit.**");
    tokens(out, "envoy.local_network_ratelimit_prefix", "local_rate_limit.$.**");
    tokens(out, "envoy.local_listener_ratelimit_prefix", "listener_local_ratelimit.$.**");
    tokens(out, "envoy.dns_filter_prefix", "dns_filter.$.**");
    return out;
  }

  /** The default extractors named {@code name} (a {@code stats_tags} entry with a name but no regex). */
  static List<TagExtractor> named(String name) {
    List<TagExtractor> out = new ArrayList<>();
    for (TagExtractor e : all()) {
      if (e.name().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static void re(List<TagExtractor> out, String name, String regex, String substr, String negative) {
    out.add(RegexTagExtractor.envoyDefault(name, regex, substr, negative));
  }

  private static void tokens(List<TagExtractor> out, String name, String pattern) {
    out.add(new TokenPatternTagExtractor(name, pattern));
  }
}
