package dev.javoy.proxy.admin;

import java.util.List;

/**
 * One admin path, as listed by {@code /help}: exact path, help text, whether it changes server state (and so
 * requires POST), its documented parameters and the handler.
 */
public record AdminEndpoint(String path, String help, boolean mutatesState, List<Param> params, Handler handler) {
  /** A documented query parameter; {@code choices} is non-empty for an enum parameter. */
  public record Param(String name, String help, List<String> choices) {
    public static Param of(String name, String help) {
      return new Param(name, help, List.of());
    }

    public static Param oneOf(String name, String help, String... choices) {
      return new Param(name, help, List.of(choices));
    }
  }

  /** Produces the response of a request; runs on the admin event loop and must not block. */
  @FunctionalInterface
  public interface Handler {
    AdminResponse handle(AdminRequest request) throws Exception;
  }

  public static AdminEndpoint get(String path, String help, Handler handler, Param... params) {
    return new AdminEndpoint(path, help, false, List.of(params), handler);
  }

  public static AdminEndpoint post(String path, String help, Handler handler, Param... params) {
    return new AdminEndpoint(path, help, true, List.of(params), handler);
  }
}
