package dev.lanchat.server.store;

import dev.lanchat.common.bytes.ByteString;
import java.util.Objects;

/**
 * A DM that waited for its recipient, as {@link OfflineDms#take} hands it over.
 *
 * @param time when the sender sent it, ms since 1970
 * @param encoded the encoded DM message, exactly as it would have gone out live
 */
public record WaitingDm(long time, ByteString encoded) {
  public WaitingDm {
    Objects.requireNonNull(encoded, "encoded");
  }
}
