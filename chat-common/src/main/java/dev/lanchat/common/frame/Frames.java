package dev.lanchat.common.frame;

/** Limits of the frame layer: {@code frame = u32 length ‖ payload[length]} (protocol §1). */
public final class Frames {
  /** Largest payload a frame may carry. */
  public static final int MAX_PAYLOAD = 65_536;

  /** Size of the length prefix. */
  public static final int HEADER_SIZE = 4;

  private Frames() {}

  /** True when {@code length} is a legal frame payload length, 1 to 65,536. */
  public static boolean isValidLength(long length) {
    return length >= 1 && length <= MAX_PAYLOAD;
  }
}
