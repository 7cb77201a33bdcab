package dev.javoy.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslProvider;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

class NettyJdkTls13ProbeTest {
  /** The stand-in's answers are SunJSSE's on this JDK, the way Netty's SslUtils asks. */
  @Test
  void standInAnswersAsTheJdkDoes() throws Exception {
    assertTrue(NettyJdkTls13Probe.standardJdkTls(), "this JDK has the standard provider order");
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, new TrustManager[0], null);
    assertEquals("SunJSSE", jdk.getProvider().getName());
    NettyJdkTls13Probe.ProbeContext standIn = new NettyJdkTls13Probe.ProbeContext();
    assertEquals(has(jdk.getSupportedSSLParameters(), "TLSv1.3"), has(standIn.engineGetSupportedSSLParameters(), "TLSv1.3"));
    assertEquals(has(jdk.getDefaultSSLParameters(), "TLSv1.3"), has(standIn.engineGetDefaultSSLParameters(), "TLSv1.3"));
    assertArrayEquals(jdk.getDefaultSSLParameters().getProtocols(), standIn.engineGetDefaultSSLParameters().getProtocols());
    for (String p : standIn.engineGetSupportedSSLParameters().getProtocols()) {
      assertTrue(has(jdk.getSupportedSSLParameters(), p), p);
    }
  }

  /** After TlsEngine's initialization Netty holds the JDK's answers, and the stand-in is gone. */
  @Test
  void nettySeesTheJdksAnswersAndTheProviderIsRemoved() throws Exception {
    NettyJdkTls13Probe.initializeNettySslUtils();
    TlsEngine.require("x");
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, new TrustManager[0], null);
    assertEquals(has(jdk.getSupportedSSLParameters(), "TLSv1.3"), SslProvider.isTlsv13Supported(SslProvider.JDK));
    assertEquals(has(jdk.getDefaultSSLParameters(), "TLSv1.3"), nettyField("TLSV1_3_JDK_DEFAULT_ENABLED"));
    assertTrue(SslProvider.isTlsv13Supported(SslProvider.OPENSSL_REFCNT));
    assertNull(Security.getProvider("javoy-netty-tls13-probe"));
    assertEquals("SunJSSE", SSLContext.getInstance("TLS").getProvider().getName());
  }

  private static boolean nettyField(String name) throws Exception {
    java.lang.reflect.Field f = Class.forName("io.netty.handler.ssl.SslUtils").getDeclaredField(name);
    f.setAccessible(true);
    return f.getBoolean(null);
  }

  private static boolean has(SSLParameters p, String protocol) {
    return List.of(p.getProtocols()).contains(protocol) || Arrays.asList(p.getProtocols()).contains(protocol);
  }
}
