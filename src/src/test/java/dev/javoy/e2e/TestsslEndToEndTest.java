package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.javoy.proxy.tls.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh (the Debian package) against a javoy TLS listener with {@code tls_params}: minimum TLS 1.2 and a
 * cipher list. Its protocol check must find nothing below TLS 1.2, and its per-protocol cipher enumeration nothing
 * outside the configured TLS 1.2 ciphers and the TLS 1.3 suites (which {@code cipher_suites} does not govern, as in
 * Envoy/BoringSSL). Skips when testssl is not installed.
 */
class TestsslEndToEndTest {
  private static final Set<String> CONFIGURED = Set.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305");
  private static final Set<String> TLS13 = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256");

  @TempDir
  Path dir;

  private static String testssl() {
    for (String candidate : List.of("/usr/bin/testssl", "/usr/bin/testssl.sh", "/usr/local/bin/testssl.sh")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  @Test
  void onlyTls12AndUpWithTheConfiguredCiphersAreOffered() throws Exception {
    String testssl = testssl();
    assumeTrue(testssl != null, "testssl.sh is not installed");
    TestPki pki = new TestPki(dir, "ca");
    pki.issue("server", "server.example.com", "DNS:server.example.com");
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    Path config = dir.resolve("javoy.yaml");
    Files.writeString(config, TlsListenerBootstrap.okListener(admin, port, pki.cert("server"), pki.key("server"), "",
        "tls_minimum_protocol_version: TLSv1_2, cipher_suites: [" + String.join(", ", CONFIGURED) + "]"));
    try (JavoyProcess javoy = JavoyProcess.start(dir, admin, "-c", config.toString(), "--concurrency", "1")) {
      Path json = dir.resolve("testssl.json");
      List<String> cmd = new ArrayList<>(List.of(testssl, "--quiet", "--color", "0", "--warnings", "off",
          "--connect-timeout", "10", "--openssl-timeout", "10", "-p", "-E", "--jsonfile", json.toString(),
          "127.0.0.1:" + port));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("testssl.out").toFile())
          .start();
      if (!p.waitFor(150, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("testssl did not finish within 150 s:\n" + Files.readString(dir.resolve("testssl.out")));
      }
      String out = Files.readString(dir.resolve("testssl.out"));
      assertTrue(Files.exists(json), out);
      Set<String> offered = new TreeSet<>();
      List<String> protocols = new ArrayList<>();
      for (JsonElement e : JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonArray()) {
        JsonObject f = e.getAsJsonObject();
        String id = f.get("id").getAsString();
        String finding = f.get("finding").getAsString();
        if (Set.of("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3").contains(id)) {
          protocols.add(id + ": " + finding);
        }
        if (id.startsWith("cipher-")) {
          // id "cipher-tls1_2_xc02b", finding "TLS 1.2   xc02b   ECDHE-ECDSA-AES128-GCM-SHA256  ECDH 253 ..."
          String version = id.startsWith("cipher-tls1_3") ? "TLSv1.3" : id.startsWith("cipher-tls1_2") ? "TLSv1.2"
              : id.substring("cipher-".length());
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(x[0-9a-fA-F]+)\\s+(\\S+)").matcher(finding);
          offered.add(version + " " + (m.find() ? m.group(2) : finding));
        }
      }
      for (String below : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
        assertTrue(protocols.contains(below + ": not offered"), "protocols: " + protocols + "\n" + out);
      }
      assertTrue(protocols.stream().anyMatch(s -> s.startsWith("TLS1_2: offered")), "protocols: " + protocols);
      assertTrue(protocols.stream().anyMatch(s -> s.startsWith("TLS1_3: offered")), "protocols: " + protocols);
      assertTrue(!offered.isEmpty(), "no cipher found at all:\n" + out);
      List<String> unexpected = new ArrayList<>();
      for (String o : offered) {
        String version = o.substring(0, o.indexOf(' '));
        String cipher = o.substring(o.indexOf(' ') + 1);
        boolean ok = version.equals("TLSv1.2") ? CONFIGURED.contains(cipher)
            : version.equals("TLSv1.3") && (TLS13.contains(cipher) || TLS13.stream().anyMatch(cipher::contains));
        if (!ok) {
          unexpected.add(o);
        }
      }
      assertEquals(List.of(), unexpected, "offered: " + offered + "\n" + out);
      assertTrue(offered.stream().anyMatch(o -> o.startsWith("TLSv1.2 ")), "offered: " + offered);
    }
  }
}
