package dev.javoy.filters.listener.http_inspector;

import dev.javoy.proxy.listener.filter.ListenerFilter;
import dev.javoy.proxy.listener.filter.ListenerFilterContext;
import dev.javoy.proxy.stats.Counter;
import dev.javoy.proxy.stats.StatsStore;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * {@code envoy.filters.listener.http_inspector}: on plaintext connections (transport protocol empty or
 * {@code raw_buffer}) sets the application protocol to {@code http/1.0}, {@code http/1.1} or {@code h2c} (the
 * HTTP/2 connection preface) from the first bytes; anything else is left undetected. Stats
 * {@code http_inspector.*} as Envoy's.
 */
public final class HttpInspectorFilter implements ListenerFilter {
  /** Envoy's inspection limit for the request line. */
  static final int MAX_INSPECT_SIZE = 8192;
  private static final List<String> HTTP10 = List.of("http/1.0");
  private static final List<String> HTTP11 = List.of("http/1.1");
  private static final List<String> H2C = List.of("h2c");

  private final Counter readError;
  private final Counter http10Found;
  private final Counter http11Found;
  private final Counter http2Found;
  private final Counter httpNotFound;

  HttpInspectorFilter(StatsStore stats) {
    readError = stats.counter("http_inspector.read_error");
    http10Found = stats.counter("http_inspector.http10_found");
    http11Found = stats.counter("http_inspector.http11_found");
    http2Found = stats.counter("http_inspector.http2_found");
    httpNotFound = stats.counter("http_inspector.http_not_found");
  }

  @Override
  public Status onAccept(ListenerFilterContext context) {
    String transport = context.transportProtocol();
    if (!transport.isEmpty() && !transport.equals("raw_buffer")) {
      return Status.CONTINUE;
    }
    return Status.STOP_ITERATION;
  }

  @Override
  public Status onData(ListenerFilterContext context, ByteBuf peeked) {
    switch (HttpProtocolDetector.detect(peeked)) {
      case NEED_MORE -> {
        if (peeked.readableBytes() < MAX_INSPECT_SIZE) {
          return Status.STOP_ITERATION;
        }
        httpNotFound.inc();
      }
      case HTTP10 -> {
        http10Found.inc();
        context.setApplicationProtocols(HTTP10);
      }
      case HTTP11 -> {
        http11Found.inc();
        context.setApplicationProtocols(HTTP11);
      }
      case HTTP2 -> {
        http2Found.inc();
        context.setApplicationProtocols(H2C);
      }
      case NOT_HTTP -> httpNotFound.inc();
    }
    return Status.CONTINUE;
  }

  @Override
  public int maxReadBytes() {
    return MAX_INSPECT_SIZE;
  }

  /** {@code http_inspector.read_error}: the socket failed while inspecting. */
  @Override
  public void onReadError(ListenerFilterContext context) {
    readError.inc();
  }
}
