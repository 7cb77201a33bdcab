package dev.javoy.proxy.accesslog.format;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON format ({@code json_format}), as Envoy's JSON formatter: one JSON object per entry followed by a
 * newline, keys sorted. A string value holding a single command keeps its type (numbers unquoted, missing
 * values {@code null}); a string with several commands or text is a string with {@code -} for missing
 * values. Numbers, booleans and nulls of the format print as they are; nested objects and lists are allowed.
 * With {@code omit_empty_values}, keys whose single command has no value are left out. The skeleton is
 * rendered at config time; an entry only appends values and escapes them in place.
 */
public final class JsonFormatter implements SubstitutionFormatter {
  private final Node root;
  private final String contentType;

  private JsonFormatter(Node root, String contentType) {
    this.root = root;
    this.contentType = contentType;
  }

  /** @param path JSON path of the struct, for errors */
  public static JsonFormatter create(Struct format, boolean omitEmptyValues, String contentType, String path)
      throws ConfigException {
    return new JsonFormatter(new Builder(omitEmptyValues).object(format, path), contentType);
  }

  @Override
  public void format(StreamInfo info, String localReplyBody, StringBuilder out) {
    root.write(out, info, localReplyBody, false);
    out.append('\n');
  }

  @Override
  public String contentType() {
    return contentType;
  }

  /** A piece of the JSON document. */
  private interface Node {
    /**
     * Writes the value; returns false, having written nothing, when it is a missing value that
     * {@code omit_empty_values} leaves out of the enclosing object ({@code inObject}).
     */
    boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject);
  }

  /** JSON text fixed at config time. */
  private record Fixed(String json) implements Node {
    @Override
    public boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject) {
      out.append(json);
      return true;
    }
  }

  private record SingleCommand(FormatCommand command, boolean omitEmpty) implements Node {
    @Override
    public boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject) {
      int mark = out.length();
      if (command.numeric()) {
        if (command.append(out, info, body)) {
          return true;
        }
      } else {
        out.append('"');
        if (command.append(out, info, body)) {
          JsonText.escapeFrom(out, mark + 1);
          out.append('"');
          return true;
        }
        out.setLength(mark);
      }
      if (omitEmpty && inObject) {
        return false;
      }
      out.append("null");
      return true;
    }
  }

  private record StringTemplate(FormatCommand[] commands, boolean omitEmpty) implements Node {
    @Override
    public boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject) {
      out.append('"');
      int start = out.length();
      for (FormatCommand c : commands) {
        if (!c.append(out, info, body) && !omitEmpty) {
          out.append('-');
        }
      }
      JsonText.escapeFrom(out, start);
      out.append('"');
      return true;
    }
  }

  private record ObjectNode(String[] keys, Node[] values) implements Node {
    @Override
    public boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject) {
      out.append('{');
      boolean first = true;
      for (int i = 0; i < keys.length; i++) {
        int mark = out.length();
        if (!first) {
          out.append(',');
        }
        out.append(keys[i]);
        if (values[i].write(out, info, body, true)) {
          first = false;
        } else {
          out.setLength(mark);
        }
      }
      out.append('}');
      return true;
    }
  }

  private record ArrayNode(Node[] items) implements Node {
    @Override
    public boolean write(StringBuilder out, StreamInfo info, String body, boolean inObject) {
      out.append('[');
      for (int i = 0; i < items.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        items[i].write(out, info, body, false);
      }
      out.append(']');
      return true;
    }
  }

  private record Builder(boolean omitEmpty) {
    Node object(Struct s, String path) throws ConfigException {
      Map<String, Value> sorted = new TreeMap<>(s.getFieldsMap());
      String[] keys = new String[sorted.size()];
      Node[] values = new Node[sorted.size()];
      int i = 0;
      for (Map.Entry<String, Value> e : sorted.entrySet()) {
        keys[i] = JsonText.quote(e.getKey()) + ":";
        values[i] = value(e.getValue(), path + "." + e.getKey());
        i++;
      }
      return new ObjectNode(keys, values);
    }

    Node list(ListValue l, String path) throws ConfigException {
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < l.getValuesCount(); i++) {
        items.add(value(l.getValues(i), path + "[" + i + "]"));
      }
      return new ArrayNode(items.toArray(new Node[0]));
    }

    Node value(Value v, String path) throws ConfigException {
      switch (v.getKindCase()) {
        case STRUCT_VALUE:
          return object(v.getStructValue(), path);
        case LIST_VALUE:
          return list(v.getListValue(), path);
        case NUMBER_VALUE:
          return new Fixed(JsonText.number(v.getNumberValue()));
        case BOOL_VALUE:
          return new Fixed(v.getBoolValue() ? "true" : "false");
        case STRING_VALUE:
          return string(v.getStringValue(), path);
        default:
          return new Fixed("null");
      }
    }

    Node string(String s, String path) throws ConfigException {
      if (s.indexOf('%') < 0) {
        return new Fixed(JsonText.quote(s));
      }
      List<FormatCommand> commands = FormatParser.parse(s, path);
      if (commands.size() == 1) {
        FormatCommand only = commands.get(0);
        if (only instanceof Literal l) {
          return new Fixed(JsonText.quote(l.text()));
        }
        return new SingleCommand(only, omitEmpty);
      }
      return new StringTemplate(commands.toArray(new FormatCommand[0]), omitEmpty);
    }
  }
}
