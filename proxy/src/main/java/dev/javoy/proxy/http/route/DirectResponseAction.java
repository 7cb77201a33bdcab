package dev.javoy.proxy.http.route;

/** {@code direct_response}: a fixed status and optional body. */
public record DirectResponseAction(int status, byte[] body) implements RouteAction {}
