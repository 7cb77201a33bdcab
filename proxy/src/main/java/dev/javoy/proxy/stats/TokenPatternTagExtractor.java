package dev.javoy.proxy.stats;

import java.util.BitSet;
import java.util.List;

/**
 * A default tag extractor written as a dot-token pattern instead of a regex (Envoy's tokenized descriptors):
 * {@code cluster.$.**} takes the token after {@code cluster} as the tag value. In a pattern, {@code $} is the
 * value (exactly one), {@code *} is any one token, {@code **} is one or more tokens at the end of the pattern
 * and zero or more elsewhere, anything else must equal the name's token.
 */
final class TokenPatternTagExtractor extends TagExtractor {
  private final String[] pattern;
  private final int valueIndex;
  private final String prefix;

  TokenPatternTagExtractor(String name, String pattern) {
    super(name);
    this.pattern = pattern.split("\\.", -1);
    int v = -1;
    for (int i = 0; i < this.pattern.length; i++) {
      if (this.pattern[i].equals("$")) {
        v = i;
      }
    }
    if (v < 0) {
      throw new IllegalArgumentException("token pattern without $: " + pattern);
    }
    this.valueIndex = v;
    String first = this.pattern[0];
    this.prefix = first.equals("$") || first.equals("*") || first.equals("**") ? "" : first;
  }

  @Override
  String prefixToken() {
    return prefix;
  }

  @Override
  boolean extract(String statName, String[] tokens, List<Tag> tags, BitSet removed) {
    int[] found = new int[2]; // token index of the value, character index where it starts
    if (!matches(tokens, 0, 0, 0, found)) {
      return false;
    }
    String value = tokens[found[0]];
    int start = found[1];
    int end = start + value.length();
    if (found[0] < tokens.length - 1) {
      end++; // the dot after the value: "cluster.x.y" -> "cluster.y"
    } else if (start > 0) {
      start--; // the value is the last token: drop the dot before it
    }
    tags.add(new Tag(name(), value));
    removed.set(start, end);
    return true;
  }

  private boolean matches(String[] tokens, int t, int p, int charIndex, int[] found) {
    for (; t < tokens.length && p < pattern.length; t++, p++) {
      String expected = pattern[p];
      if (p == valueIndex) {
        found[0] = t;
        found[1] = charIndex;
      } else if (expected.equals("**")) {
        if (p == pattern.length - 1) {
          return true; // swallows the remaining (at least one) tokens
        }
        for (int from = t; from < tokens.length; from++) {
          if (matches(tokens, from, p + 1, charIndex, found)) {
            return true;
          }
          charIndex += tokens[from].length() + 1;
        }
        return false;
      } else if (!expected.equals("*") && !expected.equals(tokens[t])) {
        return false;
      }
      charIndex += tokens[t].length() + 1;
    }
    return p == pattern.length && t == tokens.length;
  }
}
