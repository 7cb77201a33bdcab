package dev.javoy.proxy.http.route;

import java.nio.charset.StandardCharsets;

/**
 * {@code direct_response}: a fixed status and optional body.
 *
 * @param bodyText the body as text (decoded once), "" without a body
 */
public record DirectResponseAction(int status, byte[] body, String bodyText) implements RouteAction {
  public DirectResponseAction(int status, byte[] body) {
    this(status, body, body == null ? "" : new String(body, StandardCharsets.UTF_8));
  }
}
