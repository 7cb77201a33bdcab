package dev.javoy.proxy.admin;

import dev.javoy.proxy.log.Log;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin paths and the dispatch between them, as Envoy's {@code AdminImpl}: a request goes to the endpoint
 * whose path equals the request path; a state-changing endpoint answers anything but POST with 405
 * {@code Method GET not allowed, POST required.}; an unknown path answers 404 {@code invalid path. } followed
 * by the help text. {@code /} is an HTML index and {@code /help} the plain-text list.
 */
final class AdminEndpoints {
  private static final Logger LOG = Log.get("admin");

  private final Map<String, AdminEndpoint> byPath = new ConcurrentHashMap<>();

  AdminEndpoints(AdminBackend backend) {
    ProtoJson json = new ProtoJson(backend::typeRegistry);
    add(AdminEndpoint.get("/", "Admin home page", r -> AdminResponse.html(homePage())));
    add(AdminEndpoint.get("/help", "print out list of admin commands", r -> AdminResponse.ok(help())));
    add(new ConfigDumpEndpoint(backend, json).endpoint());
    add(new LoggingEndpoint(backend).endpoint());
    new ServerEndpoints(backend, json).endpoints().forEach(this::add);
    new StatsEndpoints(backend).endpoints().forEach(this::add);
    new UpstreamEndpoints(backend, json).endpoints().forEach(this::add);
    new RuntimeEndpoints(backend, json).endpoints().forEach(this::add);
  }

  /** Adds an endpoint; false when the path is taken (Envoy's {@code addHandler}). */
  boolean add(AdminEndpoint endpoint) {
    return byPath.putIfAbsent(endpoint.path(), endpoint) == null;
  }

  AdminResponse dispatch(AdminRequest request) {
    AdminEndpoint endpoint = byPath.get(request.path());
    if (endpoint == null) {
      return AdminResponse.text(404, "invalid path. " + help());
    }
    if (endpoint.mutatesState() && !request.isPost()) {
      LOG.severe(() -> "admin path \"" + endpoint.path() + "\" mutates state, method=" + request.method()
          + " rather than POST");
      return AdminResponse.text(405, "Method " + request.method() + " not allowed, POST required.");
    }
    try {
      return endpoint.handler().handle(request);
    } catch (Exception | LinkageError e) {
      LOG.log(Level.WARNING, "admin " + request.path() + " failed", e);
      return AdminResponse.text(500, "admin " + request.path() + " failed: " + e + "\n");
    }
  }

  private List<AdminEndpoint> sorted() {
    List<AdminEndpoint> out = new ArrayList<>(byPath.values());
    out.sort(Comparator.comparing(AdminEndpoint::path));
    return out;
  }

  /** Envoy's help text: {@code admin commands are:} then one line per path and one per parameter. */
  String help() {
    StringBuilder sb = new StringBuilder("admin commands are:\n");
    for (AdminEndpoint e : sorted()) {
      sb.append("  ").append(e.path()).append(e.mutatesState() ? " (POST)" : "").append(": ").append(e.help())
          .append('\n');
      for (AdminEndpoint.Param p : e.params()) {
        sb.append("      ").append(p.name()).append(": ").append(p.help());
        if (!p.choices().isEmpty()) {
          sb.append("; One of (").append(String.join(", ", p.choices())).append(')');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** The HTML index: a link (GET) or a button (POST) per path, with its help text and parameters. */
  String homePage() {
    StringBuilder sb = new StringBuilder(8192);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Envoy Admin</title>\n</head>\n<body>\n")
        .append("<table class=\"home-table\">\n<thead><tr><th>Command</th><th>Description</th></tr></thead>\n")
        .append("<tbody>\n");
    for (AdminEndpoint e : sorted()) {
      if (e.path().equals("/")) {
        continue;
      }
      String path = escape(e.path());
      sb.append("<tr class=\"home-row\"><td class=\"home-data\">");
      if (e.mutatesState()) {
        sb.append("<form action=\"").append(path).append("\" method=\"post\">")
            .append("<button class=\"button-as-link\">").append(path.substring(1)).append("</button></form>");
      } else {
        sb.append("<a href=\"").append(path).append("\">").append(path.substring(1)).append("</a>");
      }
      sb.append("</td><td class=\"home-data\">").append(escape(e.help()));
      for (AdminEndpoint.Param p : e.params()) {
        sb.append("<br><code>").append(escape(p.name())).append("</code>: ").append(escape(p.help()));
      }
      sb.append("</td></tr>\n");
    }
    return sb.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
