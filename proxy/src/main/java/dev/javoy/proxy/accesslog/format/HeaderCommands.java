package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.Map;

/**
 * {@code %REQ(X?Y):Z%}, {@code %RESP(X?Y):Z%}, {@code %TRAILER(X?Y):Z%} (and their newer names
 * {@code REQUEST_HEADER}, {@code RESPONSE_HEADER}, {@code RESPONSE_TRAILER}), and the
 * {@code envoy.formatter.req_without_query} extension's {@code %REQ_WITHOUT_QUERY(X?Y):Z%}: the first value of
 * header X, else of Y.
 */
final class HeaderCommands {
  private HeaderCommands() {}

  static void register(Map<String, CommandSpec> m) {
    CommandSpec request = new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH,
        (param, path) -> requestCommand(param, path, false));
    m.put("REQ", request);
    m.put("REQUEST_HEADER", request);
    m.put("REQ_WITHOUT_QUERY", new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH,
        (param, path) -> requestCommand(param, path, true)));
    CommandSpec response = new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH, (param, path) -> {
      String[] names = headerNames(param, path);
      return new ResponseHeader(AsciiString.cached(names[0]),
          names[1] == null ? null : AsciiString.cached(names[1]));
    });
    m.put("RESP", response);
    m.put("RESPONSE_HEADER", response);
    CommandSpec trailer = new CommandSpec(CommandSyntax.PARAMS_REQUIRED_LENGTH, (param, path) -> {
      String[] names = headerNames(param, path);
      return new ResponseTrailer(AsciiString.cached(names[0]),
          names[1] == null ? null : AsciiString.cached(names[1]));
    });
    m.put("TRAILER", trailer);
    m.put("RESPONSE_TRAILER", trailer);
  }

  private static FormatCommand requestCommand(String param, String path, boolean stripQuery)
      throws ConfigException {
    String[] names = headerNames(param, path);
    return new RequestHeader(RequestHeaders.reader(names[0]),
        names[1] == null ? null : RequestHeaders.reader(names[1]), stripQuery);
  }

  /** Splits {@code X?Y} into the lower-cased main and alternative header (null when absent). */
  static String[] headerNames(String param, String path) throws ConfigException {
    String[] parts = param.split("\\?", -1);
    if (parts.length > 2) {
      throw new ConfigException(path, "more than 1 alternative header specified in '" + param + "'");
    }
    String main = parts[0].toLowerCase(Locale.ROOT);
    String alt = parts.length == 2 && !parts[1].isEmpty() ? parts[1].toLowerCase(Locale.ROOT) : null;
    return new String[] {main, alt};
  }

  private static final AsciiString STATUS = AsciiString.cached(":status");

  private record RequestHeader(RequestHeaders.Reader main, RequestHeaders.Reader alt, boolean stripQuery)
      implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      HttpRequest request = info.requestHeaders;
      if (request == null) {
        return false;
      }
      String v = main.first(request);
      if (v == null && alt != null) {
        v = alt.first(request);
      }
      if (v == null) {
        return false;
      }
      int end = stripQuery && v.indexOf('?') >= 0 ? v.indexOf('?') : v.length();
      out.append(v, 0, end);
      return true;
    }
  }

  /** A response header; {@code :status} reads the status line, other pseudo-headers are absent. */
  private record ResponseHeader(AsciiString main, AsciiString alt) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      HttpResponse response = info.responseHeaders;
      if (response == null) {
        return false;
      }
      String v = value(response, main);
      if (v == null && alt != null) {
        v = value(response, alt);
      }
      if (v == null) {
        return false;
      }
      out.append(v);
      return true;
    }

    private static String value(HttpResponse response, AsciiString name) {
      if (name.length() > 0 && name.charAt(0) == ':') {
        return name.contentEquals(STATUS) ? Integer.toString(response.status().code()) : null;
      }
      return response.headers().get(name);
    }
  }

  private record ResponseTrailer(AsciiString main, AsciiString alt) implements FormatCommand {
    @Override
    public boolean append(StringBuilder out, StreamInfo info, String localReplyBody) {
      HttpHeaders trailers = info.responseTrailers;
      if (trailers == null) {
        return false;
      }
      String v = trailers.get(main);
      if (v == null && alt != null) {
        v = trailers.get(alt);
      }
      if (v == null) {
        return false;
      }
      out.append(v);
      return true;
    }
  }
}
