package dev.javoy.proxy.stats;

import java.util.BitSet;
import java.util.List;

/**
 * Finds one tag in a stat name (Envoy's {@code TagExtractor}). An extractor adds the tag it found to the tag
 * list and marks the characters of the name that the tag-extracted name leaves out.
 */
abstract sealed class TagExtractor permits RegexTagExtractor, TokenPatternTagExtractor, FixedTagExtractor {
  private final String name;

  TagExtractor(String name) {
    this.name = name;
  }

  /** The tag name, such as {@code envoy.cluster_name}. */
  final String name() {
    return name;
  }

  /**
   * The first dot-separated token every name this extractor can match starts with (such as {@code cluster}),
   * or the empty string when it may match any name. Envoy tries extractors without a prefix first, then those
   * whose prefix is the name's first token, which decides the order of the tags.
   */
  abstract String prefixToken();

  /**
   * Looks for the tag in {@code statName}.
   *
   * @param tokens {@code statName} split at dots
   * @param tags receives the tag when found
   * @param removed receives the character positions of {@code statName} to drop from the tag-extracted name
   * @return whether the tag was found
   */
  abstract boolean extract(String statName, String[] tokens, List<Tag> tags, BitSet removed);
}
