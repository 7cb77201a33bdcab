package dev.javoy.proxy.http.h1;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.FieldSupport;
import dev.javoy.proxy.config.TypedConfigs;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions.HeaderKeyFormat.HeaderFormatCase;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig;
import io.envoyproxy.envoy.extensions.http.header_formatters.preserve_case.v3.PreserveCaseFormatterConfig.FormatterTypeOnEnvoyHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an HTTP/1.1 codec writes header names ({@code http_protocol_options.header_key_format}): lower case by
 * default as Envoy; {@code proper_case_words} ({@code content-type → Content-Type}); or the stateful formatter
 * {@code envoy.http.stateful_header_formatters.preserve_case}, which writes each name in the case the peer on the
 * other side sent it (javoy's HTTP/1.1 decoders keep names as received), and names the proxy added in lower case
 * or, with {@code formatter_type_on_envoy_headers: PROPER_CASE}, in proper case. Immutable and shared; formatting
 * allocates nothing when the names already have the wanted case.
 */
public final class HeaderKeyFormat {
  public static final String PRESERVE_CASE_NAME = "envoy.http.stateful_header_formatters.preserve_case";
  private static final String PRESERVE_CASE_TYPE = "type.googleapis.com/"
      + PreserveCaseFormatterConfig.getDescriptor().getFullName();

  enum Mode { LOWER_CASE, PROPER_CASE, PRESERVE_CASE }

  /** Envoy's default: every header name in lower case. */
  public static final HeaderKeyFormat DEFAULT = new HeaderKeyFormat(Mode.LOWER_CASE, false, false);

  private final Mode mode;
  private final boolean proxyHeadersProperCase;
  private final boolean forwardReasonPhrase;

  HeaderKeyFormat(Mode mode, boolean proxyHeadersProperCase, boolean forwardReasonPhrase) {
    this.mode = mode;
    this.proxyHeadersProperCase = proxyHeadersProperCase;
    this.forwardReasonPhrase = forwardReasonPhrase;
  }

  /** @param path the JSON path of the {@code http_protocol_options} */
  public static HeaderKeyFormat of(Http1ProtocolOptions options, String path) throws ConfigException {
    if (!options.hasHeaderKeyFormat()) {
      return DEFAULT;
    }
    String p = FieldSupport.join(path, "header_key_format");
    var f = options.getHeaderKeyFormat();
    if (f.getHeaderFormatCase() == HeaderFormatCase.PROPER_CASE_WORDS) {
      return new HeaderKeyFormat(Mode.PROPER_CASE, false, false);
    }
    if (f.getHeaderFormatCase() != HeaderFormatCase.STATEFUL_FORMATTER) {
      throw new ConfigException(p, "one of proper_case_words or stateful_formatter must be set");
    }
    TypedExtensionConfig ext = f.getStatefulFormatter();
    String ep = p + ".stateful_formatter";
    FieldSupport.check(ext, ep, Set.of("name", "typed_config"));
    Any any = ext.getTypedConfig();
    if (!ext.hasTypedConfig() || !TypedConfigs.typeUrlOf(any, ep + ".typed_config").equals(PRESERVE_CASE_TYPE)) {
      throw new ConfigException(ep + ".typed_config", "only the stateful header formatter " + PRESERVE_CASE_NAME
          + " (" + PRESERVE_CASE_TYPE + ") is supported");
    }
    PreserveCaseFormatterConfig c;
    try {
      c = TypedConfigs.isTypedStruct(any)
          ? (PreserveCaseFormatterConfig) TypedConfigs.unpack(any, PreserveCaseFormatterConfig.getDefaultInstance(),
              ep + ".typed_config", JsonFormat.TypeRegistry.getEmptyTypeRegistry())
          : TypedConfigs.unpackExactly(any, PreserveCaseFormatterConfig.getDefaultInstance());
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(ep + ".typed_config", "malformed PreserveCaseFormatterConfig: " + e.getMessage(), e);
    }
    if (c.getFormatterTypeOnEnvoyHeaders() == FormatterTypeOnEnvoyHeaders.UNRECOGNIZED) {
      throw new ConfigException(ep + ".typed_config.formatter_type_on_envoy_headers", "unknown formatter type");
    }
    return new HeaderKeyFormat(Mode.PRESERVE_CASE,
        c.getFormatterTypeOnEnvoyHeaders() == FormatterTypeOnEnvoyHeaders.PROPER_CASE, c.getForwardReasonPhrase());
  }

  /**
   * Whether the decoder on this side keeps header names as received ({@code preserve_case}); else it stores them
   * in lower case, as Envoy's codecs do.
   */
  public boolean preservesCase() {
    return mode == Mode.PRESERVE_CASE;
  }

  /** {@code forward_reason_phrase}: the upstream's reason phrase goes downstream (else the standard one). */
  public boolean forwardReasonPhrase() {
    return forwardReasonPhrase;
  }

  /** Rewrites the header names of {@code headers} in place (order kept) when any is not in the wanted case. */
  public void format(HttpHeaders headers) {
    if (headers instanceof FlatHttpHeaders f) {
      if (mode == Mode.LOWER_CASE && f.lowerCaseNames()) {
        return; // every name went in lower case: nothing to check
      }
      for (int i = 0, n = f.size(); i < n; i++) {
        CharSequence name = f.nameAt(i);
        if (needsChange(name)) {
          f.renameAt(i, formatted(name.toString())); // in place: order kept, no copy of the map
        }
      }
      return;
    }
    Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    boolean change = false;
    while (it.hasNext()) {
      if (needsChange(it.next().getKey())) {
        change = true;
        break;
      }
    }
    if (!change) {
      return;
    }
    List<Map.Entry<String, String>> entries = headers.entries();
    headers.clear();
    for (Map.Entry<String, String> e : entries) {
      String name = e.getKey();
      String n = needsChange(name) ? formatted(name) : name;
      headers.add(n, e.getValue());
    }
  }

  /** The standard reason phrase for the status unless the reason phrase is forwarded. */
  public static void standardReasonPhrase(HttpResponse response) {
    HttpResponseStatus s = response.status();
    if (s == StandardStatuses.of(s.code())) {
      return; // already Netty's constant (the decoder's usual result): nothing to compare
    }
    HttpResponseStatus standard = HttpResponseStatus.valueOf(s.code());
    if (s != standard && !s.reasonPhrase().equals(standard.reasonPhrase())) {
      response.setStatus(standard);
    }
  }

  private boolean needsChange(CharSequence name) {
    return switch (mode) {
      case LOWER_CASE -> hasUpperCase(name);
      case PROPER_CASE -> !isProperCase(name);
      case PRESERVE_CASE -> proxyHeadersProperCase && !hasUpperCase(name) && !isProperCase(name);
    };
  }

  private String formatted(String name) {
    return mode == Mode.LOWER_CASE ? lowerCase(name) : properCase(name);
  }

  private static boolean hasUpperCase(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return true;
      }
    }
    return false;
  }

  private static boolean isProperCase(CharSequence s) {
    boolean start = true;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      boolean upper = c >= 'A' && c <= 'Z';
      boolean lower = c >= 'a' && c <= 'z';
      if (start ? lower : upper) {
        return false;
      }
      start = !(upper || lower || (c >= '0' && c <= '9'));
    }
    return true;
  }

  static String lowerCase(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return b.toString();
  }

  /**
   * Envoy's proper case: the first character and every character after a non-alphanumeric one in upper case,
   * the others in lower case ({@code foo$b#$are → Foo$B#$Are}).
   */
  static String properCase(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean start = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean upper = c >= 'A' && c <= 'Z';
      boolean lower = c >= 'a' && c <= 'z';
      if (start && lower) {
        c = (char) (c - 32);
      } else if (!start && upper) {
        c = (char) (c + 32);
      }
      b.append(c);
      start = !(upper || lower || (c >= '0' && c <= '9'));
    }
    return b.toString();
  }
}
