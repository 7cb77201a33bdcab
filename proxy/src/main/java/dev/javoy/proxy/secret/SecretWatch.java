package dev.javoy.proxy.secret;

/** One watch of a secret; {@link #close()} stops it (main thread). */
public interface SecretWatch extends AutoCloseable {
  SecretWatch NOOP = () -> { };

  @Override
  void close();
}
