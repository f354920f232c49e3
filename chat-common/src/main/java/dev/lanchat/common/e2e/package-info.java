/**
 * The end-to-end layer (issue 17): building blocks that let members read what the server only
 * relays. Each client has an X25519 key signed by its Ed25519 identity ({@link
 * dev.lanchat.common.e2e.E2eKey}, rotated by a {@link dev.lanchat.common.e2e.KeyRing}); direct
 * messages are sealed to the recipient with HPKE and signed by the sender ({@link
 * dev.lanchat.common.e2e.DmSealer}); rooms use sender keys ({@link
 * dev.lanchat.common.e2e.E2eRoom}), each member's chain delivered to each other member as a
 * sealed DM. See docs/e2e.md for the design and the section "End-to-end layer" of
 * docs/protocol.md for the formats.
 *
 * <p>No I/O and no threads: the session wires these in, and the server only stores and relays
 * the bytes they produce.
 */
package dev.lanchat.common.e2e;
