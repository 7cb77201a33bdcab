package dev.javoy.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An incremental (delta) stream (ADS or one type's service). The first request of a type lists every name
 * of interest and the versions of the resources in force ({@code initial_resource_versions}); later ones
 * carry only subscription changes. Every response is ACKed or NACKed at once.
 */
final class DeltaStream extends XdsStream implements GrpcCall.Handler<DeltaDiscoveryResponse> {
  private final MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> method;
  /** Per type URL, the names the server believes we subscribe to ({@code "*"} included). */
  private final Map<String, Set<String>> subscribed = new HashMap<>();
  private GrpcCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call;

  DeltaStream(ClientContext ctx, TypeStates types, List<ResourceType<?>> served, StreamEvents events,
      MethodDescriptor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> method) {
    super(ctx, types, served, events);
    this.method = method;
  }

  @Override
  protected void open(Channel channel) {
    call = GrpcCall.start(channel, method, ctx.loop, this);
  }

  @Override
  void sendInterest(TypeState<?> state) {
    DeltaDiscoveryRequest.Builder request = newRequest(state);
    if (request != null) {
      call.send(request.build());
    }
  }

  /**
   * A request telling the server what changed in the type's subscriptions since it was last told, or
   * {@code null} when nothing did.
   */
  private DeltaDiscoveryRequest.Builder newRequest(TypeState<?> state) {
    String typeUrl = typeUrlOf(state);
    Interest interest = state.interest();
    Set<String> wanted = new LinkedHashSet<>(interest.resourceNames());
    Set<String> told = subscribed.get(typeUrl);
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrl);
    if (told == null) {
      if (interest.isEmpty()) {
        return null;
      }
      // First request of the type on this stream: a lone wildcard is sent as the legacy empty list.
      if (!interest.isWildcardOnly()) {
        request.addAllResourceNamesSubscribe(wanted);
      }
      request.putAllInitialResourceVersions(state.acceptedResourceVersions());
    } else {
      Set<String> subscribe = new LinkedHashSet<>(wanted);
      subscribe.removeAll(told);
      Set<String> unsubscribe = new LinkedHashSet<>(told);
      unsubscribe.removeAll(wanted);
      if (subscribe.isEmpty() && unsubscribe.isEmpty()) {
        return null;
      }
      request.addAllResourceNamesSubscribe(subscribe).addAllResourceNamesUnsubscribe(unsubscribe);
    }
    subscribed.put(typeUrl, wanted);
    Node node = nodeForNextRequest();
    if (node != null) {
      request.setNode(node);
    }
    return request;
  }

  @Override
  public void onReady() {
    events.onConnected();
  }

  @Override
  public void onMessage(DeltaDiscoveryResponse response) {
    events.onResponse();
    TypeState<?> state = stateForResponse(response.getTypeUrl());
    if (state != null) {
      handle(state, response);
    }
  }

  private <T extends Message> void handle(TypeState<T> state, DeltaDiscoveryResponse response) {
    String version = response.getSystemVersionInfo();
    ctx.stats.onUpdateAttempt(state.type);
    long t0 = System.nanoTime();
    DecodedResponse<T> decoded = ResourceDecoder.decodeDelta(state.type, response.getResourcesList());
    long t1 = System.nanoTime();
    Rejections rejections = state.applyDelta(decoded, response.getRemovedResourcesList(), version);
    ApplyTimings.log(state.type, version, response.getResourcesCount(), t1 - t0, System.nanoTime() - t1);
    // The ACK or NACK also carries any subscription change the subscribers just made.
    DeltaDiscoveryRequest.Builder request = newRequest(state);
    if (request == null) {
      request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(typeUrlOf(state));
      Node node = nodeForNextRequest();
      if (node != null) {
        request.setNode(node);
      }
    }
    request.setResponseNonce(response.getNonce());
    if (rejections.isEmpty()) {
      state.onAccepted(version);
    } else {
      state.onRejected(rejections, version);
      request.setErrorDetail(rejections.toStatus(state.type, version));
    }
    call.send(request.build());
  }

  @Override
  public void onClose(Status status) {
    events.onClosed(status);
  }

  @Override
  void close() {
    if (call != null) {
      call.cancel("xDS stream closed by the client");
    }
  }
}
