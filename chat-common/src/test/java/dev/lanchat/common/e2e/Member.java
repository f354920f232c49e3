package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.crypto.Identity;
import java.security.SecureRandom;
import java.util.Arrays;

/** For tests: one client's end-to-end state, made from a one-byte seed. */
final class Member {
  static final long T0 = 1_767_225_600_000L;

  final String name;
  final Identity identity;
  final KeyRing ring;
  final DmSealer sealer;
  final SecureRandom random = new SecureRandom();

  Member(String name, int seed) {
    this.name = name;
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) seed);
    this.identity = Identity.fromSeed(bytes);
    this.ring = KeyRing.create(identity, RotationSchedule.DEFAULT, random, T0);
    this.sealer = new DmSealer(ring, random);
  }

  ByteString id() {
    return ByteString.copyOf(identity.publicKey());
  }

  E2eRoom.Member asMember() {
    return new E2eRoom.Member(id(), ring.current());
  }

  @Override
  public String toString() {
    return name;
  }
}
