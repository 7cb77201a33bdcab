package dev.javoy.filters.http.fault;

import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.route.ClusterAction;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An in-test {@link HttpFilterCallbacks} for one stream: records local replies, encoded headers and data, and
 * continue/flow-control calls. Its event loop is an {@link EmbeddedChannel}'s with frozen time, moved on with
 * {@link #advance(long)}. Shared by the fault, CORS, local rate limit and buffer filter tests.
 */
public final class FakeFilterCallbacks implements HttpFilterCallbacks {
  /** A local reply as the filter asked for it. */
  public record LocalReply(int code, String body, ResponseFlag flag, String details, HttpHeaders headers) {}

  public final EmbeddedChannel channel;
  public final DownstreamConnection connection;
  public final StreamInfo info = new StreamInfo();
  public Route route;
  public List<Object> perFilterConfigs = List.of();
  public final List<LocalReply> localReplies = new ArrayList<>();
  public final List<HttpResponse> encodedHeaders = new ArrayList<>();
  public final ByteBuf encodedBody = Unpooled.buffer();
  public int encodedDataCalls;
  public boolean encodedEnd;
  public int continueDecodingCalls;
  public final List<Boolean> downstreamReading = new ArrayList<>();
  public final List<Boolean> responseSourceReading = new ArrayList<>();

  public FakeFilterCallbacks() {
    this(new EmbeddedChannel(), 1024 * 1024);
  }

  /** A stream on {@code channel} (several streams may share one connection's channel). */
  public FakeFilterCallbacks(EmbeddedChannel channel, int bufferLimitBytes) {
    this.channel = channel;
    channel.freezeTime();
    InetSocketAddress a = new InetSocketAddress("127.0.0.1", 10000);
    this.connection = new DownstreamConnection(channel, 1, a, a, "listener", "chain", null, bufferLimitBytes);
  }

  /** A route to {@code cluster}, with no per-filter config of its own. */
  public static Route routeTo(String cluster) {
    return new Route("r", null, null, ClusterAction.to(cluster, 0), Map.of());
  }

  /** Moves the event loop's clock on and runs the timers that became due. */
  public void advance(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
  }

  public LocalReply lastLocalReply() {
    return localReplies.isEmpty() ? null : localReplies.get(localReplies.size() - 1);
  }

  @Override
  public StreamInfo streamInfo() {
    return info;
  }

  @Override
  public DownstreamConnection connection() {
    return connection;
  }

  @Override
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  @Override
  public Route route() {
    return route;
  }

  @Override
  public void clearRouteCache() {}

  @Override
  public Object perFilterConfig() {
    return perFilterConfigs.isEmpty() ? null : perFilterConfigs.get(0);
  }

  @Override
  public List<Object> perFilterConfigs() {
    return perFilterConfigs;
  }

  @Override
  public void sendLocalReply(int code, String body, ResponseFlag flag, String details) {
    sendLocalReply(code, body, flag, details, null);
  }

  @Override
  public void sendLocalReply(int code, String body, ResponseFlag flag, String details,
      Consumer<HttpHeaders> modifyHeaders) {
    if (flag != null) {
      info.setResponseFlag(flag);
    }
    info.responseCodeDetails = details;
    HttpHeaders h = new DefaultHttpHeaders();
    if (modifyHeaders != null) {
      modifyHeaders.accept(h);
    }
    localReplies.add(new LocalReply(code, body, flag, details, h));
  }

  @Override
  public void continueDecoding() {
    continueDecodingCalls++;
  }

  @Override
  public void continueEncoding() {}

  @Override
  public void encodeHeaders(HttpResponse response, boolean endStream) {
    encodedHeaders.add(response);
    encodedEnd |= endStream;
  }

  @Override
  public void encodeData(HttpContent data, boolean endStream) {
    encodedDataCalls++;
    encodedBody.writeBytes(data.content());
    data.release();
    encodedEnd |= endStream;
  }

  @Override
  public void injectDecodedData(HttpContent data, boolean endStream) {
    data.release();
  }

  @Override
  public void setDownstreamReading(boolean enabled) {
    downstreamReading.add(enabled);
  }

  @Override
  public boolean downstreamWritable() {
    return true;
  }

  @Override
  public void setResponseSourceReading(boolean enabled) {
    responseSourceReading.add(enabled);
  }

  @Override
  public void resetStream() {}
}
