package dev.javoy.proxy.accesslog.format;

import dev.javoy.proxy.config.ConfigException;

/** A command operator javoy knows: its syntax and how to build it from its parameter. */
record CommandSpec(CommandSyntax syntax, Factory factory) {
  /** Builds the command; {@code param} is "" when the operator has none. */
  @FunctionalInterface
  interface Factory {
    FormatCommand create(String param, String path) throws ConfigException;
  }

  /** A command that takes no parameter. */
  static CommandSpec simple(FormatCommand command) {
    return new CommandSpec(CommandSyntax.COMMAND_ONLY, (param, path) -> command);
  }
}
