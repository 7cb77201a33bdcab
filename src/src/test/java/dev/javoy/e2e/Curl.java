package dev.javoy.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl binary and returns status, headers and body. */
final class Curl {
  record Result(int status, String headers, String body) {
    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int c = line.indexOf(':');
        if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
          return line.substring(c + 1).trim();
        }
      }
      return null;
    }
  }

  private Curl() {}

  static Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "-D", "-", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("curl timed out: " + cmd);
    }
    String all = out.toString(StandardCharsets.ISO_8859_1);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("curl exit " + p.exitValue() + ": " + err + "\n" + all);
    }
    // skip interim 100 Continue responses
    int split = all.indexOf("\r\n\r\n");
    while (all.startsWith("HTTP/1.1 100") && split > 0) {
      all = all.substring(split + 4);
      split = all.indexOf("\r\n\r\n");
    }
    String headers = all.substring(0, split);
    String body = all.substring(split + 4);
    int status = Integer.parseInt(headers.split(" ")[1]);
    return new Result(status, headers, body);
  }
}
