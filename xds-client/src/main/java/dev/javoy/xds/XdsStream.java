package dev.javoy.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Channel;
import java.util.List;
import java.util.logging.Logger;

/**
 * One gRPC stream to the management server carrying one or more types (all of them for ADS), and the
 * protocol state that lives only as long as the stream: nonces, what was last requested, whether the node
 * was sent. The state that outlives streams is in {@link TypeState}. On the event loop.
 */
abstract class XdsStream {
  protected static final Logger logger = Logger.getLogger("javoy.config");

  protected final ClientContext ctx;
  protected final StreamEvents events;
  private final TypeStates types;
  private final List<ResourceType<?>> served;
  private boolean nodeSent;

  XdsStream(ClientContext ctx, TypeStates types, List<ResourceType<?>> served, StreamEvents events) {
    this.ctx = ctx;
    this.types = types;
    this.served = served;
    this.events = events;
  }

  /** Opens the call and requests every served type that has subscriptions, clusters first. */
  final void start(Channel channel) {
    open(channel);
    for (ResourceType<?> type : served) {
      TypeState<?> state = types.forTypeUrl(type.typeUrl());
      if (state.hasInterest()) {
        sendInterest(state);
      }
    }
  }

  /** Opens the gRPC call. */
  protected abstract void open(Channel channel);

  /** Tells the server about the type's current subscriptions if they differ from what it was told. */
  abstract void sendInterest(TypeState<?> state);

  /** Cancels the call; no event follows. */
  abstract void close();

  /** The node to put in the next request, or {@code null} when it must be left out. */
  protected final Node nodeForNextRequest() {
    if (nodeSent && ctx.config.setNodeOnFirstMessageOnly()) {
      return null;
    }
    nodeSent = true;
    return ctx.config.node();
  }

  /**
   * The served type a response is for; an empty type URL means the stream's only type. {@code null} (and
   * a warning) for a type this stream does not carry.
   */
  protected final TypeState<?> stateForResponse(String typeUrl) {
    String url = typeUrl.isEmpty() && served.size() == 1 ? served.get(0).typeUrl() : typeUrl;
    for (ResourceType<?> type : served) {
      if (type.typeUrl().equals(url)) {
        return types.forTypeUrl(url);
      }
    }
    logger.warning(() -> "ignoring a response of type '" + typeUrl + "', which this stream does not carry");
    return null;
  }

  /** The type URL the stream's requests carry. */
  protected static String typeUrlOf(TypeState<?> state) {
    return state.type.typeUrl();
  }
}
