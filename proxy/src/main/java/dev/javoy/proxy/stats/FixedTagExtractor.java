package dev.javoy.proxy.stats;

import java.util.BitSet;
import java.util.List;

/** A {@code stats_tags} entry with {@code fixed_value}: every stat gets the tag, the name is unchanged. */
final class FixedTagExtractor extends TagExtractor {
  private final String value;

  FixedTagExtractor(String name, String value) {
    super(name);
    this.value = value;
  }

  @Override
  String prefixToken() {
    return "";
  }

  @Override
  boolean extract(String statName, String[] tokens, List<Tag> tags, BitSet removed) {
    tags.add(new Tag(name(), value));
    return true;
  }
}
