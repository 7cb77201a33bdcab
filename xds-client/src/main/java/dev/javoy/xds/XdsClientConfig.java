package dev.javoy.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link XdsClient} talks to one management server. Build it with {@link #builder()}.
 *
 * <p>The defaults follow Envoy: state of the world over ADS, a 15 s initial fetch timeout, reconnection
 * back-off from 500 ms up to 30 s, the node sent on every request.
 */
public final class XdsClientConfig {
  /** Envoy's default {@code initial_fetch_timeout}. */
  public static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);
  /** Envoy's {@code SubscriptionFactory::RetryInitialDelayMs}. */
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(500);
  /** Envoy's {@code SubscriptionFactory::RetryMaxDelayMs}. */
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);

  private final Node node;
  private final XdsServerTarget server;
  private final EventLoopGroup transportGroup;
  private final Class<? extends Channel> channelType;
  private final EventLoop eventLoop;
  private final XdsProtocol protocol;
  private final boolean aggregated;
  private final boolean setNodeOnFirstMessageOnly;
  private final Duration initialFetchTimeout;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final XdsStatsListener statsListener;
  private final Clock clock;

  private XdsClientConfig(Builder b) {
    this.node = Objects.requireNonNull(b.node, "node");
    this.server = Objects.requireNonNull(b.server, "server");
    this.transportGroup = Objects.requireNonNull(b.transportGroup, "transport event loop group");
    this.channelType = Objects.requireNonNull(b.channelType, "transport channel type");
    this.eventLoop = Objects.requireNonNull(b.eventLoop, "eventLoop");
    this.protocol = b.protocol;
    this.aggregated = b.aggregated;
    this.setNodeOnFirstMessageOnly = b.setNodeOnFirstMessageOnly;
    this.initialFetchTimeout = b.initialFetchTimeout;
    this.backoffBase = b.backoffBase;
    this.backoffMax = b.backoffMax;
    this.statsListener = b.statsListener;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Node node() {
    return node;
  }

  public XdsServerTarget server() {
    return server;
  }

  public EventLoopGroup transportGroup() {
    return transportGroup;
  }

  public Class<? extends Channel> channelType() {
    return channelType;
  }

  /** The loop that owns all client state and runs every callback. */
  public EventLoop eventLoop() {
    return eventLoop;
  }

  public XdsProtocol protocol() {
    return protocol;
  }

  /** ADS (one stream for all types) rather than one stream per type. */
  public boolean aggregated() {
    return aggregated;
  }

  public boolean setNodeOnFirstMessageOnly() {
    return setNodeOnFirstMessageOnly;
  }

  /** The timeout of subscriptions that do not give their own; zero waits forever. */
  public Duration initialFetchTimeout() {
    return initialFetchTimeout;
  }

  public Duration backoffBase() {
    return backoffBase;
  }

  public Duration backoffMax() {
    return backoffMax;
  }

  public XdsStatsListener statsListener() {
    return statsListener;
  }

  public Clock clock() {
    return clock;
  }

  /** Builds an {@link XdsClientConfig}. */
  public static final class Builder {
    private Node node;
    private XdsServerTarget server;
    private EventLoopGroup transportGroup;
    private Class<? extends Channel> channelType;
    private EventLoop eventLoop;
    private XdsProtocol protocol = XdsProtocol.STATE_OF_THE_WORLD;
    private boolean aggregated = true;
    private boolean setNodeOnFirstMessageOnly;
    private Duration initialFetchTimeout = DEFAULT_INITIAL_FETCH_TIMEOUT;
    private Duration backoffBase = DEFAULT_BACKOFF_BASE;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private XdsStatsListener statsListener = XdsStatsListener.NOOP;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The node identity sent to the server (required). */
    public Builder node(Node value) {
      this.node = value;
      return this;
    }

    /** The management server (required). */
    public Builder server(XdsServerTarget value) {
      this.server = value;
      return this;
    }

    /** The event loops and channel class that carry the gRPC connection (required). */
    public Builder transport(EventLoopGroup group, Class<? extends Channel> type) {
      this.transportGroup = group;
      this.channelType = type;
      return this;
    }

    /** The loop on which all client state lives and every callback runs: the proxy's main loop (required). */
    public Builder eventLoop(EventLoop value) {
      this.eventLoop = value;
      return this;
    }

    public Builder protocol(XdsProtocol value) {
      this.protocol = Objects.requireNonNull(value, "protocol");
      return this;
    }

    /** {@code true} (default): one ADS stream; {@code false}: one LDS/CDS/RDS/EDS/SDS/ECDS stream per type. */
    public Builder aggregated(boolean value) {
      this.aggregated = value;
      return this;
    }

    /** Envoy's {@code set_node_on_first_message_only}. */
    public Builder setNodeOnFirstMessageOnly(boolean value) {
      this.setNodeOnFirstMessageOnly = value;
      return this;
    }

    /** The default initial fetch timeout of subscriptions; {@link Duration#ZERO} waits forever. */
    public Builder initialFetchTimeout(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("negative initial fetch timeout");
      }
      this.initialFetchTimeout = value;
      return this;
    }

    /** The reconnection back-off: jittered, doubling from {@code base} up to {@code max}. */
    public Builder backoff(Duration base, Duration max) {
      if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
        throw new IllegalArgumentException("back-off needs 0 < base <= max, got " + base + " and " + max);
      }
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    public Builder statsListener(XdsStatsListener value) {
      this.statsListener = Objects.requireNonNull(value, "statsListener");
      return this;
    }

    /** The clock of update times (tests). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public XdsClientConfig build() {
      return new XdsClientConfig(this);
    }
  }
}
