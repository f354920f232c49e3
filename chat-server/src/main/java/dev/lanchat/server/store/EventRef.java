package dev.lanchat.server.store;

/**
 * Where an event is: its room and its id there.
 *
 * @param room the room's key
 * @param eventId the event's id in that room
 */
public record EventRef(String room, long eventId) {}
