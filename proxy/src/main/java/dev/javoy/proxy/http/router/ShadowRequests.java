package dev.javoy.proxy.http.router;

import dev.javoy.proxy.http.route.RequestMirror;
import dev.javoy.proxy.upstream.ClusterManager;
import dev.javoy.proxy.upstream.UpstreamCluster;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shadow requests of one routed request, one per sampled {@code request_mirror_policies} entry. The router
 * creates it (only when a policy samples the request) and hands it every body chunk.
 */
final class ShadowRequests {
  private final ShadowRequest[] shadows;

  private ShadowRequests(ShadowRequest[] shadows) {
    this.shadows = shadows;
  }

  /**
   * Starts the shadows the route's mirror policies choose for {@code request} (its headers as they go upstream);
   * null when none does.
   */
  static ShadowRequests start(List<RequestMirror> mirrors, ClusterManager clusters, HttpRequest request,
      boolean endStream, EventLoop loop, String protocol, long bufferLimit, long timeoutMillis) {
    ShadowRequest[] started = null;
    int n = 0;
    for (int i = 0, size = mirrors.size(); i < size; i++) {
      RequestMirror m = mirrors.get(i);
      if (!m.sampled(ThreadLocalRandom.current().nextLong())) {
        continue;
      }
      String name = m.clusterFor(request);
      UpstreamCluster cluster = name == null ? null : clusters.get(name);
      if (cluster == null) {
        continue; // Envoy skips a shadow whose cluster does not exist
      }
      ShadowRequest s = ShadowRequest.start(m, cluster, request, endStream, loop, protocol, bufferLimit,
          timeoutMillis);
      if (s != null) {
        if (started == null) {
          started = new ShadowRequest[size];
        }
        started[n++] = s;
      }
    }
    if (started == null) {
      return null;
    }
    return new ShadowRequests(n == started.length ? started : java.util.Arrays.copyOf(started, n));
  }

  /** A body chunk of the main request, before the main upstream request consumes it. */
  void onData(HttpContent data, boolean endStream) {
    for (ShadowRequest s : shadows) {
      s.onData(data.retainedDuplicate(), endStream);
    }
  }

  /** The main stream is gone: shadows whose request body is incomplete are reset, the others finish alone. */
  void onMainDestroyed() {
    for (ShadowRequest s : shadows) {
      s.onMainAbandoned();
    }
  }
}
