package dev.javoy.proxy.upstream.health;

import dev.javoy.proxy.upstream.Host;
import java.util.List;
import java.util.Map;

/** A compiled {@code HealthCheck}: settings plus what the protocol needs. Immutable; makes sessions. */
public sealed interface HealthCheckSpec {
  HealthCheckSettings settings();

  /** The cluster's {@code connect_timeout}, for the checks' connections. */
  long connectTimeoutMillis();

  HealthCheckSession newSession(HealthChecker checker, Host host);

  /** A status range {@code [start, end)}. */
  record StatusRange(long start, long end) {
    static boolean any(List<StatusRange> ranges, int code) {
      for (StatusRange r : ranges) {
        if (code >= r.start && code < r.end) {
          return true;
        }
      }
      return false;
    }
  }

  /** A header to add: {@code append} adds a value, else the header is set. */
  record HeaderToAdd(String name, String value, boolean append) {}

  record Http(HealthCheckSettings settings, long connectTimeoutMillis, String method, String path, String host,
      List<HeaderToAdd> headersToAdd, List<String> headersToRemove, List<StatusRange> expectedStatuses,
      List<StatusRange> retriableStatuses, boolean http2) implements HealthCheckSpec {
    @Override
    public HealthCheckSession newSession(HealthChecker checker, Host h) {
      return http2 ? new Http2HealthCheckSession(checker, h, this, null) : new HttpHealthCheckSession(checker, h, this);
    }
  }

  /** {@code send} empty: connect only. {@code receive}: each block must appear, in order. */
  record Tcp(HealthCheckSettings settings, long connectTimeoutMillis, byte[] send, List<byte[]> receive)
      implements HealthCheckSpec {
    @Override
    public HealthCheckSession newSession(HealthChecker checker, Host h) {
      return new TcpHealthCheckSession(checker, h, this);
    }
  }

  record Grpc(HealthCheckSettings settings, long connectTimeoutMillis, String serviceName, String authority,
      List<HeaderToAdd> initialMetadata) implements HealthCheckSpec {
    @Override
    public HealthCheckSession newSession(HealthChecker checker, Host h) {
      return new Http2HealthCheckSession(checker, h, null, this);
    }
  }
}
