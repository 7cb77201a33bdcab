package dev.javoy.proxy.http.route;

/**
 * Where a connection manager gets its route table for each request: a fixed one (inline
 * {@code route_config}) or the latest one delivered over RDS. Route updates apply to the next request.
 */
public interface RouteProvider {
  /** The table to route the next request with; never null (an empty table when none arrived yet). */
  RouteTable current();

  /** The route configuration's name ({@code route_config.name} or {@code rds.route_config_name}). */
  String name();

  static RouteProvider fixed(RouteTable table) {
    return new RouteProvider() {
      @Override
      public RouteTable current() {
        return table;
      }

      @Override
      public String name() {
        return table.name();
      }
    };
  }
}
