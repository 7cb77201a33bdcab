package dev.javoy.filters.http.grpc_stats;

import dev.javoy.proxy.http.filter.FilterStatus;
import dev.javoy.proxy.http.filter.HttpFilter;
import dev.javoy.proxy.http.filter.HttpFilterCallbacks;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One gRPC stream of {@code envoy.filters.http.grpc_stats}: counts request and response messages, takes the
 * {@code grpc-status} from the response headers (trailers-only) or trailers, and when the stream ends charges
 * {@code success}/{@code failure}/{@code total}, {@code <status>}, the message counts and, with
 * {@code enable_upstream_stats}, {@code upstream_rq_time} to the upstream cluster's stats. Non-gRPC requests and
 * streams without an upstream cluster are not counted, as in Envoy.
 */
final class GrpcStatsFilter implements HttpFilter {
  private final GrpcStatsFilterConfig config;
  private final HttpFilterCallbacks callbacks;
  private boolean grpc;
  private String path;
  private final GrpcFrameCounter requests = new GrpcFrameCounter();
  private final GrpcFrameCounter responses = new GrpcFrameCounter();
  private String grpcStatus;
  private int httpStatus;
  private GrpcStatsObject state;

  GrpcStatsFilter(GrpcStatsFilterConfig config, HttpFilterCallbacks callbacks) {
    this.config = config;
    this.callbacks = callbacks;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    String ct = request.headers().get("content-type");
    grpc = ct != null && ct.startsWith("application/grpc");
    if (grpc) {
      path = request.uri();
      if (config.emitFilterState) {
        state = new GrpcStatsObject();
        callbacks.streamInfo().filterState().set(GrpcStatsObject.KEY, state);
      }
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    if (grpc) {
      requests.onData(data.content());
      if (state != null) {
        state.requestMessageCount = requests.count();
      }
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    if (grpc) {
      httpStatus = response.status().code();
      String s = response.headers().get("grpc-status");
      if (s != null) {
        grpcStatus = s;
      }
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public FilterStatus encodeData(HttpContent data, boolean endStream) {
    if (grpc) {
      responses.onData(data.content());
      if (state != null) {
        state.responseMessageCount = responses.count();
      }
      if (data instanceof LastHttpContent last) {
        String s = last.trailingHeaders().get("grpc-status");
        if (s != null) {
          grpcStatus = s;
        }
      }
    }
    return FilterStatus.CONTINUE;
  }

  @Override
  public void onDestroy() {
    StreamInfo info = callbacks.streamInfo();
    if (!grpc || info.upstreamClusterName == null) {
      return;
    }
    String status = grpcStatus;
    if (status == null && info.responseTrailers != null) {
      status = info.responseTrailers.get("grpc-status");
    }
    if (status == null && httpStatus != 0) {
      status = Integer.toString(httpToGrpc(httpStatus));
    }
    GrpcStatsFilterConfig.Handles h = config.handles(info.upstreamClusterName, path);
    if (status != null) {
      h.status(status).inc();
      (status.equals("0") ? h.success : h.failure).inc();
      h.total.inc();
    }
    h.requestMessages.add(requests.count());
    h.responseMessages.add(responses.count());
    if (h.upstreamRqTime != null && info.firstUpstreamTxNanos != 0 && info.lastUpstreamRxNanos != 0) {
      h.upstreamRqTime.record((info.lastUpstreamRxNanos - info.firstUpstreamTxNanos) / 1_000_000);
    }
  }

  /** gRPC's HTTP to gRPC status mapping, for responses without {@code grpc-status}. */
  static int httpToGrpc(int http) {
    return switch (http) {
      case 400 -> 13;
      case 401 -> 16;
      case 403 -> 7;
      case 404 -> 12;
      case 429, 502, 503, 504 -> 14;
      default -> 2;
    };
  }
}
