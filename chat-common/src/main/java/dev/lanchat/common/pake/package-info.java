/**
 * Join codes: short codes such as {@code 7-crater-lantern} read aloud by an admin, and the
 * EC-J-PAKE exchange (P-256, BouncyCastle) by which a newcomer and the server prove to each
 * other that they hold the same code, bound to the v2 session they run in. See the section
 * "Join codes (EC-J-PAKE)" of docs/protocol.md.
 */
package dev.lanchat.common.pake;
