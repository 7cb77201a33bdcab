package dev.javoy.proxy.secret;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Private keys from PEM with the JDK alone: PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8
 * ({@code ENCRYPTED PRIVATE KEY}, with a password), PKCS#1 RSA ({@code RSA PRIVATE KEY}) and SEC1 EC
 * ({@code EC PRIVATE KEY}) keys; the last two are rewrapped as PKCS#8.
 */
final class PemPrivateKeys {
  private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
      0x01, 0x01};
  private static final byte[] OID_EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
      0x01};
  private static final byte[] NULL = {0x05, 0x00};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  private static final String[] ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

  private PemPrivateKeys() {}

  /**
   * The one private key of {@code pem}.
   *
   * @param password for an encrypted key, else null
   * @throws GeneralSecurityException naming what is wrong
   */
  static PrivateKey parse(String pem, char[] password) throws GeneralSecurityException {
    PrivateKey key = null;
    for (PemBlocks.Block b : PemBlocks.parse(pem)) {
      PrivateKey k = switch (b.label()) {
        case "PRIVATE KEY" -> pkcs8(b.der());
        case "RSA PRIVATE KEY" -> pkcs8(wrap(seq(concat(OID_RSA, NULL)), b.der()));
        case "EC PRIVATE KEY" -> pkcs8(wrap(seq(concat(OID_EC_PUBLIC_KEY, sec1Curve(b.der()))), b.der()));
        case "ENCRYPTED PRIVATE KEY" -> decrypt(b.der(), password);
        default -> null; // EC PARAMETERS and other blocks carry no key
      };
      if (k != null) {
        if (key != null) {
          throw new GeneralSecurityException("more than one private key");
        }
        key = k;
      }
    }
    if (key == null) {
      throw new GeneralSecurityException("no PEM private key found");
    }
    return key;
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm
      }
    }
    throw new GeneralSecurityException("unreadable private key");
  }

  private static PrivateKey decrypt(byte[] der, char[] password) throws GeneralSecurityException {
    if (password == null) {
      throw new GeneralSecurityException("the private key is encrypted and no password is given");
    }
    try {
      EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
      String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
      SecretKeyFactory f = SecretKeyFactory.getInstance(alg);
      Cipher c = Cipher.getInstance(alg);
      c.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
      return pkcs8(info.getKeySpec(c).getEncoded());
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new GeneralSecurityException("cannot decrypt the private key (wrong password?)");
    }
  }

  /** The named-curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}. */
  private static byte[] sec1Curve(byte[] der) throws GeneralSecurityException {
    Der seq = new Der(der, 0);
    if (seq.tag != 0x30) {
      throw new GeneralSecurityException("EC PRIVATE KEY is not a DER sequence");
    }
    int at = seq.contentStart;
    int end = seq.contentStart + seq.length;
    while (at < end) {
      Der item = new Der(der, at);
      if (item.tag == (byte) 0xa0) {
        Der oid = new Der(der, item.contentStart);
        return Arrays.copyOfRange(der, item.contentStart, oid.contentStart + oid.length);
      }
      at = item.contentStart + item.length;
    }
    throw new GeneralSecurityException("EC PRIVATE KEY without its named curve");
  }

  /** PrivateKeyInfo: version 0, algorithm, the key as an octet string. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return seq(concat(VERSION_0, algorithm, tlv(0x04, key)));
  }

  private static byte[] seq(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One DER header: tag, length, where the content starts. */
  private static final class Der {
    final byte tag;
    final int length;
    final int contentStart;

    Der(byte[] der, int at) throws GeneralSecurityException {
      if (at + 2 > der.length) {
        throw new GeneralSecurityException("truncated DER");
      }
      tag = der[at];
      int first = der[at + 1] & 0xff;
      int pos = at + 2;
      int len;
      if (first < 0x80) {
        len = first;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 3 || pos + n > der.length) {
          throw new GeneralSecurityException("bad DER length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (der[pos++] & 0xff);
        }
      }
      if (pos + len > der.length) {
        throw new GeneralSecurityException("truncated DER");
      }
      length = len;
      contentStart = pos;
    }
  }
}
