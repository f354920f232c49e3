/**
 * The room chain (issue 18): a hash chain over each room's events that every client checks as
 * events arrive, the six {@code /verify} words that two people read to each other, and the
 * signed heads that members compare in the background. Together they catch a server that shows
 * members different histories of one room. See the section "Room chain" of docs/protocol.md.
 *
 * <p>These are building blocks without I/O: the session feeds {@link
 * dev.lanchat.common.chain.RoomChain} the events it receives and sends the {@link
 * dev.lanchat.common.chain.SignedHead}s that {@link
 * dev.lanchat.common.chain.HeadSigningSchedule} allows.
 */
package dev.lanchat.common.chain;
