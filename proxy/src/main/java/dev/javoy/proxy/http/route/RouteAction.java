package dev.javoy.proxy.http.route;

/** What a matched route does: forward to a cluster, redirect, or answer directly. */
public sealed interface RouteAction permits ClusterAction, DirectResponseAction, RedirectAction {}
