package dev.javoy.proxy.http.route;

/** What a matched route does: forward to a cluster, or answer directly. */
public sealed interface RouteAction permits ClusterAction, DirectResponseAction {}
