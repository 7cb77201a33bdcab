package dev.javoy.e2e;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal state-of-the-world ADS server for types java-control-plane does not serve (ECDS): resources by type URL
 * and name, pushed to every stream that asked for the type. Wildcard types (LDS, CDS) get every resource (even none);
 * other types get the requested names that exist, and nothing while none does. Records NACK details.
 */
final class SotwAdsServer extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase
    implements AutoCloseable {
  private static final Set<String> WILDCARD = Set.of("type.googleapis.com/envoy.config.listener.v3.Listener",
      "type.googleapis.com/envoy.config.cluster.v3.Cluster");

  private record Version(String version, Map<String, Any> resources) {}

  final List<String> nacks = new CopyOnWriteArrayList<>();
  private final Map<String, Version> state = new HashMap<>();
  private final List<Stream> streams = new CopyOnWriteArrayList<>();
  private final AtomicLong nonces = new AtomicLong();
  private final Server server;

  SotwAdsServer() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
  }

  int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Serves exactly these resources of {@code typeUrl} from now on, under {@code version}. */
  void push(String typeUrl, String version, Map<String, ? extends Message> resources) {
    Map<String, Any> packed = new LinkedHashMap<>();
    resources.forEach((name, m) -> packed.put(name, Any.pack(m)));
    synchronized (this) {
      state.put(typeUrl, new Version(version, packed));
    }
    streams.forEach(s -> s.maybeSend(typeUrl));
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
    Stream s = new Stream(out);
    streams.add(s);
    return s;
  }

  private final class Stream implements StreamObserver<DiscoveryRequest> {
    private final StreamObserver<DiscoveryResponse> out;
    private final Map<String, List<String>> names = new HashMap<>();
    private final Map<String, String> sent = new HashMap<>();

    Stream(StreamObserver<DiscoveryResponse> out) {
      this.out = out;
    }

    @Override
    public synchronized void onNext(DiscoveryRequest r) {
      if (r.hasErrorDetail()) {
        nacks.add(r.getTypeUrl() + ": " + r.getErrorDetail().getMessage());
      }
      List<String> requested = new ArrayList<>(r.getResourceNamesList());
      if (!requested.equals(names.get(r.getTypeUrl()))) {
        names.put(r.getTypeUrl(), requested);
        sent.remove(r.getTypeUrl()); // new names: answer them
      }
      maybeSend(r.getTypeUrl());
    }

    synchronized void maybeSend(String typeUrl) {
      List<String> requested = names.get(typeUrl);
      Version v;
      synchronized (SotwAdsServer.this) {
        v = state.get(typeUrl);
      }
      if (requested == null || v == null) {
        return;
      }
      String key = v.version() + "|" + requested;
      if (key.equals(sent.get(typeUrl))) {
        return;
      }
      DiscoveryResponse.Builder resp = DiscoveryResponse.newBuilder().setTypeUrl(typeUrl)
          .setVersionInfo(v.version()).setNonce(Long.toString(nonces.incrementAndGet()));
      boolean wildcard = WILDCARD.contains(typeUrl) && (requested.isEmpty() || requested.contains("*"));
      v.resources().forEach((name, any) -> {
        if (wildcard || requested.contains(name)) {
          resp.addResources(any);
        }
      });
      if (!wildcard && resp.getResourcesCount() == 0) {
        return;
      }
      sent.put(typeUrl, key);
      out.onNext(resp.build());
    }

    @Override
    public void onError(Throwable t) {
      streams.remove(this);
    }

    @Override
    public void onCompleted() {
      streams.remove(this);
      out.onCompleted();
    }
  }

  @Override
  public void close() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
