package dev.javoy.filters.http.grpc_stats;

/**
 * The filter state object {@code envoy.filters.http.grpc_stats} of a gRPC stream ({@code emit_filter_state}):
 * its request and response message counts, printed as {@code request_message_count,response_message_count}.
 */
public final class GrpcStatsObject {
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
}
