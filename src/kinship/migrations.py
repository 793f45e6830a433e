"""The schema, as append-only sqlite-utils migrations. Never edit a migration once it has landed.

``store.py`` applies these under one ``BEGIN IMMEDIATE`` write lock, after a backup of any
non-empty database, and imports this module only when a migration is pending (``import
sqlite_utils`` is too slow for every ``kinship log``). docs/data-model.md describes each column.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("kinship")


@migrations()
def m001_initial(db: Database) -> None:
    """Contacts, their values, interactions, the links between them, nudge state, meta."""
    _run_statements(
        db,
        """
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            circle TEXT,
            every_days INTEGER,
            birthday TEXT,
            note TEXT,
            archived INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL,
            created_offset INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_contacts_name_key ON contacts(name_key);

        -- the key columns come first: SQLite 3.40's integrity_check wrongly reports NULLs in a
        -- WITHOUT ROWID table whose other columns stand before a key column
        CREATE TABLE contact_values (
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            match_key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (contact_id, kind, match_key)
        ) WITHOUT ROWID;
        CREATE INDEX ix_contact_values_lookup ON contact_values(kind, match_key);

        CREATE TABLE interactions (
            id INTEGER PRIMARY KEY,
            uid BLOB NOT NULL,
            at INTEGER NOT NULL,
            utc_offset INTEGER NOT NULL,
            day INTEGER NOT NULL,
            channel INTEGER NOT NULL,
            minutes INTEGER,
            note TEXT,
            feel INTEGER,
            group_label TEXT,
            source TEXT,
            messages INTEGER,
            created INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX ix_interactions_uid ON interactions(uid);
        CREATE INDEX ix_interactions_day ON interactions(day, channel);
        CREATE UNIQUE INDEX ix_interactions_source ON interactions(source) WHERE source IS NOT NULL;

        CREATE TABLE links (
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            day INTEGER NOT NULL,
            channel INTEGER NOT NULL,
            interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
            PRIMARY KEY (contact_id, day, channel, interaction_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_links_interaction ON links(interaction_id);

        CREATE TABLE nudge_state (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            key TEXT,
            contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
            made_at INTEGER NOT NULL,
            made_day INTEGER NOT NULL,
            until_day INTEGER
        );
        CREATE INDEX ix_nudge_state_kind ON nudge_state(kind, made_day);

        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );

        CREATE VIEW interactions_readable AS
        SELECT
            lower(hex(i.uid)) AS id,
            datetime(i.at, 'unixepoch') AS at_utc,
            datetime(i.at + i.utc_offset * 60, 'unixepoch') AS at_local,
            i.utc_offset,
            date(i.day * 86400, 'unixepoch') AS day,
            CASE i.channel
                WHEN 0 THEN 'in-person' WHEN 1 THEN 'call' WHEN 2 THEN 'video'
                WHEN 3 THEN 'message' WHEN 4 THEN 'email' WHEN 5 THEN 'social'
            END AS channel,
            CASE i.channel WHEN 0 THEN 'face_to_face' ELSE 'digital' END AS mode,
            i.minutes, i.note, i.feel, i.group_label, i.source, i.messages,
            (SELECT group_concat(c.name, ', ') FROM links l JOIN contacts c ON c.id = l.contact_id
             WHERE l.interaction_id = i.id) AS people
        FROM interactions i;
        """,
    )


@migrations()
def m002_contact_days(db: Database) -> None:
    """Per-contact day lists for the nudge engine, kept honest by triggers on links (data-model.md)."""
    _run_statements(
        db,
        """
        CREATE TABLE contact_days (
            contact_id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
            codes BLOB NOT NULL
        );

        CREATE TABLE contact_days_stale (
            contact_id INTEGER PRIMARY KEY
        );

        CREATE TRIGGER links_inserted AFTER INSERT ON links BEGIN
            INSERT OR IGNORE INTO contact_days_stale(contact_id) VALUES (new.contact_id);
        END;

        CREATE TRIGGER links_deleted AFTER DELETE ON links BEGIN
            INSERT OR IGNORE INTO contact_days_stale(contact_id) VALUES (old.contact_id);
        END;

        CREATE TRIGGER links_updated AFTER UPDATE ON links BEGIN
            INSERT OR IGNORE INTO contact_days_stale(contact_id) VALUES (old.contact_id);
            INSERT OR IGNORE INTO contact_days_stale(contact_id) VALUES (new.contact_id);
        END;

        INSERT INTO contact_days_stale(contact_id) SELECT id FROM contacts;
        """,
    )


@migrations()
def m003_nudges(db: Database) -> None:
    """A wished-for in-person rhythm per contact; an index for the group activities (groups,
    group_fading, the isolation message) that holds only the interactions with a group label."""
    _run_statements(
        db,
        """
        ALTER TABLE contacts ADD COLUMN see_every_days INTEGER;

        CREATE INDEX ix_interactions_group ON interactions(group_label, day)
            WHERE group_label IS NOT NULL;
        """,
    )


@migrations()
def m004_journal(db: Database) -> None:
    """The change journal (undo, redo, sync), the versions sync merges by, and this device's id."""
    _run_statements(
        db,
        """
        CREATE TABLE journal (
            id TEXT PRIMARY KEY,
            device TEXT NOT NULL,
            at INTEGER NOT NULL,
            words TEXT NOT NULL,
            undoes TEXT,
            redoes TEXT,
            changes BLOB
        ) WITHOUT ROWID;

        CREATE TABLE journal_devices (
            device TEXT PRIMARY KEY,
            name TEXT,
            last_applied TEXT
        ) WITHOUT ROWID;

        CREATE TABLE journal_versions (
            uid TEXT NOT NULL,
            field TEXT NOT NULL,
            version TEXT NOT NULL,
            PRIMARY KEY (uid, field)
        ) WITHOUT ROWID;

        CREATE TABLE journal_redirects (
            uid TEXT PRIMARY KEY,
            into_uid TEXT NOT NULL
        ) WITHOUT ROWID;

        INSERT OR IGNORE INTO meta(key, value) VALUES ('device_id', lower(hex(randomblob(8))));
        """,
    )
    # triggers copying each changed row into journal_capture_* (journal_store.py says why)
    from kinship.journal_store import install_capture

    install_capture(db.conn)


@migrations()
def m005_journal_attic(db: Database) -> None:
    """Where undo keeps the interactions it took back in bulk (an import), for redo and sync.

    An undo of a million imported interactions moves them here with one statement rather than
    holding them in memory; ``redo`` moves them back the same way (journal_store.py says more).
    """
    _run_statements(
        db,
        """
        CREATE TABLE journal_attic AS SELECT '' AS entry, *, '[]' AS people FROM interactions WHERE 0;
        CREATE INDEX ix_journal_attic_entry ON journal_attic(entry, id);
        """,
    )
    # the file this database lives in: a copy of it is told apart (journal_store.checked_device_id)
    from kinship.journal_store import checked_device_id

    row = db.conn.execute("PRAGMA main.database_list").fetchone()
    if row is not None and row[2]:
        checked_device_id(db.conn, row[2])


@migrations()
def m006_contact_days_digital(db: Database) -> None:
    """Day lists the summaries read as slices: days as ordinals, the face-to-face days apart, and
    each day's digital interactions, so the nudges count no links (data-model.md).

    The new lists are built under the migration's lock (``open_store`` rebuilds every stale
    list after migrating), so no read after the upgrade falls back to the links.
    """
    _run_statements(
        db,
        """
        DROP TABLE contact_days;

        CREATE TABLE contact_days (
            contact_id INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
            day_count INTEGER NOT NULL,
            face_count INTEGER NOT NULL,
            lists BLOB NOT NULL
        );

        INSERT OR IGNORE INTO contact_days_stale(contact_id) SELECT id FROM contacts;
        """,
    )


def _run_statements(db: Database, script: str) -> None:
    """Run each ``;``-separated statement in the caller's transaction.

    ``sqlite3.executescript`` would COMMIT first, breaking the one-transaction migration.
    """
    pending = ""
    for piece in script.split(";\n"):
        pending += piece + ";\n"
        if sqlite3.complete_statement(pending):  # a trigger's body holds ";" of its own
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""


MIGRATION_NAMES: tuple[str, ...] = tuple(m.name for m in migrations._migrations)
"""Every migration this code knows, in order (store.py keeps a light copy; a test compares)."""


def apply(db: Database) -> None:
    """Apply every pending migration; the caller holds the write lock (BEGIN IMMEDIATE)."""
    migrations.apply(db)
