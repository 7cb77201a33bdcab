package dev.javoy.proxy.upstream.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** xxHash64 against the reference library's outputs, and Envoy's MurmurHash2 against libstdc++'s std::hash. */
class XxHash64Test {
  @Test
  void knownVectors() {
    assertEquals(0xef46db3751d8e999L, XxHash64.hash(""));
    assertEquals(0xd24ec4f1a98c6e5bL, XxHash64.hash("a"));
    assertEquals(0x44bc2cf5ad770999L, XxHash64.hash("abc"));
    assertEquals(0xfbcea83c8a378bf1L, XxHash64.hash("Nobody inspects the spammish repetition"));
    assertEquals(0xf673a43b9624fa24L, XxHash64.hash("127.0.0.1:8080_0"));
    byte[] hundred = new byte[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = (byte) i;
    }
    assertEquals(0x6ac1e58032166597L, XxHash64.hash(hundred, 0));
  }

  @Test
  void seeded() {
    assertEquals(0xd5afba1336a3be4bL, XxHash64.hash("", 1));
    assertEquals(0xdec2bc81c3cd46c6L, XxHash64.hash("a", 1));
    assertEquals(0x43f425448d954db6L, XxHash64.hash("Nobody inspects the spammish repetition", 1));
    byte[] hundred = new byte[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = (byte) i;
    }
    assertEquals(0x3d19a3a2098a7023L, XxHash64.hash(hundred, 1));
  }

  @Test
  void hexIsSixteenDigits() {
    assertEquals("000000000000000f", XxHash64.toHex(15));
    assertEquals("ef46db3751d8e999", XxHash64.toHex(XxHash64.hash("")));
  }

  @Test
  void murmurHash2MatchesLibstdcxxStdHash() {
    assertEquals(0x553e93901e462a6eL, MurmurHash2.hash(""));
    assertEquals(0x454ddee488c1ed6bL, MurmurHash2.hash("a"));
    assertEquals(0x85a8e535edf11e5aL, MurmurHash2.hash("foo"));
    assertEquals(0x4d6686d362067ff9L, MurmurHash2.hash("hello world"));
    assertEquals(0xde6d9b1548538b53L, MurmurHash2.hash("127.0.0.1:8080_0"));
    assertEquals(0x36c753533da778afL,
        MurmurHash2.hash("0123456789abcdefXYZ".getBytes(StandardCharsets.UTF_8), MurmurHash2.STD_HASH_SEED));
  }
}
