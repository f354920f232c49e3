package dev.lanchat.common.channel;

import static dev.lanchat.common.testing.VectorBlocks.block;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanchat.common.crypto.CipherState;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/protocol.md "Key update": a client whose {@code k_c2s} is 32 bytes
 * of 0x07 sends records 0 and 1, then updates its key, then sends PING with token 1. Our channel
 * computes the values, the JDK's HMAC and AES-GCM compute them again from the section's text
 * alone, and the document must print exactly these.
 */
class KeyUpdateVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] PING_1 = HEX.parseHex("140000000000000001");

  @Test
  void theDocumentPrintsTheExampleAsComputedTwice() throws Exception {
    Map<String, byte[]> ours = ours();
    Map<String, byte[]> jdk = jdkAlone();
    assertEquals(jdk.keySet(), ours.keySet());
    for (String name : jdk.keySet()) {
      assertArrayEquals(jdk.get(name), ours.get(name), name);
    }
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/protocol.md")
        .normalize();
    if (!Files.isRegularFile(doc)) {
      fail("docs/protocol.md is missing (looked at " + doc.toAbsolutePath() + ")");
    }
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertTrue(text.contains("## Key update"), "the section is missing");
    String block = block(jdk);
    assertTrue(text.contains(block),
        "the key-update vectors block of docs/protocol.md should read exactly:\n" + block);
  }

  /** Through SecureChannel: two records, updateSendingKey, PING; the wire gives the records. */
  private static Map<String, byte[]> ours() throws Exception {
    byte[] k = filled(0x07);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    SecureChannel client = new SecureChannel(new FrameReader(InputStream.nullInputStream()),
        new FrameWriter(wire), CipherState.of(k), CipherState.of(filled(0x08)),
        KeyUpdates.client(KeyUpdatePolicy.defaults()));
    client.send(List.of(PING_1, PING_1));
    client.updateSendingKey();
    client.send(List.of(PING_1));
    client.updateSendingKey();
    List<byte[]> records = records(wire.toByteArray());
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("key_before", k);
    out.put("key_update_plaintext", new byte[] {KeyUpdates.CLIENT_KEY_UPDATE});
    out.put("key_update_record", records.get(2));
    out.put("key_after", dev.lanchat.common.crypto.KeyUpdate.nextKey(k));
    out.put("first_plaintext_after", PING_1);
    out.put("first_record_after", records.get(3));
    out.put("second_key_update_record", records.get(4));
    out.put("key_after_second_update",
        dev.lanchat.common.crypto.KeyUpdate.nextKey(dev.lanchat.common.crypto.KeyUpdate.nextKey(k)));
    return out;
  }

  /** From the section's text: HMAC-SHA256 for HKDF-Expand, AES-256-GCM with the counter nonce. */
  private static Map<String, byte[]> jdkAlone() throws Exception {
    byte[] k = filled(0x07);
    byte[] k1 = expand(k);
    byte[] update = {0x1A};
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("key_before", k);
    out.put("key_update_plaintext", update);
    out.put("key_update_record", seal(k, 2, update));
    out.put("key_after", k1);
    out.put("first_plaintext_after", PING_1);
    out.put("first_record_after", seal(k1, 0, PING_1));
    out.put("second_key_update_record", seal(k1, 1, update));
    out.put("key_after_second_update", expand(k1));
    return out;
  }

  private static byte[] expand(byte[] prk) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    mac.update("lanchat v2 key update".getBytes(StandardCharsets.US_ASCII));
    mac.update((byte) 0x01);
    return mac.doFinal();
  }

  private static byte[] seal(byte[] key, long seq, byte[] plaintext) throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (seq >>> (8 * i));
    }
    Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    return jdk.doFinal(plaintext);
  }

  private static byte[] filled(int value) {
    byte[] out = new byte[32];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static List<byte[]> records(byte[] wire) throws Exception {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
    List<byte[]> out = new ArrayList<>();
    while (true) {
      try {
        out.add(reader.readFrame());
      } catch (EOFException end) {
        return out;
      }
    }
  }

}
