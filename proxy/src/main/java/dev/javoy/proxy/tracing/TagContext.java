package dev.javoy.proxy.tracing;

import dev.javoy.proxy.http.route.Route;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.ClusterManager;
import io.netty.handler.codec.http.HttpHeaders;

/** What a custom tag may read when the span is finalized (Envoy's {@code CustomTagContext}). */
record TagContext(HttpHeaders requestHeaders, StreamInfo info, Route route, ClusterManager clusters) {}
