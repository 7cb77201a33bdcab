package dev.javoy.proxy.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.stats.StatNumbers;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import java.util.function.Supplier;

/**
 * Prints protos as JSON the way Envoy's admin does (C++ protobuf with {@code preserve_proto_field_names} and,
 * for some endpoints, {@code always_print_primitive_fields}): snake_case field names, map keys sorted,
 * pretty-printed with one space of indentation and {@code "key": value}, doubles without a trailing
 * {@code .0}, and none of the HTML-safe escapes ({@code \u003d}) that Java's printer adds.
 */
final class ProtoJson {
  private final Supplier<JsonFormat.TypeRegistry> registry;

  /** @param registry the types {@code Any} fields may hold, asked for on every print (it may grow) */
  ProtoJson(Supplier<JsonFormat.TypeRegistry> registry) {
    this.registry = registry;
  }

  /**
   * Loads and initializes the JSON printer (its first use costs class loading and initialization that can
   * take a second on a busy machine); call it off the event loop, before serving.
   */
  static void warmUp() {
    try {
      reformat(JsonFormat.printer().preservingProtoFieldNames().sortingMapKeys().includingDefaultValueFields()
          .omittingInsignificantWhitespace().print(ServerInfo.getDefaultInstance()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Pretty JSON plus a trailing newline. */
  String pretty(MessageOrBuilder message, boolean alwaysPrintPrimitiveFields)
      throws InvalidProtocolBufferException {
    JsonFormat.Printer printer = JsonFormat.printer().usingTypeRegistry(registry.get()).preservingProtoFieldNames()
        .sortingMapKeys().omittingInsignificantWhitespace();
    if (alwaysPrintPrimitiveFields) {
      printer = printer.includingDefaultValueFields();
    }
    return reformat(printer.print(message)) + "\n";
  }

  /** Re-indents compact JSON as C++ protobuf's pretty printer does. */
  static String reformat(String compact) {
    StringBuilder out = new StringBuilder(compact.length() * 2);
    int depth = 0;
    int i = 0;
    int n = compact.length();
    while (i < n) {
      char c = compact.charAt(i);
      switch (c) {
        case '"' -> i = copyString(compact, i, out);
        case '{', '[' -> {
          char close = c == '{' ? '}' : ']';
          if (i + 1 < n && compact.charAt(i + 1) == close) {
            out.append(c).append(close);
            i += 2;
          } else {
            depth++;
            out.append(c).append('\n');
            indent(out, depth);
            i++;
          }
        }
        case '}', ']' -> {
          depth--;
          out.append('\n');
          indent(out, depth);
          out.append(c);
          i++;
        }
        case ',' -> {
          out.append(",\n");
          indent(out, depth);
          i++;
        }
        case ':' -> {
          out.append(": ");
          i++;
        }
        default -> {
          int end = i;
          while (end < n && "{}[],:\"".indexOf(compact.charAt(end)) < 0) {
            end++;
          }
          out.append(number(compact.substring(i, end)));
          i = end;
        }
      }
    }
    return out.toString();
  }

  private static void indent(StringBuilder out, int depth) {
    for (int d = 0; d < depth; d++) {
      out.append(' ');
    }
  }

  /** Copies the JSON string starting at {@code start}, undoing Java's HTML-safe escapes; returns the next index. */
  private static int copyString(String s, int start, StringBuilder out) {
    out.append('"');
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (s.startsWith("u00", i + 1) && i + 6 <= s.length()) {
          String hex = s.substring(i + 4, i + 6);
          char decoded = switch (hex) {
            case "3d" -> '=';
            case "3c" -> '<';
            case "3e" -> '>';
            case "26" -> '&';
            case "27" -> '\'';
            default -> 0;
          };
          if (decoded != 0) {
            out.append(decoded);
            i += 6;
            continue;
          }
        }
        out.append(c).append(s.charAt(i + 1));
        i += 2;
      } else if (c == '"') {
        out.append('"');
        return i + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return i;
  }

  /** A bare JSON token: numbers as C++ prints doubles ({@code 1}, {@code 1e+20}); true/false/null unchanged. */
  private static String number(String token) {
    if (token.isEmpty() || !(Character.isDigit(token.charAt(0)) || token.charAt(0) == '-')) {
      return token;
    }
    if (token.indexOf('.') < 0 && token.indexOf('E') < 0 && token.indexOf('e') < 0) {
      return token; // integers (int32/uint32) print the same
    }
    try {
      return StatNumbers.shortest(Double.parseDouble(token), 15);
    } catch (NumberFormatException e) {
      return token;
    }
  }
}
