package dev.javoy.proxy.http.route;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A compiled {@code RegexMatchAndSubstitute}: every match of the RE2 pattern is replaced by the substitution,
 * in which {@code \0}..{@code \9} stand for capture groups and {@code \\} for a backslash (RE2's rewrite
 * syntax, checked against the pattern's group count at config time).
 */
public final class RegexRewrite {
  private final Pattern pattern;
  /** The substitution: String literals and Integer group numbers, in order. */
  private final Object[] parts;

  private RegexRewrite(Pattern pattern, Object[] parts) {
    this.pattern = pattern;
    this.parts = parts;
  }

  static RegexRewrite of(RegexMatchAndSubstitute m, String path) throws ConfigException {
    FieldSupport.check(m, path, Set.of("pattern", "substitution"));
    if (!m.hasPattern()) {
      throw new ConfigException(path + ".pattern", "a regex rewrite needs a pattern");
    }
    Pattern p = RouteTableFactory.regex(m.getPattern(), path + ".pattern", true);
    return new RegexRewrite(p, parseSubstitution(m.getSubstitution(), p.groupCount(), path + ".substitution"));
  }

  private static Object[] parseSubstitution(String s, int groups, String path) throws ConfigException {
    List<Object> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        text.append(c);
        continue;
      }
      char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
      if (next == '\\') {
        text.append('\\');
      } else if (next >= '0' && next <= '9') {
        int group = next - '0';
        if (group > groups) {
          throw new ConfigException(path, "substitution '" + s + "' refers to group " + group
              + " but the pattern has only " + groups + " capture group(s)");
        }
        if (text.length() > 0) {
          parts.add(text.toString());
          text.setLength(0);
        }
        parts.add(group);
      } else {
        throw new ConfigException(path, "invalid rewrite pattern '" + s + "': a backslash must be followed by "
            + "a digit or a backslash");
      }
      i++;
    }
    if (text.length() > 0) {
      parts.add(text.toString());
    }
    return parts.toArray();
  }

  /** {@code input} with every match replaced. */
  public String replaceAll(String input) {
    Matcher m = pattern.matcher(input);
    if (!m.find()) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length() + 16);
    int last = 0;
    do {
      out.append(input, last, m.start());
      for (Object part : parts) {
        if (part instanceof String s) {
          out.append(s);
        } else {
          String g = m.group((Integer) part);
          if (g != null) {
            out.append(g);
          }
        }
      }
      last = m.end();
    } while (last <= input.length() && m.find());
    out.append(input, last, input.length());
    return out.toString();
  }
}
