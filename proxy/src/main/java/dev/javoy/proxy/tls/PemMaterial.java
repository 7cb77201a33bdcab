package dev.javoy.proxy.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM as Envoy reads it through BoringSSL: certificate chains and CRLs (several blocks one after another), and a
 * private key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1
 * ({@code EC PRIVATE KEY}, the form Istio's CA writes), converted to PKCS#8 for the JDK's key factories.
 */
final class PemMaterial {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemMaterial() {}

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(byte[] pem) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    List<Block> out = new ArrayList<>();
    while (m.find()) {
      out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return out;
  }

  /** Every certificate in {@code pem}, in order; at least one. */
  static X509Certificate[] certificates(byte[] pem) throws GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certs = new ArrayList<>();
    for (Block b : blocks(pem)) {
      if (b.type.equals("CERTIFICATE") || b.type.equals("TRUSTED CERTIFICATE")) {
        certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der)));
      }
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no PEM certificate found");
    }
    return certs.toArray(new X509Certificate[0]);
  }

  /** Every CRL in {@code pem}; at least one. */
  static List<X509CRL> crls(byte[] pem) throws GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509CRL> crls = new ArrayList<>();
    for (Block b : blocks(pem)) {
      if (b.type.equals("X509 CRL")) {
        CRL crl = cf.generateCRL(new ByteArrayInputStream(b.der));
        crls.add((X509CRL) crl);
      }
    }
    if (crls.isEmpty()) {
      throw new GeneralSecurityException("no PEM CRL found");
    }
    return crls;
  }

  /** The first private key in {@code pem}. */
  static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
    for (Block b : blocks(pem)) {
      switch (b.type) {
        case "PRIVATE KEY":
          return pkcs8(b.der);
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, b.der)));
        case "EC PRIVATE KEY":
          return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(wrap(ecAlgorithm(b.der), b.der)));
        case "ENCRYPTED PRIVATE KEY":
          throw new GeneralSecurityException("encrypted private keys are not supported (no password field)");
        default:
          break;
      }
    }
    throw new GeneralSecurityException("no PEM private key found");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** SEC 1 {@code ECPrivateKey}: the named curve in its {@code [0] parameters} gives the PKCS#8 algorithm. */
  private static byte[] ecAlgorithm(byte[] sec1) throws GeneralSecurityException {
    int[] p = {0};
    expect(sec1, p, 0x30);
    readLength(sec1, p);
    while (p[0] < sec1.length) {
      int tag = sec1[p[0]++] & 0xff;
      int len = readLength(sec1, p);
      if (tag == 0xa0) {
        byte[] curve = new byte[len];
        System.arraycopy(sec1, p[0], curve, 0, len);
        return sequence(EC_PUBLIC_KEY_OID, curve);
      }
      p[0] += len;
    }
    throw new GeneralSecurityException("EC private key without named curve parameters");
  }

  private static void expect(byte[] der, int[] p, int tag) throws GeneralSecurityException {
    if (p[0] >= der.length || (der[p[0]++] & 0xff) != tag) {
      throw new GeneralSecurityException("malformed DER private key");
    }
  }

  private static int readLength(byte[] der, int[] p) throws GeneralSecurityException {
    int b = der[p[0]++] & 0xff;
    if (b < 0x80) {
      return b;
    }
    int n = b & 0x7f;
    if (n > 3) {
      throw new GeneralSecurityException("malformed DER length");
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (der[p[0]++] & 0xff);
    }
    return len;
  }

  /** PKCS#8 {@code PrivateKeyInfo}: version 0, the algorithm, the key as an OCTET STRING. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    writeLength(body, key.length);
    body.writeBytes(key);
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    writeLength(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
  }
}
