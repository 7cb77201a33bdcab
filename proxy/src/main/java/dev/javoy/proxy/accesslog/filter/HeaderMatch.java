package dev.javoy.proxy.accesslog.filter;

import dev.javoy.proxy.accesslog.format.RequestHeaders;
import dev.javoy.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A compiled {@code envoy.config.route.v3.HeaderMatcher} against request headers (pseudo-headers included).
 * As Envoy: a repeated header is matched as its values joined with {@code ,}; a missing header never matches
 * (whatever {@code invert_match}) unless {@code treat_missing_header_as_empty}; {@code present_match} is
 * whether the header exists (or not, when false), inverted by {@code invert_match}; {@code range_match} is
 * {@code [start, end)} on an integer value; a matcher with no specifier is a presence check.
 */
public final class HeaderMatch {
  private final RequestHeaders.Reader header;
  private final StringMatch value; // null for presence and range
  private final boolean presence;
  private final boolean present;
  private final long rangeStart;
  private final long rangeEnd;
  private final boolean range;
  private final boolean invert;
  private final boolean treatMissingAsEmpty;

  private HeaderMatch(HeaderMatcher m, StringMatch value, boolean presence, boolean present) {
    this.header = RequestHeaders.reader(m.getName());
    this.value = value;
    this.presence = presence;
    this.present = present;
    this.range = m.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.RANGE_MATCH;
    this.rangeStart = m.getRangeMatch().getStart();
    this.rangeEnd = m.getRangeMatch().getEnd();
    this.invert = m.getInvertMatch();
    this.treatMissingAsEmpty = m.getTreatMissingHeaderAsEmpty();
  }

  /** @param path JSON path of the matcher, for errors */
  public static HeaderMatch of(HeaderMatcher m, String path) throws ConfigException {
    if (m.getName().isEmpty()) {
      throw new ConfigException(path + ".name", "a header matcher needs a header name");
    }
    switch (m.getHeaderMatchSpecifierCase()) {
      case EXACT_MATCH:
        // The deprecated exact_match with an empty value matches any value.
        return m.getExactMatch().isEmpty() ? new HeaderMatch(m, null, true, true)
            : new HeaderMatch(m, affix(StringMatcher.newBuilder().setExact(m.getExactMatch())), false, false);
      case PREFIX_MATCH:
        return new HeaderMatch(m, affix(StringMatcher.newBuilder().setPrefix(m.getPrefixMatch())), false, false);
      case SUFFIX_MATCH:
        return new HeaderMatch(m, affix(StringMatcher.newBuilder().setSuffix(m.getSuffixMatch())), false, false);
      case CONTAINS_MATCH:
        return new HeaderMatch(m, affix(StringMatcher.newBuilder().setContains(m.getContainsMatch())), false,
            false);
      case SAFE_REGEX_MATCH:
        return new HeaderMatch(m, StringMatch.regex(m.getSafeRegexMatch(), path + ".safe_regex_match"), false,
            false);
      case STRING_MATCH:
        return new HeaderMatch(m, StringMatch.of(m.getStringMatch(), path + ".string_match"), false, false);
      case RANGE_MATCH:
        return new HeaderMatch(m, null, false, false);
      case PRESENT_MATCH:
        return new HeaderMatch(m, null, true, m.getPresentMatch());
      default:
        return new HeaderMatch(m, null, true, true);
    }
  }

  private static StringMatch affix(StringMatcher.Builder b) throws ConfigException {
    return StringMatch.of(b.build(), "");
  }

  /** Whether {@code request} (null: no headers at all) matches. */
  public boolean matches(HttpRequest request) {
    return matchesValue(request == null ? null : header.joined(request));
  }

  /** Whether a header value (repeated values joined with {@code ,}; null: absent) matches. */
  public boolean matchesValue(String v) {
    if (presence) {
      return ((v != null) == present) != invert;
    }
    if (v == null) {
      if (!treatMissingAsEmpty) {
        return false;
      }
      v = "";
    }
    boolean matched = range ? inRange(v) : value.matches(v);
    return matched != invert;
  }

  private boolean inRange(String v) {
    try {
      long n = Long.parseLong(v);
      return n >= rangeStart && n < rangeEnd;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
