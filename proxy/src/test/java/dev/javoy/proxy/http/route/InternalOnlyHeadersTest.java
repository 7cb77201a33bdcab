package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.http.h1.HeaderNameSummary;
import org.junit.jupiter.api.Test;

/** The route configuration's {@code internal_only_headers}: parsed, lower-cased, kept with their summary bits. */
class InternalOnlyHeadersTest {
  @Test
  void parsedFromTheRouteConfiguration() throws Exception {
    RouteTable t = RouteTables.table("{\"internal_only_headers\": [\"X-Tenant-Admin\", \"x-debug\"],"
        + " \"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": []}]}");
    InternalOnlyHeaders h = t.internalOnlyHeaders();
    assertEquals(2, h.size());
    assertEquals("x-tenant-admin", h.name(0).toString(), "lower-cased as Envoy's LowerCaseString");
    assertEquals("x-debug", h.name(1).toString());
    assertEquals(HeaderNameSummary.bitOf("x-debug"), h.bit(1));
    assertEquals(HeaderNameSummary.bitOf("x-tenant-admin") | HeaderNameSummary.bitOf("x-debug"), h.mask());
  }

  @Test
  void noneByDefault() throws Exception {
    RouteTable t = RouteTables.table("{\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": []}]}");
    assertSame(InternalOnlyHeaders.NONE, t.internalOnlyHeaders());
    assertTrue(t.internalOnlyHeaders().isEmpty());
    assertEquals(0, t.internalOnlyHeaders().mask());
  }

  @Test
  void aNameWithALineBreakIsRejectedWithItsPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> RouteTables.table(
        "{\"internal_only_headers\": [\"ok\", \"bad\\nname\"], \"virtual_hosts\": []}"));
    assertTrue(e.getMessage().contains("route_config.internal_only_headers[1]"), e.getMessage());
  }
}
