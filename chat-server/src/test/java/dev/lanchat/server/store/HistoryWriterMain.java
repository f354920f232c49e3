package dev.lanchat.server.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The child process of {@link CrashDurabilityTest}: appends events to the store in {@code
 * args[0]} and prints each id as soon as {@link History#append} returned it, until it is killed
 * (or has written {@code args[1]} events, so it can never run forever).
 */
final class HistoryWriterMain {
  private HistoryWriterMain() {}

  public static void main(String[] args) throws Exception {
    int limit = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Store store = Store.open(Path.of(args[0]), Clock.systemUTC())) {
      History history = store.history(Retention.defaults());
      OfflineDms dms = store.offlineDms(Retention.defaults());
      for (int i = 1; i <= limit; i++) {
        AppendResult r = history.append(RoomEventDraft.ofMember("#general", i,
            HistoryTest.MESSAGE, HistoryTest.key(1), i), (id, head) -> CrashDurabilityTest.body(id));
        long id = ((AppendResult.Appended) r).event().eventId();
        dms.deliverLater(CrashDurabilityTest.recipient(i), HistoryTest.key(1), -i, i,
            CrashDurabilityTest.body(-i));
        out.println(id); // only after both writes returned: each printed id is acknowledged
      }
    }
  }
}
