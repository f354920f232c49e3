package dev.lanchat.server.store;

import dev.lanchat.common.pake.JoinCode;
import java.time.Instant;
import java.util.Optional;

/**
 * One join-code invite as the store holds it: the code (a secret: its {@code toString} hides
 * the words), the name kept for whoever redeems it, when it was made and expires, the joins it
 * still allows and the failed tries so far (the third burns it).
 *
 * @param code the join code; {@code code.number()} is the invite's public id
 * @param name the name kept for the newcomer's key, if the admin gave one
 * @param createdAt when the admin made it
 * @param expiresAt when it stops working
 * @param usesLeft joins it still allows
 * @param failures failed tries so far
 */
public record Invite(JoinCode code, Optional<String> name, Instant createdAt, Instant expiresAt,
    int usesLeft, int failures) {
  /** Failed tries that burn an invite. */
  public static final int MAX_FAILURES = 3;
}
