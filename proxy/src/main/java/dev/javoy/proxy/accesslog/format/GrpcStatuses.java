package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * The gRPC status of a stream as Envoy infers it: {@code grpc-status} from the trailers, else from the
 * headers (trailers-only responses), else mapped from the HTTP status. Also {@code %GRPC_STATUS(FORMAT)%}
 * and {@code %GRPC_STATUS_NUMBER%}.
 */
public final class GrpcStatuses {
  /** What {@link #of} returns when there is no status at all. */
  public static final int NONE = -2;
  /** A {@code grpc-status} that is not a known code. */
  public static final int INVALID = -1;

  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final String[] CAMEL = {
    "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
    "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
    "Internal", "Unavailable", "DataLoss", "Unauthenticated"
  };
  private static final String[] SNAKE = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
  };

  private GrpcStatuses() {}

  /** The status code (0-16), {@link #INVALID}, or {@link #NONE}. */
  public static int of(StreamInfo info) {
    int s = fromHeaders(info.responseTrailers);
    if (s == NONE && info.responseHeaders != null) {
      s = fromHeaders(info.responseHeaders.headers());
    }
    if (s == NONE && info.responseCode != 0) {
      s = fromHttpStatus(info.responseCode);
    }
    return s;
  }

  private static int fromHeaders(HttpHeaders headers) {
    if (headers == null) {
      return NONE;
    }
    String v = headers.get(GRPC_STATUS);
    if (v == null) {
      return NONE;
    }
    try {
      int code = Integer.parseInt(v.trim());
      return code >= 0 && code <= 16 ? code : INVALID;
    } catch (NumberFormatException e) {
      return INVALID;
    }
  }

  /** gRPC's mapping of HTTP statuses to gRPC codes. */
  public static int fromHttpStatus(int httpStatus) {
    switch (httpStatus) {
      case 400:
        return 13; // Internal
      case 401:
        return 16; // Unauthenticated
      case 403:
        return 7; // PermissionDenied
      case 404:
        return 12; // Unimplemented
      case 429:
      case 502:
      case 503:
      case 504:
        return 14; // Unavailable
      default:
        return 2; // Unknown
    }
  }

  /** Whether the request is gRPC (its content-type is application/grpc, optionally with a suffix). */
  public static boolean isGrpcRequest(HttpRequest request) {
    if (request == null) {
      return false;
    }
    String ct = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (ct == null || !ct.startsWith("application/grpc")) {
      return false;
    }
    return ct.length() == 16 || ct.charAt(16) == '+' || ct.charAt(16) == ';';
  }

  static void register(Map<String, CommandSpec> m) {
    m.put("GRPC_STATUS", new CommandSpec(CommandSyntax.PARAMS_OPTIONAL, (param, path) -> {
      switch (param) {
        case "":
        case "CAMEL_STRING":
          return new Command(CAMEL);
        case "SNAKE_STRING":
          return new Command(SNAKE);
        case "NUMBER":
          return new Command(null);
        default:
          throw new ConfigException(path, "GRPC_STATUS only supports CAMEL_STRING, SNAKE_STRING or NUMBER");
      }
    }));
    m.put("GRPC_STATUS_NUMBER", CommandSpec.simple(new Command(null)));
  }

  /** @param names status names by code, or null for numbers */
  private record Command(String[] names) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      if (!isGrpcRequest(info.requestHeaders)) {
        return false;
      }
      int s = of(info);
      if (s == NONE) {
        return false;
      }
      if (names != null && s >= 0) {
        out.append(names[s]);
      } else {
        out.append(s);
      }
      return true;
    }

    @Override
    public boolean numeric() {
      return names == null;
    }
  }
}
