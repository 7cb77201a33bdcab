package dev.javoy.proxy.stats;

/** One tag of a stat (Envoy's {@code Stats::Tag}), such as {@code envoy.cluster_name=backend}. */
public record Tag(String name, String value) {}
