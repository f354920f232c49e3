package dev.lanchat.server;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.e2e.DmContent;
import dev.lanchat.common.e2e.DmSealer;
import dev.lanchat.common.e2e.E2eKey;
import dev.lanchat.common.e2e.E2eRoom;
import dev.lanchat.common.e2e.KeyRing;
import dev.lanchat.common.e2e.RotationSchedule;
import dev.lanchat.common.e2e.SealedDm;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * One test client's end-to-end side, made with chat-common's real classes: an identity, its
 * key ring and DM sealer, so what the server gets are genuine keys, sealed DMs and room
 * messages.
 */
final class E2eParty {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Identity identity = Identity.generate(RANDOM);
  private final KeyRing ring =
      KeyRing.create(identity, RotationSchedule.DEFAULT, RANDOM, System.currentTimeMillis());
  private final DmSealer sealer = new DmSealer(ring, RANDOM);

  Identity identity() {
    return identity;
  }

  ByteString id() {
    return ByteString.copyOf(identity.publicKey());
  }

  /** The key to publish. */
  E2eKey key() {
    return ring.current();
  }

  DmSealer sealer() {
    return sealer;
  }

  /** A text DM sealed to {@code to}. */
  SealedDm seal(E2eParty to, String text) {
    return sealer.seal(to.key(), DmContent.TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** This party's end of the end-to-end room {@code room}. */
  E2eRoom room(String room) {
    return new E2eRoom(room, identity, sealer, RANDOM);
  }
}
