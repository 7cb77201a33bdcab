package dev.javoy.proxy.config;

/**
 * A configuration problem, naming where it is: a JSON path into the bootstrap or xDS resource (such as
 * {@code static_resources.listeners[0].filter_chains[0].filters[0].typed_config}) and, for extensions, the type
 * URL. Its message is what {@code --mode validate} prints and what a NACK's {@code error_detail} carries.
 */
public class ConfigException extends Exception {
  private final String path;

  public ConfigException(String message) {
    this(null, message, null);
  }

  public ConfigException(String path, String message) {
    this(path, message, null);
  }

  public ConfigException(String path, String message, Throwable cause) {
    super(path == null || path.isEmpty() ? message : path + ": " + message, cause);
    this.path = path;
  }

  /** The JSON path of the offending field, or null when the problem is not at one field. */
  public String path() {
    return path;
  }

  /** The same problem found inside the field at {@code outer}: prepends it to the path. */
  public ConfigException under(String outer) {
    String inner = path != null && path.startsWith(".") ? path.substring(1) : path;
    String p = inner == null || inner.isEmpty() ? outer : outer + (inner.startsWith("[") ? "" : ".") + inner;
    String bare = path == null || path.isEmpty() ? getMessage() : getMessage().substring(path.length() + 2);
    return new ConfigException(p, bare, getCause());
  }
}
