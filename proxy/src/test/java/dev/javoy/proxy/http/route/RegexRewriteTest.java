package dev.javoy.proxy.http.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import org.junit.jupiter.api.Test;

/** regex_rewrite with RE2 substitution syntax, on the examples of Envoy's documentation. */
class RegexRewriteTest {
  private static RegexRewrite rewrite(String regex, String substitution) throws ConfigException {
    return RegexRewrite.of(RegexMatchAndSubstitute.newBuilder()
        .setPattern(RegexMatcher.newBuilder().setRegex(regex)).setSubstitution(substitution).build(), "rr");
  }

  @Test
  void documentedExamples() throws Exception {
    assertEquals("/v1/api/instance/foo", rewrite("^/service/([^/]+)(/.*)$", "\\2/instance/\\1")
        .replaceAll("/service/foo/v1/api"));
    assertEquals("/xxx/two/yyy/two/zzz", rewrite("one", "two").replaceAll("/xxx/one/yyy/one/zzz"));
    assertEquals("/xxx/two/yyy/one/zzz", rewrite("^(.*?)one(.*)$", "\\1two\\2").replaceAll("/xxx/one/yyy/one/zzz"));
    assertEquals("/aaa/yyy/bbb", rewrite("(?i)/xxx/", "/yyy/").replaceAll("/aaa/XxX/bbb"));
    assertEquals("/a\\b", rewrite("x", "\\\\").replaceAll("/axb"));
    assertEquals("[/p]", rewrite(".+", "[\\0]").replaceAll("/p"));
    assertEquals("/same", rewrite("nomatch", "x").replaceAll("/same"));
  }

  @Test
  void pathRewriteKeepsTheQuery() throws Exception {
    PathRewrite p = PathRewrite.regex(rewrite("^/old/(.*)$", "/new/\\1"));
    assertEquals("/new/a?old=1", p.rewrite("/old/a?old=1", 6));
  }

  @Test
  void badSubstitutionsAreRejected() {
    ConfigException group = assertThrows(ConfigException.class, () -> rewrite("(a)", "\\2"));
    assertEquals("rr.substitution", group.path());
    assertTrue(group.getMessage().contains("group 2"));
    assertThrows(ConfigException.class, () -> rewrite("a", "\\x"));
    ConfigException regex = assertThrows(ConfigException.class, () -> rewrite("(", "x"));
    assertEquals("rr.pattern.regex", regex.path());
  }
}
