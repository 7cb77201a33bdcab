package dev.javoy.proxy.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made with the real {@code openssl} CLI in a directory: a CA and ECDSA P-256 leaf certificates
 * with DNS and URI (SPIFFE) SANs, usable for both server and client authentication. Shared with the end-to-end
 * tests through this module's test-jar.
 */
public final class TestPki {
  private final Path dir;

  /** Creates the CA {@code <name>.crt/.key} in {@code dir}. */
  public TestPki(Path dir, String caName) throws Exception {
    this.dir = dir;
    this.caName = caName;
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", dir.resolve(caName + ".key").toString(), "-out", dir.resolve(caName + ".crt").toString(),
        "-subj", "/O=javoy tests/CN=" + caName, "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  private final String caName;

  public Path caCert() {
    return dir.resolve(caName + ".crt");
  }

  public Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /**
   * Issues {@code <name>.crt/.key} with subject CN {@code cn} and the SANs, such as {@code DNS:a.example.com} or
   * {@code URI:spiffe://cluster.local/ns/default/sa/client}.
   */
  public void issue(String name, String cn, String... sans) throws Exception {
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

  public static String openssl(String... args) throws Exception {
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

  /** Revokes {@code <name>.crt} and writes the CA's CRL to {@code crl.pem}; returns its path. */
  public Path revoke(String name) throws Exception {
    Path index = dir.resolve("index.txt");
    if (!Files.exists(index)) {
      Files.writeString(index, "");
      Files.writeString(dir.resolve("crlnumber"), "01\n");
    }
    Path cnf = dir.resolve("ca.cnf");
    Files.writeString(cnf, "[ca]\ndefault_ca=d\n[d]\ndatabase=" + index + "\ncrlnumber=" + dir.resolve("crlnumber")
        + "\ndefault_md=sha256\ndefault_crl_days=30\n");
    String caKey = dir.resolve(caName + ".key").toString();
    openssl("ca", "-config", cnf.toString(), "-revoke", cert(name).toString(), "-keyfile", caKey, "-cert",
        caCert().toString());
    Path crl = dir.resolve("crl.pem");
    openssl("ca", "-config", cnf.toString(), "-gencrl", "-keyfile", caKey, "-cert", caCert().toString(), "-out",
        crl.toString());
    return crl;
  }

  /** PEM text of a file written by openssl. */
  public String pem(Path p) throws java.io.IOException {
    return Files.readString(p);
  }

  /**
   * Runs {@code openssl s_client} against {@code port} with {@code args} (such as {@code -servername x},
   * {@code -tls1_3}), sending nothing; returns its exit code and output.
   */
  public static Result sClient(int port, String... args) throws Exception {
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

  public record Result(int exit, String output) {
    /** Whether a handshake completed (s_client printed the negotiated session). */
    public boolean handshakeCompleted() {
      return output.contains(", Cipher is ") && !output.contains("Cipher is (NONE)");
    }

    /** The leaf certificate's subject line s_client printed ("subject=..."), or "". */
    public String subject() {
      for (String line : output.split("\n")) {
        if (line.startsWith("subject=")) {
          return line.substring("subject=".length()).trim();
        }
      }
      return "";
    }
  }
}
