package dev.lanchat.common.pake;

import dev.lanchat.common.crypto.Ed25519;

/**
 * The session a join-code exchange belongs to, as this side saw it: the transcript hash {@code
 * th} of the v2 handshake, the server's long-term key {@code Si} and the client's {@code Ci}.
 * The key confirmation covers all three, so a confirmation made in one session, or for another
 * server key, is worthless in any other.
 *
 * @param th the handshake transcript hash, 32 bytes
 * @param si the server's Ed25519 public key as this side saw it, 32 bytes
 * @param ci the client's Ed25519 public key, 32 bytes
 */
public record SessionBinding(byte[] th, byte[] si, byte[] ci) {
  /** Bytes of {@code th}. */
  public static final int TH_SIZE = 32;

  public SessionBinding {
    th = checked(th, TH_SIZE, "th");
    si = checked(si, Ed25519.KEY_SIZE, "Si");
    ci = checked(ci, Ed25519.KEY_SIZE, "Ci");
  }

  @Override
  public byte[] th() {
    return th.clone();
  }

  @Override
  public byte[] si() {
    return si.clone();
  }

  @Override
  public byte[] ci() {
    return ci.clone();
  }

  private static byte[] checked(byte[] value, int size, String what) {
    if (value.length != size) {
      throw new IllegalArgumentException(what + " is " + size + " bytes, not " + value.length);
    }
    return value.clone();
  }
}
