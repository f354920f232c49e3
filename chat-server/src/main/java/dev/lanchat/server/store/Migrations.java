package dev.lanchat.server.store;

import java.util.List;

/**
 * The store's schema, as the steps that build it: step {@code n} takes a store at {@code PRAGMA
 * user_version} {@code n - 1} to {@code n}. Steps are only ever appended, never edited, so a
 * store made by any earlier release reaches today's schema by running the steps it lacks in
 * order.
 *
 * <p>Plain tables with CHECK constraints and no custom functions, so the {@code sqlite3} shell
 * reads and edits the file. Keys and fingerprints are 32-byte BLOBs; times are milliseconds
 * since 1970 UTC ({@code datetime(bound_at / 1000, 'unixepoch')} shows them in the shell).
 * Later steps add tables beside these rather than changing them: step 2 the join-code invites,
 * step 3 the rooms' history (events keyed by room and event id), the record of client messages
 * already taken (for exactly-once delivery) and offline DMs (keyed by the recipient's key);
 * step 4 gives each room its chain head, the spelling that created it, and its topic; step 5
 * marks end-to-end rooms and keeps each client's newest end-to-end key; step 6 drops three
 * indexes that each line wrote and no read needed.
 */
final class Migrations {
  /** Each step's statements, in order; the list index plus one is the version it reaches. */
  static final List<List<String>> STEPS = List.of(
      List.of(
          // one row per bound name; a key holds one name, so renaming moves its row
          """
          CREATE TABLE name_binding (
            skeleton   TEXT PRIMARY KEY NOT NULL,
            name       TEXT NOT NULL,
            client_key BLOB NOT NULL UNIQUE
                       CHECK (typeof(client_key) = 'blob' AND length(client_key) = 32),
            bound_at   INTEGER NOT NULL CHECK (typeof(bound_at) = 'integer'),
            last_seen  INTEGER NOT NULL CHECK (typeof(last_seen) = 'integer')
          )""",
          // by fingerprint (SHA-256 of the key): the admin knows it before the key is ever seen
          """
          CREATE TABLE allowlist (
            fingerprint   BLOB PRIMARY KEY NOT NULL
                          CHECK (typeof(fingerprint) = 'blob' AND length(fingerprint) = 32),
            name          TEXT,
            name_skeleton TEXT UNIQUE,
            added_at      INTEGER NOT NULL CHECK (typeof(added_at) = 'integer'),
            CHECK ((name IS NULL) = (name_skeleton IS NULL))
          )"""),
      List.of(
          // one row per invite number (0-99, the join code's public part). The code itself is
          // kept, words and all: EC-J-PAKE needs the password on both sides, and the file is
          // owner-only. A dead invite's row stays (so a late attempt learns why) until a new
          // invite takes its number.
          """
          CREATE TABLE invite (
            number     INTEGER PRIMARY KEY NOT NULL CHECK (number BETWEEN 0 AND 99),
            code       TEXT NOT NULL,
            name       TEXT,
            created_at INTEGER NOT NULL CHECK (typeof(created_at) = 'integer'),
            expires_at INTEGER NOT NULL CHECK (typeof(expires_at) = 'integer'),
            uses_left  INTEGER NOT NULL CHECK (typeof(uses_left) = 'integer' AND uses_left >= 0),
            failures   INTEGER NOT NULL DEFAULT 0 CHECK (failures BETWEEN 0 AND 3),
            revoked_at INTEGER
          )"""),
      List.of(
          // a room's last event id, kept apart from the events: ids keep rising when events are
          // pruned, and when --history 0 stores no event at all
          """
          CREATE TABLE room_head (
            room          TEXT PRIMARY KEY NOT NULL,
            last_event_id INTEGER NOT NULL
                          CHECK (typeof(last_event_id) = 'integer' AND last_event_id >= 0)
          ) WITHOUT ROWID""",
          // body: the event's encoded message, the very bytes that went to the members
          """
          CREATE TABLE room_event (
            room     TEXT NOT NULL,
            event_id INTEGER NOT NULL CHECK (typeof(event_id) = 'integer' AND event_id >= 1),
            at       INTEGER NOT NULL CHECK (typeof(at) = 'integer'),
            type     INTEGER NOT NULL CHECK (type BETWEEN 0 AND 255),
            sender   BLOB CHECK (sender IS NULL
                                 OR (typeof(sender) = 'blob' AND length(sender) = 32)),
            body     BLOB NOT NULL CHECK (typeof(body) = 'blob'),
            PRIMARY KEY (room, event_id)
          ) WITHOUT ROWID""",
          "CREATE INDEX room_event_at ON room_event (at)",
          // one row per (sender key, client message id) taken: a repeat is dropped. No text.
          """
          CREATE TABLE sent_message (
            id         INTEGER PRIMARY KEY,
            sender     BLOB NOT NULL CHECK (typeof(sender) = 'blob' AND length(sender) = 32),
            message_id INTEGER NOT NULL CHECK (typeof(message_id) = 'integer'),
            at         INTEGER NOT NULL CHECK (typeof(at) = 'integer'),
            room       TEXT,
            event_id   INTEGER,
            UNIQUE (sender, message_id)
          )""",
          "CREATE INDEX sent_message_by_sender ON sent_message (sender)",
          "CREATE INDEX sent_message_at ON sent_message (at)",
          // body: the encoded DM as the recipient will receive it
          """
          CREATE TABLE offline_dm (
            id        INTEGER PRIMARY KEY,
            recipient BLOB NOT NULL
                      CHECK (typeof(recipient) = 'blob' AND length(recipient) = 32),
            at        INTEGER NOT NULL CHECK (typeof(at) = 'integer'),
            body      BLOB NOT NULL CHECK (typeof(body) = 'blob')
          )""",
          "CREATE INDEX offline_dm_by_recipient ON offline_dm (recipient)",
          "CREATE INDEX offline_dm_at ON offline_dm (at)"),
      List.of(
          // the room chain's head after the last event (protocol "Room chain"), so ids and
          // heads continue across restarts and after a room empties; NULL in rows from step 3
          """
          ALTER TABLE room_head ADD COLUMN head BLOB
            CHECK (head IS NULL OR (typeof(head) = 'blob' AND length(head) = 32))""",
          // the room's name as the member who created it spelled it (the key is its skeleton):
          // the chain's genesis and every event carry this spelling
          "ALTER TABLE room_head ADD COLUMN name TEXT",
          // the topic, '' for none; never written with --history 0 (no text on disk)
          "ALTER TABLE room_head ADD COLUMN topic TEXT NOT NULL DEFAULT ''"),
      List.of(
          // whether the room was created end-to-end (protocol "End-to-end layer"): set once,
          // when the room is made, and never changed; rooms from earlier steps are plain
          """
          ALTER TABLE room_head ADD COLUMN end_to_end INTEGER NOT NULL DEFAULT 0
            CHECK (end_to_end IN (0, 1))""",
          // each client's newest end-to-end key, one row per identity, so the keys of members
          // who are offline can be handed out; body is the signed e2e_key exactly as published
          """
          CREATE TABLE e2e_key (
            owner        BLOB PRIMARY KEY NOT NULL
                         CHECK (typeof(owner) = 'blob' AND length(owner) = 32),
            serial       INTEGER NOT NULL CHECK (serial BETWEEN 0 AND 4294967295),
            body         BLOB NOT NULL CHECK (typeof(body) = 'blob' AND length(body) = 140),
            published_at INTEGER NOT NULL CHECK (typeof(published_at) = 'integer')
          ) WITHOUT ROWID"""),
      List.of(
          // every line wrote these three indexes, and nothing reads them that cannot walk a key
          // it already has: a room's events are pruned by age along (room, event_id), a key's
          // ids are trimmed along UNIQUE (sender, message_id), and old ids are swept in id order.
          // IF EXISTS: a store whose index was dropped by hand is not refused for it
          "DROP INDEX IF EXISTS room_event_at",
          "DROP INDEX IF EXISTS sent_message_by_sender",
          "DROP INDEX IF EXISTS sent_message_at"),
      List.of(
          // a line's client message id in its event row, so the id's own sent_message row can
          // be written later, in groups (SentMessages): NULL for events that carry none
          "ALTER TABLE room_event ADD COLUMN message_id INTEGER",
          // the room's last event whose line's id is in sent_message; after a crash the ids of
          // the lines after it are written from their event rows. Every id was written at once
          // before this step, so every room starts at its last event
          "ALTER TABLE room_head ADD COLUMN ids_through INTEGER NOT NULL DEFAULT 0",
          "UPDATE room_head SET ids_through = last_event_id"),
      List.of(
          // the chain head after the event, so the room's last event row says its tip and a
          // line need not rewrite room_head (RoomTips); NULL in rows from earlier steps, whose
          // room_head rows were written with them
          """
          ALTER TABLE room_event ADD COLUMN head BLOB
            CHECK (head IS NULL OR (typeof(head) = 'blob' AND length(head) = 32))"""));

  /** The version a store has once every step ran. */
  static final int LATEST = STEPS.size();

  private Migrations() {}
}
