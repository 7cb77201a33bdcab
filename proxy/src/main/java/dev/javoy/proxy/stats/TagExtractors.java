package dev.javoy.proxy.stats;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.metrics.v3.StatsConfig;
import io.envoyproxy.envoy.config.metrics.v3.TagSpecifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.PatternSyntaxException;

/**
 * Splits stat names into a tag-extracted name and tags (Envoy's {@code TagProducer}), as configured by
 * {@code stats_config.use_all_default_tags} and {@code stats_config.stats_tags}. The result for a name is
 * computed once and cached, so a scrape only looks it up.
 *
 * <p>Order matters and follows Envoy: extractors that may match any name run first, then those whose literal
 * first token equals the name's first token, each group in configuration order (defaults before
 * {@code stats_tags}). When several extractors share a tag name, only the first that matches adds the tag.
 * Every extractor looks at the original name; the characters they mark are removed at the end.
 */
public final class TagExtractors {
  private final List<TagExtractor> withoutPrefix = new ArrayList<>();
  private final Map<String, List<TagExtractor>> byPrefix = new HashMap<>();
  private final Set<String> sharedNames = new HashSet<>();
  private final Map<String, TaggedName> cache = new ConcurrentHashMap<>();

  private TagExtractors(List<TagExtractor> extractors) {
    Map<String, Integer> countByName = new HashMap<>();
    for (TagExtractor e : extractors) {
      if (countByName.merge(e.name(), 1, Integer::sum) > 1) {
        sharedNames.add(e.name());
      }
      String prefix = e.prefixToken();
      if (prefix.isEmpty()) {
        withoutPrefix.add(e);
      } else {
        byPrefix.computeIfAbsent(prefix, p -> new ArrayList<>()).add(e);
      }
    }
  }

  /** Envoy's default extractors only (a bootstrap without {@code stats_config}). */
  public static TagExtractors defaults() {
    return new TagExtractors(DefaultTagExtractors.all());
  }

  /** No extraction: every name is its own tag-extracted name. */
  public static TagExtractors none() {
    return new TagExtractors(List.of());
  }

  /** The extractors of a bootstrap's {@code stats_config}. */
  public static TagExtractors fromConfig(StatsConfig config) throws ConfigException {
    List<TagExtractor> extractors = new ArrayList<>();
    if (!config.hasUseAllDefaultTags() || config.getUseAllDefaultTags().getValue()) {
      extractors.addAll(DefaultTagExtractors.all());
    }
    for (int i = 0; i < config.getStatsTagsCount(); i++) {
      TagSpecifier spec = config.getStatsTags(i);
      String path = "stats_config.stats_tags[" + i + "]";
      String name = spec.getTagName();
      if (name.isEmpty()) {
        throw new ConfigException(path + ".tag_name", "tag_name cannot be empty");
      }
      if (spec.getTagValueCase() == TagSpecifier.TagValueCase.FIXED_VALUE) {
        extractors.add(new FixedTagExtractor(name, spec.getFixedValue()));
      } else if (spec.getRegex().isEmpty()) {
        List<TagExtractor> named = DefaultTagExtractors.named(name);
        if (named.isEmpty()) {
          throw new ConfigException(path,
              "No regex specified for tag specifier and no default regex for name: '" + name + "'");
        }
        extractors.addAll(named);
      } else {
        try {
          extractors.add(RegexTagExtractor.fromConfig(name, spec.getRegex()));
        } catch (PatternSyntaxException e) {
          throw new ConfigException(path + ".regex",
              "Invalid regex '" + spec.getRegex() + "': " + e.getDescription(), e);
        }
      }
    }
    return new TagExtractors(extractors);
  }

  /** The tag-extracted name and tags of {@code stat}. */
  public TaggedName tagged(Stat stat) {
    TaggedName fixed = stat.fixedTags;
    if (fixed != null) {
      return fixed;
    }
    return tagged(stat.name());
  }

  /** The tag-extracted name and tags of {@code statName} (computed once per name). */
  public TaggedName tagged(String statName) {
    TaggedName t = cache.get(statName);
    if (t == null) {
      t = extract(statName);
      TaggedName raced = cache.putIfAbsent(statName, t);
      if (raced != null) {
        t = raced;
      }
    }
    return t;
  }

  private TaggedName extract(String statName) {
    String[] tokens = statName.split("\\.", -1);
    List<Tag> tags = new ArrayList<>(2);
    BitSet removed = new BitSet(statName.length());
    Set<String> found = sharedNames.isEmpty() ? Set.of() : new HashSet<>();
    for (TagExtractor e : withoutPrefix) {
      apply(e, statName, tokens, tags, removed, found);
    }
    int dot = statName.indexOf('.');
    if (dot >= 0) {
      List<TagExtractor> forPrefix = byPrefix.get(statName.substring(0, dot));
      if (forPrefix != null) {
        for (TagExtractor e : forPrefix) {
          apply(e, statName, tokens, tags, removed, found);
        }
      }
    }
    if (removed.isEmpty()) {
      return new TaggedName(statName, tags);
    }
    StringBuilder sb = new StringBuilder(statName.length());
    for (int i = 0; i < statName.length(); i++) {
      if (!removed.get(i)) {
        sb.append(statName.charAt(i));
      }
    }
    return new TaggedName(sb.toString(), tags);
  }

  private void apply(TagExtractor e, String statName, String[] tokens, List<Tag> tags, BitSet removed,
      Set<String> found) {
    boolean shared = sharedNames.contains(e.name());
    if (shared && found.contains(e.name())) {
      return;
    }
    if (e.extract(statName, tokens, tags, removed) && shared) {
      found.add(e.name());
    }
  }
}
