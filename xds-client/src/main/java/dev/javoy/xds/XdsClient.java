package dev.javoy.xds;

import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one xDS management server: subscriptions to resources, delivered to
 * {@link ResourceSubscriber}s that validate and apply them; ACK/NACK, reconnection and resubscription are
 * the client's business.
 *
 * <p>All state lives on the configured event loop and every callback runs there; nothing is locked. The
 * public methods may be called from any thread: off the loop they hop onto it. Streams open lazily, when
 * the first subscription of a type they carry is made.
 */
public final class XdsClient implements AutoCloseable {
  private final ClientContext ctx;
  private final EventLoop loop;
  private final ManagedChannel channel;
  private final TypeStates types;
  /** The ADS supervisor under {@code null}, or one per type for per-type streams. */
  private final Map<ResourceType<?>, StreamSupervisor> supervisors = new HashMap<>();
  private final Set<TypeState<?>> pendingInterest = new LinkedHashSet<>();
  private boolean flushScheduled;
  private boolean connected;
  private boolean closed;

  private XdsClient(XdsClientConfig config) {
    this.ctx = new ClientContext(config);
    this.loop = config.eventLoop();
    this.types = new TypeStates(ctx);
    this.channel = XdsChannelFactory.newChannel(config.server(), config.transportGroup(), config.channelType());
    ctx.onInterestChanged(this::onInterestChanged);
  }

  /** A client for the configured server. Nothing connects before the first subscription. */
  public static XdsClient create(XdsClientConfig config) {
    return new XdsClient(Objects.requireNonNull(config, "config"));
  }

  /** Subscribes with the configured default initial fetch timeout. */
  public <T extends Message> Subscription subscribe(ResourceType<T> type, String name,
      ResourceSubscriber<T> subscriber) {
    return subscribe(type, name, ctx.config.initialFetchTimeout(), subscriber);
  }

  /**
   * Subscribes to one resource, or to every resource of an LDS/CDS type with {@link ResourceType#WILDCARD}.
   * A resource already received is delivered at once (in a later loop task).
   *
   * @param initialFetchTimeout after it, without the resource, the subscriber hears
   *     {@link ResourceSubscriber#onResourceDoesNotExist} once; {@link Duration#ZERO} waits forever
   */
  public <T extends Message> Subscription subscribe(ResourceType<T> type, String name,
      Duration initialFetchTimeout, ResourceSubscriber<T> subscriber) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subscriber, "subscriber");
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("empty resource name");
    }
    if (ResourceType.WILDCARD.equals(name) && !type.supportsWildcard()) {
      throw new IllegalArgumentException(type + " has no wildcard subscription; name the resources");
    }
    if (initialFetchTimeout.isNegative()) {
      throw new IllegalArgumentException("negative initial fetch timeout");
    }
    TypeState<T> state = types.get(type);
    SubscriberEntry<T> entry = new SubscriberEntry<>(type, name, subscriber, initialFetchTimeout,
        e -> onLoop(() -> state.remove(e)));
    onLoop(() -> {
      if (closed) {
        entry.cancelled = true;
        subscriber.onError(Status.UNAVAILABLE.withDescription("the xDS client is closed"));
      } else {
        state.add(entry);
      }
    });
    return entry;
  }

  /** What the client knows now, for the admin. Completes on the event loop. */
  public CompletableFuture<XdsClientSnapshot> snapshot() {
    CompletableFuture<XdsClientSnapshot> result = new CompletableFuture<>();
    onLoop(() -> {
      List<XdsClientSnapshot.TypeSnapshot> snapshots = new ArrayList<>();
      for (TypeState<?> state : types.all()) {
        state.snapshot().ifPresent(snapshots::add);
      }
      result.complete(new XdsClientSnapshot(connected, List.copyOf(snapshots)));
    });
    return result;
  }

  /** Closes the streams and the channel; subscriptions hear nothing more. Idempotent. */
  @Override
  public void close() {
    onLoop(() -> {
      if (closed) {
        return;
      }
      closed = true;
      supervisors.values().forEach(StreamSupervisor::close);
      supervisors.clear();
      types.all().forEach(TypeState::shutdown);
      channel.shutdownNow();
      updateConnected();
    });
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  /** Subscriptions of a type changed: tell the server in a later task, once per burst of changes. */
  private void onInterestChanged(TypeState<?> state) {
    pendingInterest.add(state);
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(this::flushInterest);
    }
  }

  private void flushInterest() {
    flushScheduled = false;
    if (closed) {
      pendingInterest.clear();
      return;
    }
    for (TypeState<?> state : types.all()) {
      if (pendingInterest.remove(state)) {
        supervisorFor(state.type).onInterestChanged(state);
      }
    }
  }

  private StreamSupervisor supervisorFor(ResourceType<?> type) {
    boolean aggregated = ctx.config.aggregated();
    ResourceType<?> key = aggregated ? null : type;
    StreamSupervisor supervisor = supervisors.get(key);
    if (supervisor == null) {
      List<TypeState<?>> served = aggregated ? types.all() : List.of(types.forTypeUrl(type.typeUrl()));
      List<ResourceType<?>> servedTypes = served.stream().<ResourceType<?>>map(s -> s.type).toList();
      String description = (ctx.config.protocol() == XdsProtocol.DELTA ? "delta " : "")
          + (aggregated ? "ADS" : type.shortName());
      supervisor = new StreamSupervisor(ctx, channel, served,
          events -> newStream(servedTypes, type, events), this::updateConnected, description);
      supervisors.put(key, supervisor);
    }
    return supervisor;
  }

  private XdsStream newStream(List<ResourceType<?>> served, ResourceType<?> type, StreamEvents events) {
    boolean aggregated = ctx.config.aggregated();
    if (ctx.config.protocol() == XdsProtocol.DELTA) {
      return new DeltaStream(ctx, types, served, events, DiscoveryMethods.delta(type, aggregated));
    }
    return new SotwStream(ctx, types, served, events, DiscoveryMethods.sotw(type, aggregated));
  }

  /** Connected means: some stream is wanted, and every wanted stream is up. */
  private void updateConnected() {
    boolean any = false;
    boolean all = true;
    for (StreamSupervisor supervisor : supervisors.values()) {
      if (supervisor.isActive()) {
        any = true;
        all &= supervisor.isConnected();
      }
    }
    boolean now = !closed && any && all;
    if (now != connected) {
      connected = now;
      ctx.stats.onConnectedStateChanged(now);
    }
  }
}
