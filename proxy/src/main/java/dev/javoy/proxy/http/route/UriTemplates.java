package dev.javoy.proxy.http.route;

import com.google.protobuf.util.JsonFormat;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig;
import io.envoyproxy.envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code path_match_policy} ({@code envoy.path.match.uri_template}) and {@code path_rewrite_policy}
 * ({@code envoy.path.rewrite.uri_template}): a path template compiled once to an RE2 pattern with a named group
 * per variable. Template syntax: {@code /}-separated segments of literal text and operators — {@code *} (one
 * segment), {@code **} (zero or more segments; the last operator), {@code {name}} or {@code {name=*}} (one
 * segment, captured), {@code {name=a/*}} (several segments, captured), {@code {name=**}}. A rewrite template is
 * literal text and {@code {name}} references to the match template's variables; the query string is kept.
 */
final class UriTemplates {
  private static final String MATCH_TYPE =
      "type.googleapis.com/" + UriTemplateMatchConfig.getDescriptor().getFullName();
  private static final String REWRITE_TYPE =
      "type.googleapis.com/" + UriTemplateRewriteConfig.getDescriptor().getFullName();
  /** Characters of a path segment (RFC 3986 pchar, with percent-encoding). */
  private static final String SEGMENT_CHARS = "-._~%!$&'()+,;:@=A-Za-z0-9";
  private static final String ONE_SEGMENT = "[" + SEGMENT_CHARS + "]+";
  private static final String ANY_SEGMENTS = "[" + SEGMENT_CHARS + "/]*";
  private static final int MAX_VARIABLES = 5;
  private static final JsonFormat.TypeRegistry NO_TYPES = JsonFormat.TypeRegistry.getEmptyTypeRegistry();

  /** A compiled match template: its pattern and its variable names. */
  record Template(Pattern pattern, List<String> variables) {}

  private UriTemplates() {}

  static PathMatcher matcher(TypedExtensionConfig c, String path) throws ConfigException {
    Pattern p = template(c, path).pattern();
    return (uri, q) -> p.matches(q == uri.length() ? uri : uri.substring(0, q));
  }

  static PathRewrite rewrite(TypedExtensionConfig match, TypedExtensionConfig rewrite, String path)
      throws ConfigException {
    Template t = template(match, "");
    String rp = path + ".typed_config";
    UriTemplateRewriteConfig cfg = (UriTemplateRewriteConfig) TypedConfigs.unpack(rewrite.getTypedConfig(),
        UriTemplateRewriteConfig.getDefaultInstance(),
        checkType(rewrite, path, REWRITE_TYPE, "envoy.path.rewrite.uri_template"), NO_TYPES);
    FieldSupport.check(cfg, rp, Set.of("path_template_rewrite"));
    Object[] parts = rewriteParts(cfg.getPathTemplateRewrite(), t.variables(), rp + ".path_template_rewrite");
    Pattern pattern = t.pattern();
    return (uri, q) -> {
      Matcher m = pattern.matcher(q == uri.length() ? uri : uri.substring(0, q));
      if (!m.matches()) {
        return null;
      }
      StringBuilder out = new StringBuilder(uri.length());
      for (Object part : parts) {
        if (part instanceof Literal l) {
          out.append(l.text());
        } else {
          out.append(m.group((String) part));
        }
      }
      return out.append(uri, q, uri.length()).toString();
    };
  }

  private record Literal(String text) {}

  private static Template template(TypedExtensionConfig c, String path) throws ConfigException {
    String tp = path + ".typed_config";
    UriTemplateMatchConfig cfg = (UriTemplateMatchConfig) TypedConfigs.unpack(c.getTypedConfig(),
        UriTemplateMatchConfig.getDefaultInstance(), checkType(c, path, MATCH_TYPE, "envoy.path.match.uri_template"),
        NO_TYPES);
    FieldSupport.check(cfg, tp, Set.of("path_template"));
    return compile(cfg.getPathTemplate(), tp + ".path_template");
  }

  private static String checkType(TypedExtensionConfig c, String path, String type, String name)
      throws ConfigException {
    if (!c.hasTypedConfig()) {
      throw new ConfigException(path + ".typed_config", name + " needs a typed_config");
    }
    String url = TypedConfigs.typeUrlOf(c.getTypedConfig(), path + ".typed_config");
    if (!url.equals(type)) {
      throw new ConfigException(path + ".typed_config", "unsupported extension " + url + " (javoy has " + type + ")");
    }
    return path + ".typed_config";
  }

  /** Compiles a path template to an anchored RE2 pattern. */
  static Template compile(String template, String path) throws ConfigException {
    if (!template.startsWith("/") || template.length() > 256) {
      throw new ConfigException(path, "a path template must start with '/' and have at most 256 characters");
    }
    StringBuilder re = new StringBuilder();
    List<String> variables = new ArrayList<>();
    boolean sawGlob = false;
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (sawGlob && (c == '*' || c == '{')) {
        throw invalid(template, path, "'**' must be the last operator");
      }
      if (c == '{') {
        int close = template.indexOf('}', i);
        if (close < 0) {
          throw invalid(template, path, "unclosed '{'");
        }
        String body = template.substring(i + 1, close);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        if (!name.matches("[A-Za-z][A-Za-z0-9_]*") || variables.contains(name)) {
          throw invalid(template, path, "bad or repeated variable name '" + name + "'");
        }
        variables.add(name);
        if (variables.size() > MAX_VARIABLES) {
          throw invalid(template, path, "at most " + MAX_VARIABLES + " variables");
        }
        re.append("(?P<").append(name).append('>');
        sawGlob |= appendVariablePattern(eq < 0 ? "*" : body.substring(eq + 1), re, template, path);
        re.append(')');
        i = close + 1;
      } else if (c == '*') {
        boolean glob = i + 1 < template.length() && template.charAt(i + 1) == '*';
        re.append(glob ? ANY_SEGMENTS : ONE_SEGMENT);
        sawGlob = glob;
        i += glob ? 2 : 1;
      } else if (c == '/' || isSegmentChar(c)) {
        re.append(Pattern.quote(String.valueOf(c)));
        i++;
      } else {
        throw invalid(template, path, "character '" + c + "' is not allowed");
      }
    }
    return new Template(Pattern.compile(re.toString()), List.copyOf(variables));
  }

  /** Appends a variable's sub-pattern ({@code *}, {@code **}, literals, separated by '/'); true if it has {@code **}. */
  private static boolean appendVariablePattern(String sub, StringBuilder re, String template, String path)
      throws ConfigException {
    if (sub.isEmpty() || sub.startsWith("/") || sub.endsWith("/")) {
      throw invalid(template, path, "bad variable pattern '" + sub + "'");
    }
    String[] segments = sub.split("/", -1);
    for (int s = 0; s < segments.length; s++) {
      String seg = segments[s];
      if (s > 0) {
        re.append('/');
      }
      if (seg.equals("**")) {
        if (s != segments.length - 1) {
          throw invalid(template, path, "'**' must be the last operator");
        }
        re.append(ANY_SEGMENTS);
        return true;
      } else if (seg.equals("*")) {
        re.append(ONE_SEGMENT);
      } else {
        for (int k = 0; k < seg.length(); k++) {
          if (!isSegmentChar(seg.charAt(k))) {
            throw invalid(template, path, "bad variable pattern '" + sub + "'");
          }
        }
        re.append(Pattern.quote(seg));
      }
    }
    return false;
  }

  private static Object[] rewriteParts(String rewrite, List<String> variables, String path) throws ConfigException {
    if (!rewrite.startsWith("/")) {
      throw new ConfigException(path, "a rewrite template must start with '/'");
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < rewrite.length(); i++) {
      char c = rewrite.charAt(i);
      if (c == '{') {
        int close = rewrite.indexOf('}', i);
        String name = close < 0 ? "" : rewrite.substring(i + 1, close);
        if (!variables.contains(name)) {
          throw new ConfigException(path, "'" + rewrite + "' uses variable '" + name
              + "' that the match template does not define");
        }
        if (text.length() > 0) {
          parts.add(new Literal(text.toString()));
          text.setLength(0);
        }
        parts.add(name);
        i = close;
      } else if (c == '/' || isSegmentChar(c)) {
        text.append(c);
      } else {
        throw new ConfigException(path, "character '" + c + "' is not allowed in '" + rewrite + "'");
      }
    }
    if (text.length() > 0) {
      parts.add(new Literal(text.toString()));
    }
    return parts.toArray();
  }

  private static boolean isSegmentChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "-._~%!$&'()+,;:@=".indexOf(c) >= 0;
  }

  private static ConfigException invalid(String template, String path, String why) {
    return new ConfigException(path, "invalid path template '" + template + "': " + why);
  }
}
