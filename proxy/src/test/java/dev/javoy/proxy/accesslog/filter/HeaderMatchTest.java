package dev.javoy.proxy.accesslog.filter;

import static dev.javoy.proxy.accesslog.TestStreams.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.accesslog.TestStreams;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.Test;

class HeaderMatchTest {
  private static final HttpRequest REQ = request(HttpMethod.GET, "/api/v1?q=1", "host", "Example.com",
      "x-num", "42", "x-multi", "a", "x-multi", "b", "x-text", "Hello World");

  private static boolean match(String yaml, HttpRequest r) throws ConfigException {
    return HeaderMatch.of(TestStreams.yaml(yaml, HeaderMatcher.newBuilder()), "header").matches(r);
  }

  private static boolean match(String yaml) throws ConfigException {
    return match(yaml, REQ);
  }

  @Test
  void stringMatchers() throws Exception {
    assertTrue(match("{name: x-text, string_match: {exact: Hello World}}"));
    assertFalse(match("{name: x-text, string_match: {exact: hello world}}"));
    assertTrue(match("{name: x-text, string_match: {exact: hello world, ignore_case: true}}"));
    assertTrue(match("{name: x-text, string_match: {prefix: Hell}}"));
    assertTrue(match("{name: x-text, string_match: {suffix: WORLD, ignore_case: true}}"));
    assertTrue(match("{name: x-text, string_match: {contains: 'o W'}}"));
    assertTrue(match("{name: x-text, string_match: {safe_regex: {regex: 'H.*d'}}}"));
    assertFalse(match("{name: x-text, string_match: {safe_regex: {regex: 'H.*o'}}}"), "whole-value match");
    assertTrue(match("{name: ':path', string_match: {prefix: /api}}"));
    assertTrue(match("{name: ':authority', string_match: {exact: example.com, ignore_case: true}}"));
  }

  @Test
  void deprecatedSpecifiers() throws Exception {
    assertTrue(match("{name: x-text, exact_match: Hello World}"));
    assertTrue(match("{name: x-text, exact_match: ''}"), "empty exact_match matches any value");
    assertTrue(match("{name: x-text, prefix_match: Hello}"));
    assertTrue(match("{name: x-text, suffix_match: World}"));
    assertTrue(match("{name: x-text, contains_match: lo W}"));
    assertTrue(match("{name: x-num, safe_regex_match: {regex: '\\d+'}}"));
  }

  @Test
  void repeatedHeadersJoinWithCommas() throws Exception {
    assertTrue(match("{name: x-multi, string_match: {exact: 'a,b'}}"));
  }

  @Test
  void rangeAndPresence() throws Exception {
    assertTrue(match("{name: x-num, range_match: {start: 40, end: 43}}"));
    assertFalse(match("{name: x-num, range_match: {start: 40, end: 42}}"), "end is exclusive");
    assertFalse(match("{name: x-text, range_match: {start: 0, end: 100}}"));
    assertTrue(match("{name: x-num, present_match: true}"));
    assertFalse(match("{name: x-none, present_match: true}"));
    assertTrue(match("{name: x-none, present_match: false}"));
    assertTrue(match("{name: x-none, present_match: true, invert_match: true}"));
    assertTrue(match("{name: x-num}"), "no specifier: presence");
  }

  @Test
  void invertAndMissingHeaders() throws Exception {
    assertTrue(match("{name: x-text, string_match: {exact: nope}, invert_match: true}"));
    assertFalse(match("{name: x-none, string_match: {exact: nope}, invert_match: true}"),
        "a missing header never matches");
    assertTrue(match("{name: x-none, string_match: {exact: nope}, invert_match: true, "
        + "treat_missing_header_as_empty: true}"));
    assertTrue(match("{name: x-none, string_match: {exact: ''}, treat_missing_header_as_empty: true}"));
    assertFalse(match("{name: x-text, string_match: {exact: Hello World}}", null));
  }

  @Test
  void errors() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> match("{name: x, string_match: {safe_regex: {regex: '('}}}"));
    assertEquals("header.string_match.safe_regex.regex", e.path());
    assertThrows(ConfigException.class, () -> match("{string_match: {exact: a}}"));
  }
}
