package dev.javoy.proxy.accesslog.format;

import static dev.javoy.proxy.accesslog.TestStreams.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import dev.javoy.proxy.accesslog.TestStreams;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.stream.StreamInfo;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class JsonFormatterTest {
  private static SubstitutionFormatter json(String yaml, boolean omit) throws ConfigException {
    SubstitutionFormatString s = TestStreams.yaml("json_format:\n" + yaml.indent(2) + "omit_empty_values: " + omit,
        SubstitutionFormatString.newBuilder());
    return SubstitutionFormatStrings.create(s, "log_format");
  }

  private static StreamInfo info() throws Exception {
    StreamInfo info = stream("user-agent", "quote\" back\\slash\ttab", "x-request-id", "id-1");
    info.responseCode = 200;
    info.bytesSent = 1234;
    info.upstreamHostAddress = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 8080);
    info.endNanos = info.startNanos + 7_000_000;
    info.routeName = "r\u0001\n";
    return info;
  }

  @Test
  void singleCommandsKeepTheirTypesAndKeysAreSorted() throws Exception {
    SubstitutionFormatter f = json("""
        status: "%RESPONSE_CODE%"
        bytes: "%BYTES_SENT%"
        duration: "%DURATION%"
        agent: "%REQ(USER-AGENT)%"
        missing: "%REQ(X-NONE)%"
        chain: "%FILTER_CHAIN_NAME%"
        flags: "%RESPONSE_FLAGS%"
        port: "%UPSTREAM_REMOTE_PORT%"
        """, false);
    String line = f.format(info(), "");
    assertEquals("{\"agent\":\"quote\\\" back\\\\slash\\ttab\",\"bytes\":1234,\"chain\":null,"
        + "\"duration\":7,\"flags\":\"-\",\"missing\":null,\"port\":8080,\"status\":200}\n", line);
    JsonNode parsed = new ObjectMapper().readTree(line);
    assertEquals("quote\" back\\slash\ttab", parsed.get("agent").asText());
    assertEquals("{\"r\":\"r\\u0001\\n\"}\n", json("r: \"%ROUTE_NAME%\"", false).format(info(), ""));
    assertEquals("application/json", f.contentType());
  }

  @Test
  void mixedTemplatesAreStringsWithDashes() throws Exception {
    SubstitutionFormatter f = json("""
        line: "%REQ(:METHOD)% %REQ(X-NONE)% %RESPONSE_CODE%"
        pct: "100%%"
        """, false);
    assertEquals("{\"line\":\"GET - 200\",\"pct\":\"100%\"}\n", f.format(info(), ""));
  }

  @Test
  void omitEmptyValuesDropsMissingKeys() throws Exception {
    SubstitutionFormatter f = json("""
        a: "%REQ(X-NONE)%"
        b: "%RESPONSE_CODE%"
        c: "%FILTER_CHAIN_NAME%"
        d: "x %FILTER_CHAIN_NAME% y"
        e:
          f: "%FILTER_CHAIN_NAME%"
        """, true);
    assertEquals("{\"b\":200,\"d\":\"x  y\",\"e\":{}}\n", f.format(info(), ""));
    assertEquals("{}\n", json("a: \"%REQ(X-NONE)%\"", true).format(info(), ""));
  }

  @Test
  void literalsNestedObjectsAndLists() throws Exception {
    SubstitutionFormatter f = json("""
        num: 2
        frac: 2.5
        yes: true
        nothing: null
        text: plain
        nested:
          z: "%RESPONSE_CODE%"
          a: [ "%REQ(X-REQUEST-ID)%", 1, "%REQ(X-NONE)%" ]
        """, true);
    assertEquals("{\"frac\":2.5,\"nested\":{\"a\":[\"id-1\",1,null],\"z\":200},\"nothing\":null,\"num\":2,"
        + "\"text\":\"plain\",\"yes\":true}\n", f.format(info(), ""));
  }

  @Test
  void localReplyBodyAndStartTimeAreStrings() throws Exception {
    SubstitutionFormatter f = json("""
        body: "%LOCAL_REPLY_BODY%"
        t: "%START_TIME(%Y)%"
        """, false);
    String line = f.format(info(), "no route");
    assertTrue(line.matches("\\{\"body\":\"no route\",\"t\":\"\\d{4}\"}\n"), line);
  }

  @Test
  void errorsNameTheJsonPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> json("outer:\n  inner: \"%BOGUS%\"", false));
    assertTrue(e.getMessage().startsWith("log_format.json_format.outer.inner: "), e.getMessage());
  }

  @Test
  void emptyStructIsEmptyObject() throws Exception {
    assertEquals("{}\n", JsonFormatter.create(Struct.getDefaultInstance(), false, "application/json", "p")
        .format(new StreamInfo(), ""));
  }
}
