package dev.javoy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javoy.proxy.tls.TestPki;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS acceptance scenario in Istio's shape: a listener whose DownstreamTlsContext takes {@code default} and
 * {@code ROOTCA} from SDS ({@code sds-grpc} pipe cluster to a java-control-plane server, {@code initial_fetch_timeout:
 * 0s}) warms until they arrive (not bound, server INITIALIZING, /ready 503), then serves mTLS while the SDS server
 * rotates the server certificate every second for a minute, under continuous load over new and kept-alive
 * connections: no request fails, every rotation shows up in the next handshakes, kept-alive connections live on.
 */
class SdsRotationEndToEndTest {
  private static final int ROTATIONS = Integer.getInteger("javoy.e2e.sdsRotations", 60);

  @TempDir
  Path dir;

  private static Secret certificate(TestPki pki, String name) throws IOException {
    return SdsEndToEndTest.certificate("default", Files.readString(pki.cert(name)), Files.readString(pki.key(name)));
  }

  private static String bootstrap(int admin, int port, ControlPlane sds, String initialFetchTimeout) {
    String sdsConfig = ControlPlane.sdsConfigYaml(initialFetchTimeout);
    return """
        node: {id: sidecar~10.0.0.2~server.default~default.svc.cluster.local, cluster: server.default}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          clusters:
        %s
          listeners:
          - name: virtualInbound
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  require_client_certificate: true
                  common_tls_context:
                    tls_certificate_sds_secret_configs: [{name: default, sds_config: %s}]
                    combined_validation_context:
                      default_validation_context:
                        match_typed_subject_alt_names:
                        - {san_type: URI, matcher: {prefix: "spiffe://cluster.local/"}}
                      validation_context_sds_secret_config: {name: ROOTCA, sds_config: %s}
              filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: inbound_0.0.0.0_8080
                  route_config:
                    virtual_hosts:
                    - name: inbound
                      domains: ["*"]
                      routes: [{match: {prefix: "/"}, direct_response: {status: 200, body: {inline_string: "ok"}}}]
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
        """.formatted(admin, sds.clusterYaml("sds-grpc"), port, sdsConfig, sdsConfig);
  }

