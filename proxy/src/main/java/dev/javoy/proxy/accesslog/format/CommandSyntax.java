package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;

/**
 * How a command operator may be written (Envoy's {@code CommandSyntaxChecker}): whether it takes a
 * {@code (parameter)} and whether it allows a {@code :length} limit.
 */
record CommandSyntax(boolean paramsAllowed, boolean paramsRequired, boolean lengthAllowed) {
  static final CommandSyntax COMMAND_ONLY = new CommandSyntax(false, false, false);
  static final CommandSyntax PARAMS_OPTIONAL = new CommandSyntax(true, false, false);
  static final CommandSyntax PARAMS_REQUIRED = new CommandSyntax(true, true, false);
  static final CommandSyntax PARAMS_REQUIRED_LENGTH = new CommandSyntax(true, true, true);

  /** @param maxLength the {@code :Z} limit, or -1 when absent */
  void check(String command, String param, int maxLength, String path) throws ConfigException {
    if (!paramsAllowed && (!param.isEmpty() || maxLength >= 0)) {
      throw new ConfigException(path, "%" + command + "% does not take any parameters or length");
    }
    if (paramsRequired && param.isEmpty()) {
      throw new ConfigException(path, "%" + command + "% requires parameters");
    }
    if (!lengthAllowed && maxLength >= 0) {
      throw new ConfigException(path, "%" + command + "% does not allow length to be specified");
    }
  }
}
