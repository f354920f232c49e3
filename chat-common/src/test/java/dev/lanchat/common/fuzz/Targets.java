package dev.lanchat.common.fuzz;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.discovery.DiscoveryReply;
import dev.lanchat.common.discovery.DiscoveryRequest;
import dev.lanchat.common.frame.FrameReader;
import dev.lanchat.common.frame.FrameWriter;
import dev.lanchat.common.handshake.ClientHandshake;
import dev.lanchat.common.handshake.ServerHandshake;
import dev.lanchat.common.message.Member;
import dev.lanchat.common.message.Message;
import dev.lanchat.common.message.MessageChannel;
import dev.lanchat.common.message.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The fuzz targets: every parser that bytes from the network or the LAN reach. */
final class Targets {
  private static final List<Class<? extends Exception>> IO = List.of(IOException.class);
  private static final List<Class<? extends Exception>> PROTOCOL = List.of(ProtocolException.class);
  /** A session has at most this many records; the loop is bounded even if EOF never came. */
  private static final int MAX_RECORDS = 1_000;

  private Targets() {}

  static List<FuzzTarget> all() {
    return List.of(frames(), serverHandshake(), clientHandshake(), clientMessages(),
        serverMessages(), discovery());
  }

  static FuzzTarget named(String name) {
    return all().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name));
  }

  /** The frame reader, over a whole stream: frames until EOF or the first error. */
  static FuzzTarget frames() {
    Transcripts s = Transcripts.session();
    return target("frames", List.of(s.clientToServer, s.serverToClient), IO, input -> {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(input));
      for (int n = 0; n < MAX_RECORDS; n++) {
        try {
          reader.readFrame();
        } catch (EOFException e) {
          return "eof";
        }
      }
      return "many";
    });
  }

  /** The server's role: the input is what a client sends, then its records. */
  static FuzzTarget serverHandshake() {
    return target("server-handshake", List.of(Transcripts.session().clientToServer), IO, input -> {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(input));
      FrameWriter writer = new FrameWriter(OutputStream.nullOutputStream());
      MessageChannel channel = new MessageChannel(ServerHandshake.run(reader, writer,
          Transcripts.SERVER, Transcripts.serverEphemeral(), Transcripts.SALT)
          .channel(reader, writer));
      return drain(() -> channel.receiveFromClient());
    });
  }

  /** The client's role: the input is what a server sends, SERVER_AUTH and records after it. */
  static FuzzTarget clientHandshake() {
    return target("client-handshake", List.of(Transcripts.session().serverToClient), IO, input -> {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(input));
      FrameWriter writer = new FrameWriter(OutputStream.nullOutputStream());
      MessageChannel channel = new MessageChannel(ClientHandshake.run(reader, writer,
          Transcripts.CLIENT, Transcripts.clientEphemeral(), key -> { }).channel(reader, writer));
      return drain(() -> channel.receiveFromServer());
    });
  }

  /** The codec as the server uses it: one record plaintext from a client. */
  static FuzzTarget clientMessages() {
    return target("client-messages", Transcripts.encoded(Transcripts.FROM_CLIENT), PROTOCOL,
        input -> reencodes(input, MessageCodec.decodeClient(input)));
  }

  /** The codec as the client uses it: one record plaintext from the server. */
  static FuzzTarget serverMessages() {
    return target("server-messages", Transcripts.encoded(Transcripts.FROM_SERVER), PROTOCOL,
        input -> reencodes(input, MessageCodec.decodeServer(input)));
  }

  /**
   * Discovery datagrams, both kinds, as a received packet: parsing never throws, it returns
   * empty. A reply that parses is verified too (the signature check is reachable from the LAN).
   */
  static FuzzTarget discovery() {
    return target("discovery", List.of(Transcripts.discoveryRequest(), Transcripts.discoveryReply()),
        List.of(), input -> {
          byte[] packet = Arrays.copyOf(input, Math.max(input.length, 1500)); // a receive buffer
          String request = DiscoveryRequest.parse(packet, input.length).map(r -> "request")
              .orElse("-");
          String reply = DiscoveryReply.parse(packet, input.length)
              .map(r -> r.verify(Transcripts.NONCE) ? "reply-ok " + r.fingerprint() : "reply-bad")
              .orElse("-");
          return request + " " + (reply.startsWith("reply-ok") ? "reply-ok" : reply);
        });
  }

  private interface Receive {
    Message next() throws IOException;
  }

  private static String drain(Receive receive) throws IOException {
    List<String> types = new ArrayList<>();
    for (int n = 0; n < MAX_RECORDS; n++) {
      try {
        types.add(Integer.toHexString(receive.next().type()));
      } catch (EOFException e) {
        return "ok " + types.size();
      }
    }
    return "many";
  }

  /** A message that parses must re-encode to the very bytes it came from (the codec is strict). */
  private static String reencodes(byte[] input, Message message) {
    if (!Arrays.equals(input, MessageCodec.encode(message))) {
      throw new IllegalStateException("decoded " + message.getClass().getSimpleName()
          + " does not re-encode to its input");
    }
    return "ok " + Integer.toHexString(message.type());
  }

  private interface Body {
    String run(byte[] input) throws Exception;
  }

  private static FuzzTarget target(String name, List<byte[]> seeds,
      List<Class<? extends Exception>> allowed, Body body) {
    return new FuzzTarget() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<byte[]> seeds() {
        return seeds.stream().map(byte[]::clone).toList();
      }

      @Override
      public List<Class<? extends Exception>> allowed() {
        return allowed;
      }

      @Override
      public String run(byte[] input) throws Exception {
        return body.run(input);
      }
    };
  }
}
