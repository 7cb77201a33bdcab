package dev.javoy.proxy.stats;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.metrics.v3.StatsConfig;
import io.envoyproxy.envoy.config.metrics.v3.StatsMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ListStringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Builds the stat inclusion predicate of {@code stats_config.stats_matcher}: {@code reject_all}, an
 * {@code inclusion_list} (only matching stats exist) or an {@code exclusion_list} (matching stats do not).
 * Matching is on the full stat name, with Envoy's {@code StringMatcher} semantics ({@code safe_regex} is RE2,
 * matched against the whole name).
 */
public final class StatsMatchers {
  private StatsMatchers() {}

  /** The predicate for {@link StatsStore}: true when the stat named by the argument is instantiated. */
  /** Every stat is instantiated (no {@code stats_matcher}); the store skips per-name tests for it. */
  public static final Predicate<String> INCLUDE_ALL = name -> true;

  public static Predicate<String> fromConfig(StatsConfig config) throws ConfigException {
    if (!config.hasStatsMatcher()) {
      return INCLUDE_ALL;
    }
    StatsMatcher m = config.getStatsMatcher();
    String path = "stats_config.stats_matcher";
    return switch (m.getStatsMatcherCase()) {
      case REJECT_ALL -> m.getRejectAll() ? name -> false : INCLUDE_ALL;
      case INCLUSION_LIST -> anyOf(m.getInclusionList(), path + ".inclusion_list");
      case EXCLUSION_LIST -> anyOf(m.getExclusionList(), path + ".exclusion_list").negate();
      case STATSMATCHER_NOT_SET -> INCLUDE_ALL;
    };
  }

  private static Predicate<String> anyOf(ListStringMatcher list, String path) throws ConfigException {
    List<Predicate<String>> matchers = new ArrayList<>(list.getPatternsCount());
    for (int i = 0; i < list.getPatternsCount(); i++) {
      matchers.add(matcher(list.getPatterns(i), path + ".patterns[" + i + "]"));
    }
    return name -> {
      for (Predicate<String> p : matchers) {
        if (p.test(name)) {
          return true;
        }
      }
      return false;
    };
  }

  /** One {@code envoy.type.matcher.v3.StringMatcher} as a predicate on a string. */
  static Predicate<String> matcher(StringMatcher m, String path) throws ConfigException {
    boolean ignoreCase = m.getIgnoreCase();
    switch (m.getMatchPatternCase()) {
      case EXACT: {
        String exact = m.getExact();
        return ignoreCase ? s -> s.equalsIgnoreCase(exact) : exact::equals;
      }
      case PREFIX: {
        String prefix = m.getPrefix();
        if (!ignoreCase) {
          return s -> s.startsWith(prefix);
        }
        return s -> s.regionMatches(true, 0, prefix, 0, prefix.length());
      }
      case SUFFIX: {
        String suffix = m.getSuffix();
        if (!ignoreCase) {
          return s -> s.endsWith(suffix);
        }
        return s -> s.length() >= suffix.length()
            && s.regionMatches(true, s.length() - suffix.length(), suffix, 0, suffix.length());
      }
      case CONTAINS: {
        if (!ignoreCase) {
          String contains = m.getContains();
          return s -> s.contains(contains);
        }
        String lower = m.getContains().toLowerCase(Locale.ROOT);
        return s -> s.toLowerCase(Locale.ROOT).contains(lower);
      }
      case SAFE_REGEX: {
        if (ignoreCase) {
          throw new ConfigException(path, "ignore_case has no effect for safe_regex.");
        }
        try {
          com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(m.getSafeRegex().getRegex());
          return s -> p.matches(s);
        } catch (com.google.re2j.PatternSyntaxException e) {
          throw new ConfigException(path + ".safe_regex.regex", "invalid regex: " + e.getMessage(), e);
        }
      }
      default:
        throw new ConfigException(path, "unsupported string matcher " + m.getMatchPatternCase());
    }
  }
}
