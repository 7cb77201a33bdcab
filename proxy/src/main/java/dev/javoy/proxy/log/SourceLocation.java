package dev.javoy.proxy.log;

import java.util.Optional;

/**
 * Where a log call is in the source, for the {@code %g %s %# %! %@} pattern flags: found by walking the stack
 * past the logging frames (java.util.logging, this package, logging facades bridged onto it).
 *
 * @param path the source file's path by package, e.g. {@code dev/javoy/proxy/server/Server.java}
 * @param file the file name, e.g. {@code Server.java}
 * @param line the line number, or 0 when unknown
 * @param method the method name
 */
record SourceLocation(String path, String file, int line, String method) {
  private static final SourceLocation UNKNOWN = new SourceLocation("unknown", "unknown", 0, "unknown");
  private static final StackWalker WALKER = StackWalker.getInstance();

  static SourceLocation ofCaller() {
    Optional<StackWalker.StackFrame> caller =
        WALKER.walk(frames -> frames.dropWhile(f -> !isLogging(f)).dropWhile(SourceLocation::isLogging).findFirst());
    return caller.map(SourceLocation::of).orElse(UNKNOWN);
  }

  private static boolean isLogging(StackWalker.StackFrame f) {
    String c = f.getClassName();
    return c.startsWith("java.util.logging.") || c.startsWith("dev.javoy.proxy.log.")
        || c.startsWith("io.netty.util.internal.logging.") || c.startsWith("sun.util.logging.");
  }

  private static SourceLocation of(StackWalker.StackFrame f) {
    String className = f.getClassName();
    int dot = className.lastIndexOf('.');
    String file = f.getFileName() != null ? f.getFileName() : className.substring(dot + 1) + ".java";
    String dir = dot < 0 ? "" : className.substring(0, dot).replace('.', '/') + "/";
    return new SourceLocation(dir + file, file, Math.max(f.getLineNumber(), 0), f.getMethodName());
  }
}
