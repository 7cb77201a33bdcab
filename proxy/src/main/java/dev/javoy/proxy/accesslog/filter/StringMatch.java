package dev.javoy.proxy.accesslog.filter;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * A compiled {@code envoy.type.matcher.v3.StringMatcher}: exact, prefix, suffix, contains (optionally ignoring
 * ASCII case) or safe_regex (RE2 syntax, matching the whole value).
 */
public abstract sealed class StringMatch {
  /** Whether {@code value} matches. */
  public abstract boolean matches(String value);

  public static StringMatch of(StringMatcher m, String path) throws ConfigException {
    boolean ic = m.getIgnoreCase();
    switch (m.getMatchPatternCase()) {
      case EXACT:
        return new Affix(m.getExact(), Affix.EXACT, ic);
      case PREFIX:
        return new Affix(m.getPrefix(), Affix.PREFIX, ic);
      case SUFFIX:
        return new Affix(m.getSuffix(), Affix.SUFFIX, ic);
      case CONTAINS:
        return new Affix(m.getContains(), Affix.CONTAINS, ic);
      case SAFE_REGEX:
        return regex(m.getSafeRegex(), path + ".safe_regex");
      case CUSTOM:
        throw new ConfigException(path + ".custom", "custom string matchers are not supported");
      default:
        throw new ConfigException(path, "a string matcher needs one of exact, prefix, suffix, contains or "
            + "safe_regex");
    }
  }

  /** Compiles a {@code RegexMatcher} (whole-value match). */
  public static StringMatch regex(RegexMatcher m, String path) throws ConfigException {
    try {
      return new Regex(Pattern.compile(m.getRegex()));
    } catch (PatternSyntaxException e) {
      throw new ConfigException(path + ".regex", "invalid regex '" + m.getRegex() + "': " + e.getMessage());
    }
  }

  /** Exact, prefix, suffix or contains. */
  static final class Affix extends StringMatch {
    static final int EXACT = 0, PREFIX = 1, SUFFIX = 2, CONTAINS = 3;

    private final String pattern;
    private final int kind;
    private final boolean ignoreCase;

    Affix(String pattern, int kind, boolean ignoreCase) {
      this.pattern = pattern;
      this.kind = kind;
      this.ignoreCase = ignoreCase;
    }

    @Override
    public boolean matches(String v) {
      int n = pattern.length();
      switch (kind) {
        case EXACT:
          return v.length() == n && v.regionMatches(ignoreCase, 0, pattern, 0, n);
        case PREFIX:
          return v.regionMatches(ignoreCase, 0, pattern, 0, n);
        case SUFFIX:
          return v.length() >= n && v.regionMatches(ignoreCase, v.length() - n, pattern, 0, n);
        default:
          for (int i = 0; i + n <= v.length(); i++) {
            if (v.regionMatches(ignoreCase, i, pattern, 0, n)) {
              return true;
            }
          }
          return false;
      }
    }
  }

  static final class Regex extends StringMatch {
    private final Pattern pattern;

    Regex(Pattern pattern) {
      this.pattern = pattern;
    }

    @Override
    public boolean matches(String v) {
      return pattern.matches(v);
    }
  }
}
