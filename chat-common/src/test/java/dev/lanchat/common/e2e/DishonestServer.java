package dev.lanchat.common.e2e;

import dev.lanchat.common.bytes.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For tests: plays the server's side of the end-to-end layer over bytes, the way a compromised
 * server could. It knows every member's room end, hands out memberships (honest or with a key
 * swapped), routes sealed sender keys, and relays room messages to whom it likes, as often and
 * in what order it likes. It never holds a key a member did not publish.
 */
final class DishonestServer {
  private final String room;
  private final Map<Member, E2eRoom> ends = new LinkedHashMap<>();
  /** What each member's client reported, for assertions. */
  final Map<Member, List<Object>> seen = new LinkedHashMap<>();

  DishonestServer(String room) {
    this.room = room;
  }

  E2eRoom join(Member member) {
    E2eRoom end = new E2eRoom(room, member.identity, member.sealer, member.random);
    ends.put(member, end);
    seen.put(member, new ArrayList<>());
    return end;
  }

  E2eRoom end(Member member) {
    return ends.get(member);
  }

  /**
   * Tells {@code to} that the room holds {@code members}, as announced; the sender keys it
   * hands out are routed by {@link #route}, after the recipients know the membership too (as
   * the server sends JOINED before it relays anything from the newcomer's peers).
   */
  E2eRoom.Membership announce(Member to, List<E2eRoom.Member> members) {
    return end(to).setMembers(members, Member.T0);
  }

  /** Routes every sender key of {@code membership}, which {@code from} handed out. */
  void route(Member from, E2eRoom.Membership membership) {
    for (E2eRoom.Delivery delivery : membership.deliveries()) {
      deliver(from, recipientOf(delivery.recipient()), delivery.dm());
    }
  }

  /** Honestly: each of {@code members} is told about all of them, then the keys go out. */
  void announceAll(List<Member> members) {
    List<E2eRoom.Member> list = members.stream().map(Member::asMember).toList();
    Map<Member, E2eRoom.Membership> all = new LinkedHashMap<>();
    for (Member member : members) {
      all.put(member, announce(member, list));
    }
    all.forEach(this::route);
  }

  /** Hands {@code recipient} a sealed DM the server says came from {@code sender}. */
  InstallOutcome deliver(Member sender, Member recipient, SealedDm dm) {
    DmOutcome outcome = recipient.sealer.open(sender.id(), dm);
    InstallOutcome result = outcome instanceof DmOutcome.Opened opened
        ? end(recipient).install(opened)
        : new InstallOutcome.Refused(sender.id(), InstallOutcome.Reason.MALFORMED);
    seen.get(recipient).add(outcome);
    return result;
  }

  /** Relays {@code message} to {@code recipient} as coming from {@code claimedSender}. */
  RoomOutcome relay(Member claimedSender, Member recipient, RoomMessage message) {
    RoomOutcome outcome = end(recipient).open(claimedSender.id(), message);
    seen.get(recipient).add(outcome);
    return outcome;
  }

  private Member recipientOf(ByteString identity) {
    return ends.keySet().stream().filter(m -> m.id().equals(identity)).findFirst()
        .orElseThrow();
  }
}
