package dev.javoy.filters.compression;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.http.filter.HttpFilterConfig;
import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.network.DownstreamConnection;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the connection manager's stream around a chain of HTTP filters under test: it runs request
 * headers and data through the filters in order and response headers and data in reverse, releases the data
 * a filter did not let through (as {@code ActiveStream} does), and collects what reaches the upstream end and
 * the client.
 */
public final class FakeStream {
  public final StreamInfo info = new StreamInfo();
  private final HttpFilter[] filters;
  /** Request data that went past the last filter, in order. */
  public final List<HttpContent> upstream = new ArrayList<>();
  public final List<Boolean> upstreamEnds = new ArrayList<>();
  /** Response data that went past the first filter, in order. */
  public final List<HttpContent> downstream = new ArrayList<>();
  public final List<Boolean> downstreamEnds = new ArrayList<>();
  /** The route's per-filter config every filter sees, or null. */
  public Object perFilterConfig;
  public boolean reset;

  public FakeStream(HttpFilterConfig... chain) {
    filters = new HttpFilter[chain.length];
    for (int i = 0; i < chain.length; i++) {
      filters[i] = chain[i].newFilter(new Callbacks(i));
    }
  }

  public void request(HttpRequest req, boolean endStream) {
    for (HttpFilter f : filters) {
      if (f.decodeHeaders(req, endStream) != FilterStatus.CONTINUE) {
        throw new IllegalStateException("a filter stopped request headers");
      }
    }
  }

  public void requestData(HttpContent data, boolean last) {
    decodeFrom(0, data, last);
  }

  public void response(HttpResponse resp, boolean endStream) {
    for (int i = filters.length - 1; i >= 0; i--) {
      filters[i].encodeHeaders(resp, endStream);
    }
  }

  public void responseData(HttpContent data, boolean last) {
    encodeFrom(filters.length - 1, data, last);
  }

  private void decodeFrom(int from, HttpContent data, boolean last) {
    for (int i = from; i < filters.length; i++) {
      if (filters[i].decodeData(data, last) != FilterStatus.CONTINUE) {
        data.release();
        return;
      }
    }
    upstream.add(data);
    upstreamEnds.add(last);
  }

  private void encodeFrom(int from, HttpContent data, boolean last) {
    for (int i = from; i >= 0; i--) {
      if (filters[i].encodeData(data, last) != FilterStatus.CONTINUE) {
        data.release();
        return;
      }
    }
    downstream.add(data);
    downstreamEnds.add(last);
  }

  /** Ends the stream: every filter's {@code onDestroy}. */
  public void destroy() {
    for (HttpFilter f : filters) {
      f.onDestroy();
    }
  }

  /** The bytes of the collected chunks, concatenated, releasing the chunks. */
  public static byte[] drain(List<HttpContent> chunks) {
    ByteBuf all = Unpooled.buffer();
    for (HttpContent c : chunks) {
      all.writeBytes(c.content(), c.content().readerIndex(), c.content().readableBytes());
      c.release();
    }
    chunks.clear();
    byte[] out = new byte[all.readableBytes()];
    all.readBytes(out);
    all.release();
    return out;
  }

  private final class Callbacks implements HttpFilterCallbacks {
    private final int index;

    Callbacks(int index) {
      this.index = index;
    }

    @Override
    public StreamInfo streamInfo() {
      return info;
    }

    @Override
    public DownstreamConnection connection() {
      return null;
    }

    @Override
    public EventLoop eventLoop() {
      return null;
    }

    @Override
    public Route route() {
      return null;
    }

    @Override
    public void clearRouteCache() {}

    @Override
    public Object perFilterConfig() {
      return perFilterConfig;
    }

    @Override
    public void sendLocalReply(int code, String body, ResponseFlag flag, String details) {
      throw new UnsupportedOperationException("local reply " + code);
    }

    @Override
    public void continueDecoding() {}

    @Override
    public void continueEncoding() {}

    @Override
    public void encodeHeaders(HttpResponse response, boolean endStream) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void encodeData(HttpContent data, boolean endStream) {
      encodeFrom(index - 1, data, endStream);
    }

    @Override
    public void injectDecodedData(HttpContent data, boolean endStream) {
      decodeFrom(index + 1, data, endStream);
    }

    @Override
    public void setDownstreamReading(boolean enabled) {}

    @Override
    public boolean downstreamWritable() {
      return true;
    }

    @Override
    public void resetStream() {
      reset = true;
    }
  }
}
