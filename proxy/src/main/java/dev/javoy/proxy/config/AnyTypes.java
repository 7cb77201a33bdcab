package dev.javoy.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;

/**
 * The message types an {@code Any} in JSON config may hold, for a parse: a registry that covers every
 * {@code "@type"} in the tree about to be parsed. Lets the registry build protobuf descriptors only for the types
 * a config names (building every extension's descriptors costs about as much as the rest of start-up).
 */
@FunctionalInterface
public interface AnyTypes {
  /** A registry holding at least every type named by an {@code "@type"} in {@code tree} that javoy knows. */
  JsonFormat.TypeRegistry covering(JsonNode tree);

  /** Always {@code registry}, whatever the tree. */
  static AnyTypes fixed(JsonFormat.TypeRegistry registry) {
    return tree -> registry;
  }
}
