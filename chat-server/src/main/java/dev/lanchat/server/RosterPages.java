package dev.lanchat.server;

import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.RosterEntry;
import dev.lanchat.common.message.ServerMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's members as ROSTER records (protocol "ROSTER"): in join order, each with its away
 * text, split over as many records as one record's size and the u16 count need; every record
 * but the last says {@code more}.
 */
final class RosterPages {
  private RosterPages() {}

  /** The ROSTER records of {@code room} listing {@code members}, in order. */
  static List<byte[]> encode(String room, List<Member> members) {
    List<RosterEntry> entries = members.stream()
        .map(m -> new RosterEntry(m.onWire(), m.away())).toList();
    List<List<RosterEntry>> pages = RecordPages.split(entries,
        1 + PendingNotices.utf8(room) + 1 + 2,
        e -> PendingNotices.utf8(e.member().name()) + 32 + PendingNotices.utf8(e.away()));
    List<byte[]> out = new ArrayList<>(pages.size());
    for (int i = 0; i < pages.size(); i++) {
      out.add(MessageCodec.encode(
          new ServerMessage.Roster(room, i < pages.size() - 1, pages.get(i))));
    }
    return out;
  }
}
