package dev.javoy.filters.http.compressor;

import dev.javoy.filters.compression.HeaderTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which encoding a response gets, decided once per stream for all its compressor filters from the request's
 * {@code accept-encoding} (q-values, {@code identity}, {@code *}), the response's media type and the
 * compressor filters of the chain (Envoy's {@code chooseEncoding}). Coding names are compared ignoring case.
 *
 * @param encoding the chosen coding, {@code identity} for none
 * @param stat which {@code header_*} counter the decision charges
 */
record EncodingDecision(String encoding, HeaderStat stat) {
  static final String IDENTITY = "identity";
  static final String WILDCARD = "*";

  /** How the request's header led to the decision. */
  enum HeaderStat { NOT_VALID, IDENTITY, WILDCARD, VALID_COMPRESSOR }

  /** One coding the user agent accepts, with its weight. */
  private record Accepted(String coding, float q) {}

  /** A compressor of the chain that could take the response. */
  private record Candidate(int registration, boolean chooseFirst) {}

  /**
   * @param acceptEncoding the request's {@code accept-encoding} value
   * @param mediaType the response's media type without parameters, or "" when it has no content-type
   * @param chain the stream's compressor filters in chain order
   */
  static EncodingDecision choose(String acceptEncoding, String mediaType, List<CompressorFilterConfig> chain) {
    // Compressors that may take this media type; the first registered wins among equal encodings.
    Map<String, Candidate> allowed = new LinkedHashMap<>();
    for (CompressorFilterConfig c : chain) {
      if (!mediaType.isEmpty() && !c.response.allows(mediaType)) {
        continue;
      }
      allowed.putIfAbsent(c.contentEncoding.toLowerCase(Locale.ROOT), new Candidate(allowed.size(), c.chooseFirst));
    }
    List<Accepted> accepted = new ArrayList<>();
    for (String token : acceptEncoding.split(",")) {
      Accepted a = parse(token);
      if (a == null) {
        continue;
      }
      accepted.add(a);
      if (a.q == 0) {
        allowed.remove(a.coding); // refused by the user agent, even if a wildcard accepts others
      }
    }
    if (accepted.isEmpty() || allowed.isEmpty()) {
      return new EncodingDecision(IDENTITY, HeaderStat.NOT_VALID);
    }
    Accepted choice = new Accepted(IDENTITY, 0);
    for (Accepted a : accepted) {
      Candidate c = allowed.get(a.coding);
      if (c == null && !a.coding.equals(IDENTITY) && !a.coding.equals(WILDCARD)) {
        continue;
      }
      if (a.q > choice.q || (a.q == choice.q && c != null && c.chooseFirst)) {
        choice = a;
      }
    }
    if (choice.q == 0) {
      return new EncodingDecision(IDENTITY, HeaderStat.NOT_VALID);
    }
    if (choice.coding.equals(IDENTITY)) {
      return new EncodingDecision(IDENTITY, HeaderStat.IDENTITY);
    }
    if (choice.coding.equals(WILDCARD)) {
      return new EncodingDecision(allowed.keySet().iterator().next(), HeaderStat.WILDCARD);
    }
    return new EncodingDecision(choice.coding, HeaderStat.VALID_COMPRESSOR);
  }

  /** One {@code coding;q=x} item, or null for an empty item or an unreadable q-value. */
  private static Accepted parse(String token) {
    int semi = token.indexOf(';');
    String coding = (semi < 0 ? token : token.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    if (semi < 0) {
      return coding.isEmpty() ? null : new Accepted(coding, 1);
    }
    String params = token.substring(semi + 1);
    int eq = params.indexOf('=');
    if (eq < 0 || !params.substring(0, eq).trim().equalsIgnoreCase("q")) {
      return new Accepted(coding, 1);
    }
    try {
      float q = Float.parseFloat(params.substring(eq + 1).trim());
      return Float.isNaN(q) ? null : new Accepted(coding, q);
    } catch (NumberFormatException e) {
      return null; // Envoy skips an item whose q-value does not parse
    }
  }

  /** The media type of a {@code content-type} value, or "" when there is none. */
  static String mediaTypeOf(String contentType) {
    return contentType == null ? "" : HeaderTokens.mediaType(contentType);
  }
}
