package dev.javoy.proxy.config;

/**
 * What loading config does with fields its message types do not have (Envoy's
 * {@code --allow-unknown-static-fields}, {@code --reject-unknown-dynamic-fields},
 * {@code --ignore-unknown-dynamic-fields}).
 */
public enum UnknownFieldPolicy {
  /** Fail with a {@link ConfigException} naming the first unknown field's path. */
  REJECT,
  /** Log a warning per unknown field (logger {@code javoy.config}) and drop it. */
  WARN,
  /** Drop unknown fields silently. */
  IGNORE;

  /** The policy for the bootstrap: reject unless {@code --allow-unknown-static-fields}. */
  public static UnknownFieldPolicy forStatic(boolean allowUnknownStaticFields) {
    return allowUnknownStaticFields ? WARN : REJECT;
  }

  /** The policy for xDS resources: warn unless rejecting or ignoring was asked for. */
  public static UnknownFieldPolicy forDynamic(boolean rejectUnknownDynamicFields, boolean ignoreUnknownDynamicFields) {
    return rejectUnknownDynamicFields ? REJECT : ignoreUnknownDynamicFields ? IGNORE : WARN;
  }
}
