package dev.javoy.proxy.stats;

import java.util.List;

/**
 * A stat name split by tag extraction: {@code cluster.backend.upstream_rq_200} is the tag-extracted name
 * {@code cluster.upstream_rq} with tags {@code envoy.response_code=200} and {@code envoy.cluster_name=backend},
 * in the order Envoy's tag producer finds them.
 */
public record TaggedName(String tagExtractedName, List<Tag> tags) {
  public TaggedName {
    tags = List.copyOf(tags);
  }
}
