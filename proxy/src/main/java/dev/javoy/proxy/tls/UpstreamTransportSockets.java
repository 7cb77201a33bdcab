package dev.javoy.proxy.tls;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.secret.SecretProvider;
import dev.javoy.proxy.stats.StatsScope;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cluster's transport sockets: its {@code transport_socket} and its {@code transport_socket_matches}, chosen per
 * endpoint by the endpoint's metadata under {@code envoy.transport_socket_match} (Envoy's
 * {@code TransportSocketMatcherImpl}): the first match whose every key has an equal value there wins (an empty
 * match matches every endpoint), else the cluster's default. Istio sends a match {@code tlsMode: istio} with its
 * mTLS context and a default raw_buffer. A null socket is plain TCP. Immutable.
 */
public final class UpstreamTransportSockets implements AutoCloseable {
  public static final String METADATA_KEY = "envoy.transport_socket_match";
  /** Plain TCP for every host. */
  public static final UpstreamTransportSockets RAW = new UpstreamTransportSockets(null, List.of(), List.of());

  private record Match(String name, Map<String, Value> labels, UpstreamTlsSocketFactory socket) {}

  private final UpstreamTlsSocketFactory defaultSocket;
  private final List<Match> matches;
  private final List<UpstreamTlsSocketFactory> all;

  private UpstreamTransportSockets(UpstreamTlsSocketFactory defaultSocket, List<Match> matches,
      List<UpstreamTlsSocketFactory> all) {
    this.defaultSocket = defaultSocket;
    this.matches = matches;
    this.all = all;
  }

  /** @param clusterScope {@code cluster.<name>.}, for the {@code ssl.*} stats */
  public static UpstreamTransportSockets from(Cluster c, String path, SecretProvider secrets,
      JsonFormat.TypeRegistry registry, StatsScope clusterScope) throws ConfigException {
    if (!c.hasTransportSocket() && c.getTransportSocketMatchesCount() == 0) {
      return RAW;
    }
    TlsStats stats = null;
    List<UpstreamTlsSocketFactory> all = new ArrayList<>();
    UpstreamTlsSocketFactory def = null;
    try {
      if (c.hasTransportSocket()) {
        UpstreamTlsContext tls = TransportSockets.upstream(c.getTransportSocket(), path + ".transport_socket", registry);
        if (tls != null) {
          stats = new TlsStats(clusterScope);
          def = UpstreamTlsSocketFactory.create(tls, path + ".transport_socket.typed_config", secrets, stats);
          all.add(def);
        }
      }
      List<Match> matches = new ArrayList<>();
      for (int i = 0; i < c.getTransportSocketMatchesCount(); i++) {
        Cluster.TransportSocketMatch m = c.getTransportSocketMatches(i);
        String p = FieldSupport.index(path, "transport_socket_matches", i);
        FieldSupport.check(m, p, Set.of("name", "match", "transport_socket"));
        UpstreamTlsSocketFactory socket = null;
        if (m.hasTransportSocket()) {
          UpstreamTlsContext tls = TransportSockets.upstream(m.getTransportSocket(), p + ".transport_socket", registry);
          if (tls != null) {
            if (stats == null) {
              stats = new TlsStats(clusterScope);
            }
            socket = UpstreamTlsSocketFactory.create(tls, p + ".transport_socket.typed_config", secrets, stats);
            all.add(socket);
          }
        }
        matches.add(new Match(m.getName(), m.getMatch().getFieldsMap(), socket));
      }
      return new UpstreamTransportSockets(def, List.copyOf(matches), List.copyOf(all));
    } catch (ConfigException | RuntimeException e) {
      all.forEach(UpstreamTlsSocketFactory::close);
      throw e;
    }
  }

  /** The socket for an endpoint with {@code metadata}: null for plain TCP. */
  public UpstreamTlsSocketFactory forHost(Metadata metadata) {
    if (matches.isEmpty()) {
      return defaultSocket;
    }
    Struct labels = metadata == null ? null : metadata.getFilterMetadataMap().get(METADATA_KEY);
    for (int i = 0, n = matches.size(); i < n; i++) {
      Match m = matches.get(i);
      if (labelsMatch(m.labels, labels)) {
        return m.socket;
      }
    }
    return defaultSocket;
  }

  private static boolean labelsMatch(Map<String, Value> wanted, Struct labels) {
    if (wanted.isEmpty()) {
      return true;
    }
    if (labels == null) {
      return false;
    }
    for (Map.Entry<String, Value> e : wanted.entrySet()) {
      Value v = labels.getFieldsMap().get(e.getKey());
      if (v == null || !v.equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Whether every TLS socket has its secrets (the cluster may finish warming). */
  public boolean ready() {
    for (UpstreamTlsSocketFactory f : all) {
      if (!f.ready()) {
        return false;
      }
    }
    return true;
  }

  /** Completes once every TLS socket is ready. */
  public java.util.concurrent.CompletableFuture<Void> whenReady() {
    return java.util.concurrent.CompletableFuture.allOf(
        all.stream().map(UpstreamTlsSocketFactory::whenReady).toArray(java.util.concurrent.CompletableFuture[]::new));
  }

  @Override
  public void close() {
    all.forEach(UpstreamTlsSocketFactory::close);
  }
}
