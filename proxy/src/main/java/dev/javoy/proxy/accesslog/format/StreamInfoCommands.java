package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Commands that print one fact of the stream: codes, flags, byte counts, names, ids. */
final class StreamInfoCommands {
  private static final ResponseFlag[] FLAGS = ResponseFlag.values();

  private StreamInfoCommands() {}

  static void register(Map<String, CommandSpec> m) {
    m.put("PROTOCOL", string(i -> i.protocol));
    m.put("RESPONSE_CODE", number(i -> i.responseCode));
    m.put("RESPONSE_CODE_DETAILS", new CommandSpec(CommandSyntax.PARAMS_OPTIONAL,
        (param, path) -> new Underscored(param.equals("ALLOW_WHITESPACES"), true)));
    m.put("CONNECTION_TERMINATION_DETAILS", string(i -> i.connectionTerminationDetails));
    m.put("RESPONSE_FLAGS", CommandSpec.simple(new Flags(false)));
    m.put("RESPONSE_FLAGS_LONG", CommandSpec.simple(new Flags(true)));
    m.put("BYTES_RECEIVED", number(i -> i.bytesReceived));
    m.put("BYTES_SENT", number(i -> i.bytesSent));
    m.put("UPSTREAM_CLUSTER", string(i -> i.upstreamClusterName));
    m.put("UPSTREAM_CLUSTER_RAW", string(i -> i.upstreamClusterName));
    m.put("UPSTREAM_TRANSPORT_FAILURE_REASON", CommandSpec.simple(new Underscored(false, false)));
    m.put("UPSTREAM_REQUEST_ATTEMPT_COUNT", number(i -> i.attemptCount));
    m.put("UPSTREAM_CONNECTION_ID", number(i -> 0));
    m.put("CONNECTION_ID", number(i -> i.connectionId));
    m.put("REQUESTED_SERVER_NAME", string(i -> i.requestedServerName != null && !i.requestedServerName.isEmpty()
        ? i.requestedServerName : i.downstreamTls == null ? null : i.downstreamTls.sni()));
    m.put("ROUTE_NAME", string(i -> i.routeName));
    m.put("FILTER_CHAIN_NAME", string(i -> i.filterChainName));
    m.put("STREAM_ID", string(StreamInfoCommands::streamId));
    m.put("UNIQUE_ID", CommandSpec.simple((out, info, body) -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
      long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
      out.append(new UUID(msb, lsb));
      return true;
    }));
    m.put("LOCAL_REPLY_BODY", CommandSpec.simple((out, info, body) -> {
      out.append(body == null ? "" : body);
      return true;
    }));
    m.put("HOSTNAME", CommandSpec.simple(new StringCommand(hostnameOf())));
    m.put("ENVIRONMENT", new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH, (param, path) -> {
      String value = System.getenv(param);
      return new Literal(value == null ? "-" : value);
    }));
  }

  private static CommandSpec string(Function<StreamInfo, String> f) {
    return CommandSpec.simple(new StringCommand(f));
  }

  private static CommandSpec number(ToLongFunction<StreamInfo> f) {
    return CommandSpec.simple(new NumberCommand(f));
  }

  /** The stream id: the request id the connection manager assigned, else the request's x-request-id. */
  static String streamId(StreamInfo info) {
    if (info.requestId != null) {
      return info.requestId.toString();
    }
    return info.requestHeaders == null ? null : info.requestHeaders.headers().get("x-request-id");
  }

  private static Function<StreamInfo, String> hostnameOf() {
    String name = null;
    try {
      name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      // not Linux: fall back below
    }
    if (name == null || name.isEmpty()) {
      name = System.getenv("HOSTNAME");
    }
    if (name == null || name.isEmpty()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        name = null;
      }
    }
    String hostname = name;
    return i -> hostname;
  }

  /** {@code %RESPONSE_FLAGS%}: flag names joined by commas, {@code -} when none is set. */
  private record Flags(boolean longNames) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      long flags = info.responseFlags;
      if (flags == 0) {
        out.append('-');
        return true;
      }
      boolean first = true;
      for (ResponseFlag f : FLAGS) {
        if ((flags & f.bit()) != 0) {
          if (!first) {
            out.append(',');
          }
          out.append(longNames ? f.longName() : f.shortName());
          first = false;
        }
      }
      return true;
    }
  }

  /**
   * Response code details (whitespace replaced by {@code _} unless {@code ALLOW_WHITESPACES}), or the upstream
   * transport failure reason (spaces replaced by {@code _}).
   */
  private record Underscored(boolean keepWhitespace, boolean details) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      String v = details ? info.responseCodeDetails : info.upstreamTransportFailureReason;
      if (v == null || v.isEmpty()) {
        return false;
      }
      if (keepWhitespace) {
        out.append(v);
        return true;
      }
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        boolean space = details ? (c == ' ' || c == '\t' || c == '\f' || c == 0x0b || c == '\n' || c == '\r')
            : c == ' ';
        out.append(space ? '_' : c);
      }
      return true;
    }
  }
}
