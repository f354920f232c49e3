package dev.lanchat.common.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.HeadSigningSchedule.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** The rate rule: at most one signed head a minute per room, and only of a head that moved. */
class HeadSigningScheduleTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** A clock the test moves by hand. */
  private static final class HandClock implements InstantSource {
    private Instant now = START;

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  private static ChainHead head(String room, long id) {
    byte[] h = new byte[32];
    h[0] = (byte) id;
    return new ChainHead(room, id, ByteString.copyOf(h));
  }

  @Test
  void theFirstHeadOfARoomIsSignedAtOnce() {
    HeadSigningSchedule schedule = new HeadSigningSchedule(new HandClock());
    Decision.Sign s = assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 3)));
    assertEquals(head("#dev", 3), s.head());
  }

  @Test
  void aRoomIsSignedAtMostOnceAMinute() {
    HandClock clock = new HandClock();
    HeadSigningSchedule schedule = new HeadSigningSchedule(clock);
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 1)));
    for (int second = 0; second < 60; second++) {
      Decision.Wait w = assertInstanceOf(Decision.Wait.class,
          schedule.decide(head("#dev", 2 + second)), "second " + second);
      assertEquals(START.plus(HeadSigningSchedule.INTERVAL), w.notBefore());
      clock.advance(Duration.ofSeconds(1));
    }
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 70)));
    clock.advance(Duration.ofSeconds(59));
    assertInstanceOf(Decision.Wait.class, schedule.decide(head("#dev", 71)));
  }

  @Test
  void aHeadAlreadySignedIsNothingNewHoweverLongAgo() {
    HandClock clock = new HandClock();
    HeadSigningSchedule schedule = new HeadSigningSchedule(clock);
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 5)));
    clock.advance(Duration.ofHours(1));
    assertInstanceOf(Decision.NothingNew.class, schedule.decide(head("#dev", 5)));
    assertInstanceOf(Decision.NothingNew.class, schedule.decide(head("#dev", 4)));
    assertInstanceOf(Decision.NothingNew.class,
        schedule.decide(ChainHash.genesis("#quiet")));
  }

  @Test
  void roomsAreScheduledApart() {
    HeadSigningSchedule schedule = new HeadSigningSchedule(new HandClock());
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 1)));
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#ops", 1)));
    assertInstanceOf(Decision.Wait.class, schedule.decide(head("#dev", 2)));
  }

  @Test
  void aRoomForgottenMaySignAgainAtOnce() {
    HeadSigningSchedule schedule = new HeadSigningSchedule(new HandClock());
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 1)));
    schedule.forget("#dev");
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#dev", 1)));
  }

  @Test
  void theNumberOfRoomsScheduledIsCapped() {
    HeadSigningSchedule schedule = new HeadSigningSchedule(new HandClock(), 2);
    schedule.decide(head("#a", 1));
    schedule.decide(head("#b", 1));
    assertThrows(IllegalStateException.class, () -> schedule.decide(head("#c", 1)));
    schedule.forget("#a");
    assertInstanceOf(Decision.Sign.class, schedule.decide(head("#c", 1)));
  }
}
