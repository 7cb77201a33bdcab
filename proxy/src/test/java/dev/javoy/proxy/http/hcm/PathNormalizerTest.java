package dev.javoy.proxy.http.hcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.javoy.proxy.http.hcm.PathNormalizer.Action;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction;
import org.junit.jupiter.api.Test;

/** normalize_path, merge_slashes and path_with_escaped_slashes_action, as Envoy's path utility tests them. */
class PathNormalizerTest {
  @Test
  void dotSegments() {
    assertEquals("/b", PathNormalizer.canonicalPath("/a/../b"));
    assertEquals("/a/b", PathNormalizer.canonicalPath("/a/./b"));
    assertEquals("/a/", PathNormalizer.canonicalPath("/a/b/.."));
    assertEquals("/a/b/", PathNormalizer.canonicalPath("/a/b/."));
    assertEquals("/", PathNormalizer.canonicalPath("/.."));
    assertEquals("/", PathNormalizer.canonicalPath("/../.."));
    assertEquals("/a", PathNormalizer.canonicalPath("/../../a"));
    assertEquals("/c", PathNormalizer.canonicalPath("/a/b/../../c"));
    assertEquals("/a/...b/..c/", PathNormalizer.canonicalPath("/a/...b/..c/"), "not dot segments");
    assertEquals("/a/.../", PathNormalizer.canonicalPath("/a/.../"));
  }

  @Test
  void encodedDotsAndUnreservedAreDecoded() {
    assertEquals("/b", PathNormalizer.canonicalPath("/a/%2e%2E/b"));
    assertEquals("/a/b", PathNormalizer.canonicalPath("/a/%2e/b"));
    assertEquals("/b", PathNormalizer.canonicalPath("/a/.%2e/b"));
    assertEquals("/A-z_0.~", PathNormalizer.canonicalPath("/%41-%7a%5f%30%2E%7E"));
    assertEquals("/a%20b%3F", PathNormalizer.canonicalPath("/a%20b%3F"), "reserved escapes are kept");
  }

  @Test
  void encodedSlashIsNotASeparatorForDotSegments() {
    assertEquals("/a/d", PathNormalizer.canonicalPath("/a/b%2fc/../d"));
    assertEquals("/a/b%2F..%2Fc", PathNormalizer.canonicalPath("/a/b%2F..%2Fc"));
  }

  @Test
  void backslashesAndQueries() {
    assertEquals("/a/b", PathNormalizer.canonicalPath("/a\\b"));
    assertEquals("/b", PathNormalizer.canonicalPath("/a\\..\\b"));
    assertEquals("/b?x=/../y&z=%41", PathNormalizer.canonicalPath("/a/../b?x=/../y&z=%41"), "query untouched");
    String clean = "/already/clean?q=1";
    assertSame(clean, PathNormalizer.canonicalPath(clean));
    assertEquals("/a%22%3C%3E", PathNormalizer.canonicalPath("/a\"<>"));
  }

  @Test
  void invalidPaths() {
    assertNull(PathNormalizer.canonicalPath("/a\u0001b"));
    assertNull(PathNormalizer.canonicalPath("/a b"));
    assertNull(PathNormalizer.canonicalPath("/caf\u00e9"));
  }

  @Test
  void mergeSlashes() {
    assertEquals("/a/b/c?x=//y", PathNormalizer.mergeSlashes("//a///b/c?x=//y"));
    String s = "/a/b?x=//";
    assertSame(s, PathNormalizer.mergeSlashes(s));
  }

  @Test
  void escapedSlashActions() {
    PathNormalizer keep = new PathNormalizer(false, false, PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT);
    assertEquals(new PathNormalizer.Result(Action.CONTINUE, "/a%2Fb"), keep.apply("/a%2Fb"));
    PathNormalizer reject = new PathNormalizer(false, false, PathWithEscapedSlashesAction.REJECT_REQUEST);
    assertEquals(Action.REJECT, reject.apply("/a%2fb").action());
    assertEquals(Action.CONTINUE, reject.apply("/ab?x=%2F").action(), "only the path counts");
    PathNormalizer forward = new PathNormalizer(false, false, PathWithEscapedSlashesAction.UNESCAPE_AND_FORWARD);
    assertEquals(new PathNormalizer.Result(Action.CONTINUE, "/a/b\\c?x=%2F"), forward.apply("/a%2Fb%5cc?x=%2F"));
    PathNormalizer redirect = new PathNormalizer(true, true, PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT);
    assertEquals(new PathNormalizer.Result(Action.REDIRECT, "/a/c?q"), redirect.apply("/a%2F%2Fb%2F..%5Cc?q"));
    assertEquals(new PathNormalizer.Result(Action.CONTINUE, "/a/b"), redirect.apply("/a//b"));
    PathNormalizer normalize = new PathNormalizer(true, false, PathWithEscapedSlashesAction.KEEP_UNCHANGED);
    assertEquals(Action.REJECT, normalize.apply("/a\u0000").action());
    assertEquals(new PathNormalizer.Result(Action.CONTINUE, "*"), normalize.apply("*"));
  }
}
