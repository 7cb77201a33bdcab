package dev.javoy.proxy.admin;

import java.nio.charset.StandardCharsets;

/**
 * An admin response: status, content type, body, and work to run once the response is written (such as
 * shutting down after {@code /quitquitquit} answered).
 */
public record AdminResponse(int status, String contentType, byte[] body, Runnable afterSend) {
  public static final String TEXT = "text/plain; charset=UTF-8";
  public static final String JSON = "application/json";
  public static final String HTML = "text/html; charset=UTF-8";

  public static AdminResponse text(int status, String body) {
    return new AdminResponse(status, TEXT, body.getBytes(StandardCharsets.UTF_8), null);
  }

  public static AdminResponse ok(String body) {
    return text(200, body);
  }

  public static AdminResponse json(String body) {
    return new AdminResponse(200, JSON, body.getBytes(StandardCharsets.UTF_8), null);
  }

  public static AdminResponse html(String body) {
    return new AdminResponse(200, HTML, body.getBytes(StandardCharsets.UTF_8), null);
  }

  /** The same response, running {@code task} after it is sent. */
  public AdminResponse then(Runnable task) {
    return new AdminResponse(status, contentType, body, task);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