  /** A client SSL context with the client's SPIFFE certificate, trusting the mesh CA. */
  static SSLContext clientContext(TestPki pki, String name) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate cert;
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(pki.cert(name)); InputStream caIn = Files.newInputStream(pki.caCert())) {
      cert = (X509Certificate) cf.generateCertificate(in);
      ca = (X509Certificate) cf.generateCertificate(caIn);
    }
    String pem = Files.readString(pki.key(name));
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("client", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** One request on a new connection with {@code ctx}; returns the server certificate's serial. */
  static BigInteger requestOnNewConnection(SSLContext ctx, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(15_000);
      s.startHandshake();
      BigInteger serial = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
      exchange(s, false);
      return serial;
    }
  }

  /** Sends GET / and reads one response (Content-Length framed); fails unless it is a 200 "ok". */
  static void exchange(Socket s, boolean keepAlive) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(("GET / HTTP/1.1\r\nHost: server.default\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the response (read: " + head + ")");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    if (!headers.startsWith("HTTP/1.1 200")) {
      throw new IOException("unexpected response: " + headers);
    }
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    if (!new String(body, StandardCharsets.US_ASCII).equals("ok")) {
      throw new IOException("unexpected body: " + new String(body, StandardCharsets.US_ASCII));
    }
  }

  private static BigInteger serial(TestPki pki, String name) throws Exception {
    try (InputStream in = Files.newInputStream(pki.cert(name))) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void listenerWarmsOnSdsThenSurvivesAMinuteOfRotationUnderLoad() throws Exception {
    TestPki pki = new TestPki(dir, "mesh-ca");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    List<String> serverCerts = new ArrayList<>();
    for (int i = 0; i <= ROTATIONS; i++) {
      pki.issue("server" + i, "server", "URI:spiffe://cluster.local/ns/default/sa/server");
      serverCerts.add("server" + i);
    }
    Secret rootCa = SdsEndToEndTest.rootCa(Files.readString(pki.caCert()));
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    try (ControlPlane sds = ControlPlane.unixSocket(dir.resolve("sds.sock"));
        InProcessJavoy javoy = InProcessJavoy.start(bootstrap(admin, port, sds, "0s"), admin)) {
      // warming: no secrets yet, so the listener is not bound and the server is not ready
      Thread.sleep(1500);
      assertEquals(503, Curl.run("http://127.0.0.1:" + admin + "/ready").status());
      assertTrue(javoy.admin("/stats?filter=server.state").contains("server.state: 3"),
          javoy.admin("/stats?filter=server.state"));
      assertTrue(javoy.admin("/stats?filter=total_listeners_warming").contains("total_listeners_warming: 1"));
      assertTrue(!listening(port), "a warming listener must not accept connections");
      sds.pushSecrets(certificate(pki, "server0"), rootCa);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Curl.run("http://127.0.0.1:" + admin + "/ready").status() != 200) {
        assertTrue(System.nanoTime() < deadline, "server never became ready after the secrets arrived");
        Thread.sleep(100);
      }
      assertTrue(javoy.admin("/stats?filter=total_listeners_warming").contains("total_listeners_warming: 0"));
      SSLContext shared = clientContext(pki, "client");
      assertEquals(serial(pki, "server0"), requestOnNewConnection(shared, port));

      // load: new connections (sessions may resume) and one kept-alive connection, both never failing
      AtomicBoolean stop = new AtomicBoolean();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicLong newConnectionRequests = new AtomicLong();
      AtomicLong keepAliveRequests = new AtomicLong();
      Thread newConnections = new Thread(() -> {
        while (!stop.get()) {
          try {
            requestOnNewConnection(shared, port);
            newConnectionRequests.incrementAndGet();
          } catch (IOException e) {
            failures.add("new connection: " + e);
          }
        }
      });
      Thread keepAlive = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) shared.getSocketFactory().createSocket("127.0.0.1", port)) {
          s.setSoTimeout(15_000);
          while (!stop.get()) {
            exchange(s, true);
            keepAliveRequests.incrementAndGet();
            Thread.sleep(20);
          }
        } catch (IOException | InterruptedException e) {
          failures.add("keep-alive connection: " + e);
        }
      });
      newConnections.start();
      keepAlive.start();
      List<String> late = new ArrayList<>();
      try {
        long start = System.nanoTime();
        for (int i = 1; i <= ROTATIONS; i++) {
          sds.pushSecrets(certificate(pki, serverCerts.get(i)), rootCa);
          BigInteger expected = serial(pki, serverCerts.get(i));
          long seenBy = System.nanoTime() + 10_000_000_000L;
          BigInteger seen;
          do {
            // a fresh client context: no session to resume, so the handshake shows the certificate in use
            seen = requestOnNewConnection(clientContext(pki, "client"), port);
          } while (!seen.equals(expected) && System.nanoTime() < seenBy);
          if (!seen.equals(expected)) {
            late.add("rotation " + i + ": still serving serial " + seen.toString(16) + " instead of "
                + expected.toString(16));
          }
          long next = start + i * 1_000_000_000L;
          long wait = (next - System.nanoTime()) / 1_000_000;
          if (wait > 0) {
            Thread.sleep(wait);
          }
        }
      } finally {
        stop.set(true);
        newConnections.join(30_000);
        keepAlive.join(30_000);
      }
      assertEquals(List.of(), late, "handshakes after a rotation must show the new certificate");
      assertEquals(List.of(), failures, "no request may fail during rotation");
      assertEquals(List.of(), sds.nacks());
      assertTrue(newConnectionRequests.get() > ROTATIONS, "too few requests on new connections: "
          + newConnectionRequests.get());
      assertTrue(keepAliveRequests.get() > ROTATIONS, "too few keep-alive requests: " + keepAliveRequests.get());
      String certs = javoy.admin("/certs");
      assertTrue(certs.contains(serial(pki, serverCerts.get(ROTATIONS)).toString(16)), certs);
    }
  }

  @Test
  void initialFetchTimeoutLetsTheListenerGoActiveAndHandshakesFailUntilTheSecretArrives() throws Exception {
    TestPki pki = new TestPki(dir, "mesh-ca");
    pki.issue("client", "client", "URI:spiffe://cluster.local/ns/default/sa/client");
    pki.issue("server", "server", "URI:spiffe://cluster.local/ns/default/sa/server");
    int admin = JavoyProcess.freePort();
    int port = JavoyProcess.freePort();
    try (ControlPlane sds = ControlPlane.unixSocket(dir.resolve("sds.sock"));
        InProcessJavoy javoy = InProcessJavoy.start(bootstrap(admin, port, sds, "1s"), admin)) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (Curl.run("http://127.0.0.1:" + admin + "/ready").status() != 200) {
        assertTrue(System.nanoTime() < deadline, "initial_fetch_timeout did not end warming");
        Thread.sleep(100);
      }
      assertTrue(listening(port));
      SSLContext client = clientContext(pki, "client");
      assertThrows(IOException.class, () -> requestOnNewConnection(client, port));
      sds.pushSecrets(certificate(pki, "server"), SdsEndToEndTest.rootCa(Files.readString(pki.caCert())));
      deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        try {
          assertEquals(serial(pki, "server"), requestOnNewConnection(clientContext(pki, "client"), port));
          break;
        } catch (IOException e) {
          assertTrue(System.nanoTime() < deadline, "handshakes kept failing after the secret arrived: " + e);
          Thread.sleep(200);
        }
      }
    }
  }
}
