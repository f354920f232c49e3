package dev.lanchat.common.chain;

import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.Events.Delivery;
import dev.lanchat.common.crypto.Identity;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A test double of the server's side of one room: it keeps the room's true history, shows
 * every member that history with its heads, except one member it lies to, and relays the
 * members' signed heads (or withholds them). Each member runs the real {@link RoomChain} and
 * {@link HeadSigningSchedule}; the run records every warning either of them would show.
 *
 * <p>Time is a hand clock: the server delivers one event to every member per step, and each
 * step lasts {@link #STEP}, so a member signs about every third step.
 */
final class FakeChainServer {
  /** Time between two events. */
  static final Duration STEP = Duration.ofSeconds(20);

  /** What caught the lie. */
  enum By { CHAIN, SIGNED_HEADS }

  /**
   * One warning a member's client would show.
   *
   * @param by what raised it
   * @param step the index of the event delivery after which it was raised
   * @param member who saw it
   * @param what the outcome or comparison behind it
   */
  record Detection(By by, int step, String member, Object what) {}

  /** How the server shows a member the room: from the true history to what that member gets. */
  interface View {
    List<Delivery> deliveries(List<RoomEvent> truth);

    /** The truth, with the server's ids and heads. */
    static View honest() {
      return Events::chained;
    }

    /**
     * A liar that changes what it sends but neither renumbers nor re-hashes: the ids and heads
     * it sends are those of the true history.
     */
    static View naive(UnaryOperator<List<Delivery>> change) {
      return truth -> change.apply(new ArrayList<>(Events.chained(truth)));
    }

    /**
     * A careful liar: it changes the events, then numbers them 1, 2, 3, … again and chains them
     * afresh, so that the member's chain is consistent in itself.
     */
    static View careful(UnaryOperator<List<RoomEvent>> change) {
      return truth -> {
        List<RoomEvent> changed = change.apply(new ArrayList<>(truth));
        List<RoomEvent> renumbered = new ArrayList<>();
        for (int i = 0; i < changed.size(); i++) {
          renumbered.add(Events.renumbered(changed.get(i), i + 1));
        }
        return Events.chained(renumbered);
      };
    }
  }

  /** One member's client: its chain check and its signing schedule. */
  private static final class Member {
    final String name;
    final Identity identity;
    final RoomChain chain = new RoomChain();
    final HeadSigningSchedule schedule;
    final List<Delivery> deliveries;

    Member(String name, Identity identity, HeadSigningSchedule schedule,
        List<Delivery> deliveries) {
      this.name = name;
      this.identity = identity;
      this.schedule = schedule;
      this.deliveries = deliveries;
    }
  }

  /** A clock the run moves by hand. */
  private static final class HandClock implements InstantSource {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final String room;
  private final List<RoomEvent> truth;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final HandClock clock = new HandClock();
  private boolean relay = true;
  private boolean forge;

  FakeChainServer(String room, List<RoomEvent> truth) {
    this.room = room;
    this.truth = List.copyOf(truth);
  }

  /** Adds a member shown the room through {@code view}. */
  FakeChainServer member(String name, Identity identity, View view) {
    Member m = new Member(name, identity, new HeadSigningSchedule(clock),
        view.deliveries(truth));
    m.chain.join(room);
    members.put(name, m);
    return this;
  }

  /** The server drops every signed head instead of relaying it. */
  FakeChainServer withholdSignedHeads() {
    relay = false;
    return this;
  }

  /**
   * The server changes one byte of the head in every signed head it relays (a forgery: it
   * cannot sign as the member).
   */
  FakeChainServer forgeSignedHeads() {
    forge = true;
    return this;
  }

  /** Delivers every member's events, one per member per step, and collects the warnings. */
  List<Detection> run() {
    List<Detection> detections = new ArrayList<>();
    int steps = members.values().stream().mapToInt(m -> m.deliveries.size()).max().orElse(0);
    for (int step = 0; step < steps; step++) {
      for (Member m : members.values()) {
        if (step < m.deliveries.size()) {
          Delivery d = m.deliveries.get(step);
          ChainOutcome outcome = m.chain.accept(d.event(), d.head());
          if (outcome.isBreak()) {
            detections.add(new Detection(By.CHAIN, step, m.name, outcome));
          }
        }
      }
      clock.now = clock.now.plus(STEP);
      exchangeSignedHeads(step, detections);
    }
    return Collections.unmodifiableList(detections);
  }

  private void exchangeSignedHeads(int step, List<Detection> detections) {
    for (Member signer : members.values()) {
      ChainHead head = signer.chain.head(room).orElse(null);
      if (head == null
          || !(signer.schedule.decide(head) instanceof HeadSigningSchedule.Decision.Sign)) {
        continue;
      }
      // encoded and parsed, as it would travel
      byte[] wire = SignedHead.sign(signer.identity, head).encode();
      if (!relay) {
        continue;
      }
      if (forge) {
        wire[wire.length - 64 - 32 - 1] ^= 1; // the last byte of the head
      }
      for (Member receiver : members.values()) {
        if (receiver == signer) {
          continue;
        }
        HeadComparison c = receiver.chain.compare(parse(wire));
        if (c instanceof HeadComparison.Disagrees || c instanceof HeadComparison.BadSignature) {
          detections.add(new Detection(By.SIGNED_HEADS, step, receiver.name,
              nameOf(c.signer()) + ": " + c));
        }
      }
    }
  }

  /** A member's current head. */
  ChainHead head(String member) {
    return members.get(member).chain.head(room).orElseThrow();
  }

  private String nameOf(ByteString key) {
    return members.values().stream()
        .filter(m -> key.contentEquals(m.identity.publicKey()))
        .map(m -> m.name).findFirst().orElse("?");
  }

  private static SignedHead parse(byte[] wire) {
    try {
      return SignedHead.parse(wire);
    } catch (dev.lanchat.common.ProtocolException e) {
      throw new AssertionError("a signed head from an honest member must parse", e);
    }
  }
}
