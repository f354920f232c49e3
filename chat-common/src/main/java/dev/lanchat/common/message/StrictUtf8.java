package dev.lanchat.common.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The strict UTF-8 of a protocol {@code str} (protocol notation): malformed sequences, overlong
 * forms and encoded or unpaired surrogates are refused, never replaced by U+FFFD. One copy for
 * the message codec and the discovery datagrams.
 *
 * <p>Text that is all ASCII (names, most rooms and reasons) takes a short way in both
 * directions: ASCII is its own UTF-8, so it needs no coder. A join storm of 10,000 clients
 * decodes about 10^8 names, and a {@code CharsetDecoder} made for each was a third of the load
 * clients' time and a good part of the server's encoding (issue 12).
 */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /**
   * The UTF-8 bytes of {@code text}.
   *
   * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate
   */
  public static byte[] encode(String text) {
    if (isAscii(text)) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a str must not hold unpaired surrogates");
    }
  }

  /** The text in {@code length} bytes of {@code data} from {@code offset}, or empty if malformed. */
  public static Optional<String> decode(byte[] data, int offset, int length) {
    if (isAscii(data, offset, length)) {
      return Optional.of(new String(data, offset, length, StandardCharsets.US_ASCII));
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, offset, length))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(byte[] data, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (data[i] < 0) { // 0x80 and above
        return false;
      }
    }
    return true;
  }

  /** The longest prefix of {@code text}, in whole code points, that fits in {@code maxBytes}. */
  public static String truncate(String text, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return text.substring(0, end);
  }
}
