package dev.lanchat.client;

import dev.lanchat.common.message.ChainEvents;
import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.bytes.ByteString;
import dev.lanchat.common.chain.ChainHash;
import dev.lanchat.common.chain.ChainHead;
import dev.lanchat.common.crypto.Identity;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.EventHeader;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageCodec;
import dev.lanchat.common.message.ServerMessage;
import dev.lanchat.common.trust.KnownPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A test double of a server at the message layer, for one room: it shows each member (a real
 * {@link ChainWatch}, the client's own code) the room's events as encoded messages, and relays
 * the SIGNED_HEAD messages the members send; to one member it may lie. Time is a hand clock that
 * moves {@link #STEP} per event, so a member signs about every third event.
 */
final class LyingRoomServer {
  /** Time between two events. */
  static final Duration STEP = Duration.ofSeconds(20);
  static final String ROOM = "#dev";
  static final long T0 = 1_767_225_600_000L;

  /** One event before the server numbers and chains it: who, and a JOINED or a MESSAGE. */
  record Spec(Identity who, String name, Optional<String> text) {
    static Spec joined(Identity who, String name) {
      return new Spec(who, name, Optional.empty());
    }

    static Spec says(Identity who, String name, String text) {
      return new Spec(who, name, Optional.of(text));
    }

    /** The event message with id {@code id} and {@code head}. */
    ServerMessage.Event at(long id, ByteString head) {
      ByteString key = ByteString.copyOf(who.publicKey());
      EventHeader header = new EventHeader(ROOM, id, head, T0 + id * 1000, key);
      return text.<ServerMessage.Event>map(t -> new ServerMessage.Chat(header, name, t))
          .orElseGet(() -> new ServerMessage.Joined(header, new Member(name, key)));
    }
  }

  /** {@code specs} numbered 1, 2, 3, … and chained honestly, as the server sends them. */
  static List<ServerMessage.Event> chained(List<Spec> specs) {
    List<ServerMessage.Event> out = new ArrayList<>();
    ChainHead head = ChainHash.genesis(ROOM);
    for (int i = 0; i < specs.size(); i++) {
      ServerMessage.Event unchained = specs.get(i).at(i + 1, head.head());
      head = ChainHash.after(head, ChainEvents.of(unchained));
      out.add(specs.get(i).at(i + 1, head.head()));
    }
    return out;
  }

  /** How the server shows a member the room. */
  interface View {
    List<ServerMessage.Event> events(List<Spec> truth);

    static View honest() {
      return LyingRoomServer::chained;
    }

    /** Changes the true messages but keeps their ids and heads: the member's chain breaks. */
    static View naive(UnaryOperator<List<ServerMessage.Event>> change) {
      return truth -> change.apply(new ArrayList<>(chained(truth)));
    }

    /** Changes the events, then numbers and chains them afresh: a chain consistent in itself. */
    static View careful(UnaryOperator<List<Spec>> change) {
      return truth -> chained(change.apply(new ArrayList<>(truth)));
    }
  }

  /** What caught a lie. */
  enum By { CHAIN, SIGNED_HEADS }

  /** One warning line a member's client showed, after the delivery {@code step}. */
  record Warning(By by, int step, String member, String line) {}

  /** A console that keeps the problem lines, tagged with the step they came at. */
  private final class Lines implements Console {
    private final String member;

    Lines(String member) {
      this.member = member;
    }

    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public boolean color() {
      return false;
    }

    @Override
    public String readLine() {
      return null;
    }

    @Override
    public String ask(String question) {
      throw new IllegalStateException("no questions");
    }

    @Override
    public void event(String line) {}

    @Override
    public synchronized void problem(String line) {
      By by = line.startsWith(ChainWarnings.CHAIN) ? By.CHAIN
          : line.startsWith(ChainWarnings.SIGNED) ? By.SIGNED_HEADS : null;
      if (by == null) {
        throw new AssertionError(member + " was shown an unexpected problem: " + line);
      }
      warnings.add(new Warning(by, step, member, line));
    }

    @Override
    public void bell() {}

    @Override
    public void close() {}
  }

  private final class Client {
    final String name;
    final ChainWatch watch;
    final List<ServerMessage.Event> events;

    Client(String name, Identity identity, List<ServerMessage.Event> events, KnownPeers known) {
      this.name = name;
      this.events = events;
      this.watch = new ChainWatch(identity, new Lines(name), known, () -> clock,
          Optional.empty());
      watch.connected(SERVER_KEY, message -> fromClient(this, message));
    }
  }

  private static final byte[] SERVER_KEY = new byte[32];

  private final List<Spec> truth;
  private final Map<String, Client> clients = new LinkedHashMap<>();
  private final List<Warning> warnings = new ArrayList<>();
  private final List<Runnable> relays = new ArrayList<>();
  private final KnownPeers known;
  private Instant clock = Instant.parse("2026-01-01T00:00:00Z");
  private int step = -1;

  LyingRoomServer(List<Spec> truth, Path knownPeers) throws Exception {
    this.truth = List.copyOf(truth);
    this.known = KnownPeers.load(knownPeers);
  }

  /** Adds a member shown the room through {@code view}. */
  LyingRoomServer member(String name, Identity identity, View view) {
    clients.put(name, new Client(name, identity, view.events(truth), known));
    return this;
  }

  /**
   * Every member enters, then gets one event per step; after each step the clock moves and
   * the members' timers run. Returns the warnings in the order shown.
   */
  List<Warning> run() {
    for (Client c : clients.values()) {
      deliver(c, new ServerMessage.Entered(ROOM, "", clients.size(), 0, 0));
    }
    int steps = clients.values().stream().mapToInt(c -> c.events.size()).max().orElse(0);
    for (step = 0; step < steps; step++) {
      for (Client c : clients.values()) {
        if (step < c.events.size()) {
          deliver(c, c.events.get(step));
        }
      }
      relayQueued();
      clock = clock.plus(STEP);
      clients.values().forEach(c -> c.watch.signDue());
      relayQueued();
    }
    clients.values().forEach(c -> c.watch.close());
    return List.copyOf(warnings);
  }

  /** The head {@code member}'s client has now. */
  ChainHead head(String member) {
    return clients.get(member).watch.head(ROOM).orElseThrow();
  }

  /** {@code member}'s client's /verify line, as it would print it. */
  String verifyLine(String member) {
    List<String> lines = new ArrayList<>();
    Console console = new Collecting(lines);
    new VerifyCommand(console, clients.get(member).watch, () -> Optional.of(ROOM))
        .handle("/verify");
    return lines.getFirst();
  }

  /**
   * A member's message: the server relays a SIGNED_HEAD to the room's other members (once every
   * member has the events fanned out before it), as the real server does.
   */
  private void fromClient(Client from, ClientMessage message) {
    ClientMessage decoded = (ClientMessage) roundTrip(message);
    if (!(decoded instanceof ClientMessage.SignedHead signed)) {
      throw new AssertionError("a member sent " + decoded);
    }
    for (Client to : clients.values()) {
      if (to != from) {
        relays.add(() -> deliver(to, new ServerMessage.SignedHead(signed.head())));
      }
    }
  }

  private void relayQueued() {
    List<Runnable> now = new ArrayList<>(relays);
    relays.clear();
    now.forEach(Runnable::run);
  }

  private static void deliver(Client to, ServerMessage message) {
    to.watch.received((ServerMessage) roundTrip(message));
  }

  /** Encodes and decodes {@code message}: the client sees only what the wire can carry. */
  private static Message roundTrip(Message message) {
    try {
      return MessageCodec.decode(MessageCodec.encode(message));
    } catch (ProtocolException e) {
      throw new AssertionError("the codec refused its own " + message, e);
    }
  }

  /** A console that keeps its event lines. */
  private record Collecting(Collection<String> lines) implements Console {
    @Override
    public boolean interactive() {
      return false;
    }

    @Override
    public boolean color() {
      return false;
    }

    @Override
    public String readLine() {
      return null;
    }

    @Override
    public String ask(String question) {
      throw new IllegalStateException("no questions");
    }

    @Override
    public void event(String line) {
      lines.add(line);
    }

    @Override
    public void problem(String line) {
      lines.add(line);
    }

    @Override
    public void bell() {}

    @Override
    public void close() {}
  }

  /** An identity from a fixed seed byte. */
  static Identity identity(int seedByte) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) seedByte);
    return Identity.fromSeed(seed);
  }
}
