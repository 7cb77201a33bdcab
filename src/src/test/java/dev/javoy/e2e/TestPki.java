package dev.javoy.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made with the real {@code openssl} CLI in a directory: a CA and ECDSA P-256 leaf certificates
 * with DNS and URI (SPIFFE) SANs, usable for both server and client authentication.
 */
final class TestPki {
  private final Path dir;

  /** Creates the CA {@code <name>.crt/.key} in {@code dir}. */
  TestPki(Path dir, String caName) throws Exception {
    this.dir = dir;
    this.caName = caName;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", dir.resolve(caName + ".key").toString(), "-out", dir.resolve(caName + ".crt").toString(),
        "-subj", "/O=javoy tests/CN=" + caName, "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  private final String caName;

  Path caCert() {
    return dir.resolve(caName + ".crt");
  }

  Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /**
   * Issues {@code <name>.crt/.key} with subject CN {@code cn} and the SANs, such as {@code DNS:a.example.com} or
   * {@code URI:spiffe://cluster.local/ns/default/sa/client}.
   */
  void issue(String name, String cn, String... sans) throws Exception {
    Path csr = dir.resolve(name + ".csr");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key(name).toString(), "-out", csr.toString(), "-subj", "/O=javoy tests/CN=" + cn);
    Path ext = dir.resolve(name + ".ext");
    List<String> lines = new ArrayList<>(List.of("basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth,clientAuth"));
    if (sans.length > 0) {
      lines.add("subjectAltName=" + String.join(",", sans));
    }
    Files.write(ext, lines, StandardCharsets.US_ASCII);
    openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert().toString(), "-CAkey",
        dir.resolve(caName + ".key").toString(), "-set_serial",
        "0x" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE),
        "-days", "30", "-extfile", ext.toString(), "-out", cert(name).toString());
  }

  static String openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("openssl timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed: " + cmd + "\n" + text);
    }
    return text;
  }

  /**
   * Runs {@code openssl s_client} against {@code port} with {@code args} (such as {@code -servername x},
   * {@code -tls1_3}), sending nothing; returns its exit code and output.
   */
  static Result sClient(int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close(); // EOF on stdin: s_client ends after the handshake
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("s_client timed out: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  record Result(int exit, String output) {
    /** Whether a handshake completed (s_client printed the negotiated session). */
    boolean handshakeCompleted() {
      return output.contains(", Cipher is ") && !output.contains("Cipher is (NONE)");
    }

    /** The leaf certificate's subject line s_client printed ("subject=..."), or "". */
    String subject() {
      for (String line : output.split("\n")) {
        if (line.startsWith("subject=")) {
          return line.substring("subject=".length()).trim();
        }
      }
      return "";
    }
  }
}
