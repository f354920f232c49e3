package dev.lanchat.common.message;

import java.util.Optional;

/** What happened to a DM, as the server's DM message says in its {@code status} u8 (§4.3). */
public enum DmStatus {
  /** 0: delivered live. */
  DELIVERED(0),
  /** 1: (echo to the sender) the recipient is offline; stored, delivered when they return. */
  STORED(1),
  /** 2: (echo to the sender) delivered, but the recipient is away; the note is their away text. */
  AWAY(2),
  /** 3: (to the recipient) delivered from storage; the time is when it was sent. */
  FROM_STORAGE(3);

  private final int code;

  DmStatus(int code) {
    this.code = code;
  }

  /** The u8 on the wire. */
  public int code() {
    return code;
  }

  /** The status with this number, if there is one. */
  public static Optional<DmStatus> of(int code) {
    for (DmStatus s : values()) {
      if (s.code == code) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
