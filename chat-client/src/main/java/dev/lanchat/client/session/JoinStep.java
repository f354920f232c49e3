package dev.lanchat.client.session;

import dev.lanchat.common.ProtocolException;
import dev.lanchat.common.message.ClientMessage;
import dev.lanchat.common.message.ServerMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * One JOIN and the server's answer to it, as a {@link JoinResult}. Kept apart so
 * {@link Session} holds the session's state and this the reading of the answer.
 */
final class JoinStep {
  /** Writes one message to the server. */
  @FunctionalInterface
  interface Writer {
    void write(ClientMessage message) throws IOException;
  }

  private JoinStep() {}

  /**
   * Writes JOIN as {@code name} and reads until the answer, skipping PONGs and strays before
   * it; after WELCOME it writes BATCH_OK. The caller has armed the read deadline.
   */
  static JoinResult run(Wire wire, Writer writer, String name) {
    try {
      writer.write(new ClientMessage.Join(name));
      while (true) {
        switch (wire.receive()) {
          case ServerMessage.Welcome welcome -> {
            // protocol §5.13: this client reads BATCH records, which cost the server one seal
            // (and us one open) for all the messages it had queued for us at once
            writer.write(new ClientMessage.BatchOk());
            return new JoinResult.Joined(welcome);
          }
          case ServerMessage.Error error -> {
            return new JoinResult.Refused(error);
          }
          case ServerMessage.Bye bye -> {
            return new JoinResult.ServerBye(bye);
          }
          default -> { }
        }
      }
    } catch (SocketTimeoutException e) {
      return new JoinResult.Failed(lost("the server did not answer JOIN"));
    } catch (ProtocolException e) {
      return new JoinResult.Failed(lost(Problem.describe(e)));
    } catch (IOException e) {
      // closed (EOF) or reset, depending on how the server's close and our JOIN crossed
      return new JoinResult.Closed();
    }
  }

  private static Problem lost(String why) {
    return new Problem(Problem.Kind.LOST, "connection lost: " + why);
  }
}
