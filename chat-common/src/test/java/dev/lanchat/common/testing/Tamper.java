package dev.lanchat.common.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FaultProxy} does to each whole frame (4-byte length and payload) of one
 * direction of one connection. Frame 0 is the hello; records follow. An instance may hold state
 * (a frame held back to reorder it), so each connection direction gets its own.
 */
@FunctionalInterface
public interface Tamper {
  /** What to do with frame number {@code index}. */
  Action at(int index, byte[] frame);

  /** The proxy's answer to one frame. */
  sealed interface Action {
    /** Forward these frames, in this order, in place of the one given (none: drop it). */
    record Emit(List<byte[]> frames) implements Action {
      public Emit {
        frames = List.copyOf(frames);
      }
    }

    /** Forward nothing more in this direction and keep both sockets open (half-open). */
    record Freeze() implements Action { }

    /** Abort the connection with a TCP reset on both sides. */
    record Reset() implements Action { }
  }

  /** Forwards every frame as it came. */
  static Tamper none() {
    return (index, frame) -> new Action.Emit(List.of(frame));
  }

  /** Flips bit {@code bit} of frame {@code at} (bits 0 to 31 are the length). */
  static Tamper flipBit(int at, int bit) {
    return (index, frame) -> {
      if (index != at) {
        return new Action.Emit(List.of(frame));
      }
      byte[] copy = frame.clone();
      int b = Math.floorMod(bit, copy.length * 8);
      copy[b / 8] ^= (byte) (0x80 >>> (b % 8));
      return new Action.Emit(List.of(copy));
    };
  }

  /** Drops frame {@code at}. */
  static Tamper drop(int at) {
    return (index, frame) -> new Action.Emit(index == at ? List.of() : List.of(frame));
  }

  /** Sends frame {@code at} twice. */
  static Tamper duplicate(int at) {
    return (index, frame) -> new Action.Emit(index == at ? List.of(frame, frame) : List.of(frame));
  }

  /** Swaps frames {@code at} and {@code at + 1}. */
  static Tamper reorder(int at) {
    byte[][] held = new byte[1][];
    return (index, frame) -> {
      if (index == at) {
        held[0] = frame;
        return new Action.Emit(List.of());
      }
      if (index == at + 1 && held[0] != null) {
        return new Action.Emit(List.of(frame, held[0]));
      }
      return new Action.Emit(List.of(frame));
    };
  }

  /** Puts {@code foreign}, a whole frame from another session, in place of frame {@code at}. */
  static Tamper splice(int at, byte[] foreign) {
    byte[] copy = foreign.clone();
    return (index, frame) -> new Action.Emit(List.of(index == at ? copy : frame));
  }

  /** Stops forwarding at frame {@code at}, leaving the connection open. */
  static Tamper freeze(int at) {
    return (index, frame) -> index >= at ? new Action.Freeze() : new Action.Emit(List.of(frame));
  }

  /** Resets the connection at frame {@code at}. */
  static Tamper reset(int at) {
    return (index, frame) -> index >= at ? new Action.Reset() : new Action.Emit(List.of(frame));
  }

  /** Forwards every frame and adds a copy of it to {@code sink} (to splice it elsewhere later). */
  static Tamper record(List<byte[]> sink) {
    Objects.requireNonNull(sink, "sink");
    return (index, frame) -> {
      synchronized (sink) {
        sink.add(frame.clone());
      }
      return new Action.Emit(List.of(frame));
    };
  }

  /**
   * Applies {@code tamper} to a whole list of frames in memory, as the proxy would to a stream
   * (record-layer tests without sockets).
   *
   * @throws IllegalArgumentException if the tamper freezes or resets: a list has no connection
   */
  static List<byte[]> applyTo(Tamper tamper, List<byte[]> frames) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      switch (tamper.at(i, frames.get(i))) {
        case Action.Emit e -> out.addAll(e.frames());
        case Action.Freeze f -> throw new IllegalArgumentException("freeze needs a connection");
        case Action.Reset r -> throw new IllegalArgumentException("reset needs a connection");
      }
    }
    return out;
  }
}
