package dev.lanchat.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One key on the allowlist, by fingerprint, with the name kept for it (if the admin gave one:
 * no other key may bind that name) and when it was added.
 *
 * @param fingerprint the SHA-256 of the allowed key
 * @param name the name reserved for that key, if any
 * @param addedAt when the admin allowed it
 */
public record AllowEntry(KeyFingerprint fingerprint, Optional<String> name, Instant addedAt) {}
