package dev.javoy.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A state-of-the-world stream (ADS or one type's service). Each request carries the full list of names,
 * the last accepted version and the last nonce of its type; every response is ACKed or NACKed at once.
 */
final class SotwStream extends XdsStream implements GrpcCall.Handler<DiscoveryResponse> {
  /** What this stream told the server about one type. */
  private static final class Sent {
    String nonce = "";
    /** The names of the last request; {@code null} before the first. */
    List<String> names;
    /** A request named resources ({@code "*"} included): an empty list no longer means the wildcard. */
    boolean explicitNames;
  }

  private final MethodDescriptor<DiscoveryRequest, DiscoveryResponse> method;
  private final Map<String, Sent> sent = new HashMap<>();
  private GrpcCall<DiscoveryRequest, DiscoveryResponse> call;

  SotwStream(ClientContext ctx, TypeStates types, List<ResourceType<?>> served, StreamEvents events,
      MethodDescriptor<DiscoveryRequest, DiscoveryResponse> method) {
    super(ctx, types, served, events);
    this.method = method;
  }

  @Override
  protected void open(Channel channel) {
    call = GrpcCall.start(channel, method, ctx.loop, this);
  }

  @Override
  void sendInterest(TypeState<?> state) {
    Sent s = sent.computeIfAbsent(typeUrlOf(state), url -> new Sent());
    List<String> names = resourceNames(state.interest(), s);
    if (names != null && !names.equals(s.names)) {
      send(state, names, s, null);
    }
  }

  /**
   * The {@code resource_names} expressing this interest, following the xDS wildcard rules: an empty list
   * is the legacy wildcard until names were sent explicitly, and after that unsubscribes from everything.
   * {@code null} when nothing can or need be said (no interest and none ever expressed, or the legacy
   * wildcard dropped: the protocol has no way to unsubscribe from it).
   */
  static List<String> resourceNames(Interest interest, boolean namesSentBefore, boolean explicitBefore) {
    if (interest.isEmpty()) {
      return namesSentBefore && explicitBefore ? List.of() : null;
    }
    if (interest.isWildcardOnly() && !explicitBefore) {
      return List.of();
    }
    return List.copyOf(interest.resourceNames());
  }

  private static List<String> resourceNames(Interest interest, Sent s) {
    return resourceNames(interest, s.names != null, s.explicitNames);
  }

  private void send(TypeState<?> state, List<String> names, Sent s, com.google.rpc.Status error) {
    DiscoveryRequest.Builder request = DiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrlOf(state))
        .setVersionInfo(state.acceptedVersion())
        .setResponseNonce(s.nonce)
        .addAllResourceNames(names);
    Node node = nodeForNextRequest();
    if (node != null) {
      request.setNode(node);
    }
    if (error != null) {
      request.setErrorDetail(error);
    }
    s.names = names;
    s.explicitNames |= !names.isEmpty();
    call.send(request.build());
  }

  @Override
  public void onReady() {
    events.onConnected();
  }

  @Override
  public void onMessage(DiscoveryResponse response) {
    events.onResponse();
    TypeState<?> state = stateForResponse(response.getTypeUrl());
    if (state != null) {
      handle(state, response);
    }
  }

  private <T extends Message> void handle(TypeState<T> state, DiscoveryResponse response) {
    Sent s = sent.computeIfAbsent(typeUrlOf(state), url -> new Sent());
    s.nonce = response.getNonce();
    String version = response.getVersionInfo();
    ctx.stats.onUpdateAttempt(state.type);
    long t0 = System.nanoTime();
    DecodedResponse<T> decoded = ResourceDecoder.decodeSotw(state.type, response.getResourcesList(), version,
        state.decodeMemo);
    long t1 = System.nanoTime();
    Rejections rejections = state.applySotw(decoded, version);
    ApplyTimings.log(state.type, version, response.getResourcesCount(), t1 - t0, System.nanoTime() - t1);
    com.google.rpc.Status error = null;
    if (rejections.isEmpty()) {
      state.onAccepted(version);
    } else {
      state.onRejected(rejections, version);
      error = rejections.toStatus(state.type, version);
    }
    // The ACK or NACK carries the subscriptions as they are now (subscribers may have changed them).
    List<String> names = resourceNames(state.interest(), s);
    if (names == null) {
      names = s.names == null ? List.of() : s.names;
    }
    send(state, names, s, error);
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
