package dev.javoy.proxy.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Where application logs go: stderr, or the {@code --log-path} file (appended to, reopened by {@link #reopen()}
 * after rotation). Each line is written and flushed whole, so lines from different threads do not interleave.
 */
final class LogSink extends Handler {
  private final Path file;
  private OutputStream out;

  /** @param file the log file, or null for stderr */
  LogSink(Path file) throws IOException {
    this.file = file;
    this.out = open();
    setLevel(Level.ALL);
  }

  private OutputStream open() throws IOException {
    if (file == null) {
      return new PrintStream(new FileOutputStream(java.io.FileDescriptor.err), false, StandardCharsets.UTF_8);
    }
    return new FileOutputStream(file.toFile(), true);
  }

  Path file() {
    return file;
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError("cannot format log record", e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    synchronized (this) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        reportError("cannot write log", e, ErrorManager.WRITE_FAILURE);
      }
    }
  }

  /** Reopens the log file (after it was rotated away); nothing for stderr. */
  synchronized void reopen() throws IOException {
    if (file == null) {
      return;
    }
    OutputStream old = out;
    out = open();
    old.close();
  }

  @Override
  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      reportError("cannot flush log", e, ErrorManager.FLUSH_FAILURE);
    }
  }

  @Override
  public synchronized void close() {
    flush();
    if (file != null) {
      try {
        out.close();
      } catch (IOException e) {
        reportError("cannot close log", e, ErrorManager.CLOSE_FAILURE);
      }
    }
  }
}
