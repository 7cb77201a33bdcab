package dev.javoy.filters.http.grpc_stats;

/**
 * The filter state object {@code envoy.filters.http.grpc_stats} of a gRPC stream ({@code emit_filter_state}):
 * its request and response message counts, printed ({@code PLAIN}) as
 * {@code request_message_count,response_message_count} or ({@code TYPED}) as Envoy's {@code FilterObject}.
 */
public final class GrpcStatsObject implements dev.javoy.proxy.stream.FilterState.Printable {
  public static final String KEY = "envoy.filters.http.grpc_stats";

  long requestMessageCount;
  long responseMessageCount;

  public long requestMessageCount() {
    return requestMessageCount;
  }

  public long responseMessageCount() {
    return responseMessageCount;
  }

  @Override
  public String toString() {
    return requestMessageCount + "," + responseMessageCount;
  }

  @Override
  public String plain() {
    return toString();
  }

  /** Envoy's {@code envoy.extensions.filters.http.grpc_stats.v3.FilterObject} as JSON. */
  @Override
  public String typedJson() {
    try {
      return com.google.protobuf.util.JsonFormat.printer().omittingInsignificantWhitespace().print(
          io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterObject.newBuilder()
              .setRequestMessageCount(requestMessageCount).setResponseMessageCount(responseMessageCount).build());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }
}
