package dev.javoy.proxy.stats;

import java.util.BitSet;
import java.util.List;

/**
 * A tag extractor defined by a regex: the first capture group is removed from the name, the second (or the
 * first, when there is no second) is the tag value. Envoy's default extractors use RE2 with
 * {@code PartialMatch} and need a non-empty first group; {@code stats_tags} regexes from the bootstrap use
 * {@code std::regex} ({@code regex_search}) where any match with a group counts. Both search the name
 * (the regex is not anchored unless it says so).
 */
final class RegexTagExtractor extends TagExtractor {
  private final String prefix;
  private final String substr;
  private final String negativeMatch;
  private final boolean envoyDefault;
  private final com.google.re2j.Pattern re2;
  private final java.util.regex.Pattern ecma;

  private RegexTagExtractor(String name, String regex, String substr, String negativeMatch,
      com.google.re2j.Pattern re2, java.util.regex.Pattern ecma) {
    super(name);
    this.prefix = regexPrefix(regex);
    this.substr = substr;
    this.negativeMatch = negativeMatch;
    this.envoyDefault = re2 != null;
    this.re2 = re2;
    this.ecma = ecma;
  }

  /** One of Envoy's built-in extractors (RE2 semantics). */
  static RegexTagExtractor envoyDefault(String name, String regex, String substr, String negativeMatch) {
    return new RegexTagExtractor(name, regex, substr, negativeMatch, com.google.re2j.Pattern.compile(regex),
        null);
  }

  /** A {@code stats_tags} regex from the bootstrap ({@code std::regex} semantics, see {@link EcmaRegex}). */
  static RegexTagExtractor fromConfig(String name, String regex) {
    return new RegexTagExtractor(name, regex, "", "", null, EcmaRegex.compile(regex));
  }

  @Override
  String prefixToken() {
    return prefix;
  }

  @Override
  boolean extract(String statName, String[] tokens, List<Tag> tags, BitSet removed) {
    if (!substr.isEmpty() && !statName.contains(substr)) {
      return false;
    }
    int removeStart;
    int removeEnd;
    String value;
    if (envoyDefault) {
      com.google.re2j.Matcher m = re2.matcher(statName);
      if (!m.find() || m.groupCount() < 1 || m.start(1) < 0 || m.start(1) == m.end(1)) {
        return false;
      }
      removeStart = m.start(1);
      removeEnd = m.end(1);
      String second = m.groupCount() >= 2 ? m.group(2) : null;
      value = second == null || second.isEmpty() ? m.group(1) : second;
      if (!negativeMatch.isEmpty() && negativeMatch.equals(value)) {
        return false;
      }
    } else {
      java.util.regex.Matcher m = ecma.matcher(statName);
      if (!m.find() || m.groupCount() < 1) {
        return false;
      }
      removeStart = Math.max(m.start(1), 0);
      removeEnd = Math.max(m.end(1), 0);
      String v = m.groupCount() >= 2 ? m.group(2) : m.group(1);
      value = v == null ? "" : v;
    }
    tags.add(new Tag(name(), value));
    removed.set(removeStart, removeEnd);
    return true;
  }

  /**
   * The literal first token a regex anchors on, as Envoy's {@code extractRegexPrefix}: {@code ^cluster\.}
   * and {@code ^listener(?=\.)} give {@code cluster} and {@code listener}; anything else gives "".
   */
  static String regexPrefix(String regex) {
    if (!regex.startsWith("^")) {
      return "";
    }
    for (int i = 1; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (Character.isLetterOrDigit(c) && c < 128 || c == '_') {
        continue;
      }
      if (i > 1) {
        boolean last = i == regex.length() - 1;
        String rest = regex.substring(i);
        if ((!last && (rest.startsWith("\\.") || rest.startsWith("(?=\\.)"))) || (last && c == '$')) {
          return regex.substring(1, i);
        }
      }
      return "";
    }
    return "";
  }
}
