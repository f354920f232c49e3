package dev.lanchat.client;

import dev.lanchat.common.rules.Texts;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A decrypted text under the same rules as a text the server relays in the clear: strict UTF-8
 * and {@link Texts#check}; the server could not check it, so the receiving client does.
 * Terminal safety comes after, where every text is shown ({@link EventFormat}). Stateless.
 */
final class E2eText {
  private E2eText() {}

  /** The text, or empty when the bytes are not UTF-8 or break the text rules. */
  static Optional<String> decode(byte[] utf8) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
    return Texts.check(text) == Texts.Verdict.OK ? Optional.of(text) : Optional.empty();
  }
}
