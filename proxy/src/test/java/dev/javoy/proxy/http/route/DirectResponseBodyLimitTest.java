package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code max_direct_response_body_size_bytes} (Envoy's default 4096): a longer direct response body is an error. */
class DirectResponseBodyLimitTest {
  static String config(String max, int bodyLength) {
    return "{" + max + "\"virtual_hosts\": [{\"name\": \"v\", \"domains\": [\"*\"], \"routes\": [{\"match\": "
        + "{\"prefix\": \"/\"}, \"direct_response\": {\"status\": 200, \"body\": {\"inline_string\": \""
        + "x".repeat(bodyLength) + "\"}}}]}]}";
  }

  @Test
  void defaultLimitIs4096AndTheFieldRaisesIt() throws Exception {
    RouteTableFactoryTest.table(config("", 4096));
    ConfigException e = assertThrows(ConfigException.class, () -> RouteTableFactoryTest.table(config("", 4097)));
    assertTrue(e.getMessage().contains("response body size is 4097 bytes; maximum is 4096"), e.getMessage());
    RouteTableFactoryTest.table(config("\"max_direct_response_body_size_bytes\": 5000, ", 4097));
    assertThrows(ConfigException.class,
        () -> RouteTableFactoryTest.table(config("\"max_direct_response_body_size_bytes\": 10, ", 11)));
  }
}
