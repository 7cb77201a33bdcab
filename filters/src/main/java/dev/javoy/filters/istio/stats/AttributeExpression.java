package dev.javoy.filters.istio.stats;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.istio.PeerMetadata;
import io.netty.handler.codec.http.HttpRequest;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metric dimension's value expression in {@code metrics[].dimensions}. Istio evaluates these as CEL over Envoy's
 * attributes; javoy has no CEL engine and implements the attribute references Istio's own configs use: a string
 * literal, {@code node.metadata['KEY']}, {@code upstream_peer.<field>} / {@code downstream_peer.<field>}
 * ({@code cluster_id}, {@code namespace}, {@code workload_name}, {@code name}, {@code app}, {@code version},
 * {@code service_account}), {@code request.host}, {@code request.method}, {@code request.url_path} and
 * {@code request.headers['name']}. Anything else is rejected with the expression in the message.
 */
interface AttributeExpression {
  /** What an expression reads; any part may be null. */
  record Attributes(Struct nodeMetadata, PeerMetadata downstreamPeer, PeerMetadata upstreamPeer, HttpRequest request) {}

  /** The value, or null when the attribute is absent (reported as {@code unknown}). */
  String evaluate(Attributes a);

  Pattern NODE_METADATA = Pattern.compile("node\\.metadata\\[\\s*['\"]([^'\"]+)['\"]\\s*\\]");
  Pattern PEER = Pattern.compile("(upstream_peer|downstream_peer)\\.([a-z_]+)");
  Pattern HEADER = Pattern.compile("request\\.headers\\[\\s*['\"]([^'\"]+)['\"]\\s*\\]");
  Pattern LITERAL = Pattern.compile("'([^']*)'|\"([^\"]*)\"");

  static AttributeExpression parse(String expression, String path) throws ConfigException {
    String e = expression.trim();
    Matcher m;
    if ((m = LITERAL.matcher(e)).matches()) {
      String v = m.group(1) != null ? m.group(1) : m.group(2);
      return a -> v;
    }
    if ((m = NODE_METADATA.matcher(e)).matches()) {
      String key = m.group(1);
      return a -> {
        Value v = a.nodeMetadata() == null ? null : a.nodeMetadata().getFieldsMap().get(key);
        return v == null || v.getKindCase() != Value.KindCase.STRING_VALUE ? null : v.getStringValue();
      };
    }
    if ((m = PEER.matcher(e)).matches()) {
      boolean upstream = m.group(1).equals("upstream_peer");
      Function<PeerMetadata, String> field = switch (m.group(2)) {
        case "cluster_id" -> PeerMetadata::clusterId;
        case "namespace" -> PeerMetadata::namespace;
        case "workload_name" -> PeerMetadata::workloadName;
        case "name" -> PeerMetadata::instanceName;
        case "app" -> PeerMetadata::app;
        case "version" -> PeerMetadata::version;
        case "service_account" -> PeerMetadata::serviceAccount;
        default -> null;
      };
      if (field != null) {
        return a -> {
          PeerMetadata p = upstream ? a.upstreamPeer() : a.downstreamPeer();
          return p == null ? null : field.apply(p);
        };
      }
    }
    if ((m = HEADER.matcher(e)).matches()) {
      String header = m.group(1);
      return a -> a.request() == null ? null : a.request().headers().get(header);
    }
    switch (e) {
      case "request.host":
        return a -> a.request() == null ? null : a.request().headers().get("host");
      case "request.method":
        return a -> a.request() == null ? null : a.request().method().name();
      case "request.url_path":
        return a -> {
          if (a.request() == null) {
            return null;
          }
          String uri = a.request().uri();
          int q = uri.indexOf('?');
          return q < 0 ? uri : uri.substring(0, q);
        };
      default:
        throw new ConfigException(path, "metric dimension expression '" + expression + "' is not supported by "
            + "javoy (no CEL engine: literals, node.metadata['KEY'], upstream_peer/downstream_peer fields and "
            + "request.host/method/url_path/headers['name'] are)");
    }
  }
}
