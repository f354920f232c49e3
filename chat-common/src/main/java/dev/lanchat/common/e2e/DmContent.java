package dev.lanchat.common.e2e;

import java.util.Optional;

/** What a sealed DM carries, its {@code kind} byte inside the signed body. */
public enum DmContent {
  /** A text for the recipient to show, UTF-8, under the text rules (protocol §5.3). */
  TEXT(1),
  /** A sender key of a room (see {@link SenderKeyDistribution}). */
  SENDER_KEY(2);

  private final int code;

  DmContent(int code) {
    this.code = code;
  }

  /** The kind byte. */
  public int code() {
    return code;
  }

  /** The kind with {@code code}, if there is one. */
  static Optional<DmContent> of(int code) {
    for (DmContent kind : values()) {
      if (kind.code == code) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
