package dev.javoy.proxy.accesslog;

import dev.javoy.proxy.stream.StreamInfo;

/** Writes one access log entry when a stream (or a TCP connection) ends. Called on the worker thread. */
public interface AccessLogger {
  void log(StreamInfo info);
}
