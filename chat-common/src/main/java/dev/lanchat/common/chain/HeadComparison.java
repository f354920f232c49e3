package dev.lanchat.common.chain;

import dev.lanchat.common.bytes.ByteString;

/**
 * What {@link RoomChain#compare} made of a member's signed head. {@link Disagrees} and {@link
 * BadSignature} warn everyone who sees them, naming the room and both members.
 */
public sealed interface HeadComparison {
  /** The key that signed (or claims to have signed) the head. */
  ByteString signer();

  /** The room. */
  String room();

  /** The event id the head covers. */
  long id();

  /**
   * The signer saw the same history as this client up to {@code id}.
   *
   * @param signer the member's key
   * @param room the room
   * @param id the event id
   */
  record Agrees(ByteString signer, String room, long id) implements HeadComparison {}

  /**
   * The signer's head at {@code id} differs from this client's: the server showed the two of
   * them different histories of the room.
   *
   * @param signer the member's key
   * @param room the room
   * @param id the event id
   */
  record Disagrees(ByteString signer, String room, long id) implements HeadComparison {}

  /**
   * This client has no head of its own at {@code id} to compare with.
   *
   * @param signer the member's key
   * @param room the room
   * @param id the event id
   * @param why why there is none
   */
  record Unknown(ByteString signer, String room, long id, Why why) implements HeadComparison {
    /** Why a signed head could not be compared. */
    public enum Why {
      /** This client is not in the room. */
      NOT_JOINED,
      /** This client has not reached that event yet. */
      NOT_YET_SEEN,
      /** The event is before this client's chain began, or its head is forgotten. */
      TOO_OLD
    }
  }

  /**
   * The signature does not verify under the key the head names: someone between the members,
   * most likely the server, made or changed it.
   *
   * @param signer the key the head names
   * @param room the room
   * @param id the event id
   */
  record BadSignature(ByteString signer, String room, long id) implements HeadComparison {}
}
