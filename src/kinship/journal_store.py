"""The journal's SQLite side: capturing each write's row changes, recording entries, undoing them.

Triggers made by m004 on the tables that hold what a person recorded — contacts,
contact_values, interactions, links and nudge_state, never derived tables such as
contact_days — copy the old image of each updated or deleted row, and of rows inserted where a
row id is reused, into the ``journal_capture_*`` tables. (TEMP triggers made per connection
would keep the file's schema smaller, but creating them costs ~8 ms per process, more than
``kinship log``'s start-up budget allows; permanent ones cost nothing until a row changes.)
Rows inserted above the highest interaction id at the start of the write are not captured one
by one: an import of a million interactions is recorded as a range of row ids, so the journal
stays a few bytes per interaction (SPEC §10). ``Store.write()`` turns what was captured into
one journal entry in the same transaction and empties the capture tables.

Entries keep rows by stable id: inserted rows that still exist by id (or row-id range), the old
values of updated columns, whole rows for deleted ones. ``apply_inverse`` puts a database back
as it was before an entry (for undo and redo).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from kinship import journal
from kinship.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

TRACKED = ("contacts", "contact_values", "interactions", "links", "nudge_state")
CHANNEL_WORDS = ("in person", "call", "video", "message", "email", "social")
DEVICE_KEY = "device_id"
DEVICE_NAME_KEY = "device_name"
FILE_KEY = "device_file"
PUBLISHED_KEY = "journal_published"
TOMBSTONE = "~"
RECORD = "*"


def journal_ready(conn: sqlite3.Connection) -> bool:
    """Return True when the database has the journal tables (m004 applied)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'").fetchone()
    return row is not None


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    """Return the column names of a main table, in order."""
    return [str(row[1]) for row in conn.execute(f"PRAGMA main.table_info({table})")]


def _hex(value: object) -> object:
    return value.hex() if isinstance(value, bytes) else value


def install_capture(conn: sqlite3.Connection) -> None:
    """Create (or re-create) the capture tables and triggers from the tables' current columns.

    m004 calls this; a later migration that adds a column to a tracked table must call it again
    (tests/test_journal.py checks that every column is captured); it also gives the attic
    (m005) any column interactions gained.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS journal_mark(t TEXT PRIMARY KEY, hw INTEGER)")
    attic = columns_of(conn, "journal_attic")
    if attic:  # m005 on: the attic keeps every column of interactions
        for col in columns_of(conn, "interactions"):
            if col not in attic:
                conn.execute(f"ALTER TABLE journal_attic ADD COLUMN {col}")
    for table in TRACKED:
        cols = columns_of(conn, table)
        names = ", ".join(cols)
        conn.execute(f"DROP TABLE IF EXISTS journal_capture_{table}")
        conn.execute(
            f"CREATE TABLE journal_capture_{table} AS SELECT '' AS jop, {names} FROM {table} WHERE 0"
        )
        guard = {
            "interactions": ("new.id", "old.id"),
            "links": ("new.interaction_id", "old.interaction_id"),
        }.get(table)
        for op, image, when in (
            ("i", "new", guard[0] if guard else None),
            ("u", "old", guard[1] if guard else None),
            ("d", "old", guard[1] if guard else None),
        ):
            event = {"i": "INSERT", "u": "UPDATE", "d": "DELETE"}[op]
            # rows of interactions above the mark were inserted by this write: a range says it all
            condition = (
                f" WHEN {when} <= (SELECT hw FROM journal_mark WHERE t = 'interactions')" if when else ""
            )
            values = ", ".join(f"{image}.{col}" for col in cols)
            conn.execute(f"DROP TRIGGER IF EXISTS journal_capture_{table}_{op}")
            conn.execute(
                f"CREATE TRIGGER journal_capture_{table}_{op} AFTER {event} ON {table}{condition} BEGIN"
                f" INSERT INTO journal_capture_{table}(jop, {names}) VALUES ('{op}', {values}); END"
            )


class Capture:
    """What the current write changed, as the capture triggers (m004) recorded it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._columns: dict[str, list[str]] = {}
        self.hw: dict[str, int] = {}
        self.device: str | None = None

    @property
    def columns(self) -> dict[str, list[str]]:
        """Return the columns of each tracked table (read once, when first needed)."""
        if not self._columns:
            self._columns = {table: columns_of(self.conn, table) for table in TRACKED}
        return self._columns

    _CAPTURED_SQL = "SELECT " + ", ".join(
        f"EXISTS (SELECT 1 FROM journal_capture_{table})" for table in TRACKED
    )

    def captured(self) -> set[str]:
        """Return the tracked tables with captured rows (one cheap query)."""
        flags = self.conn.execute(self._CAPTURED_SQL).fetchone()
        return {table for table, flag in zip(TRACKED, flags, strict=True) if flag}

    def start(self) -> None:
        """Forget what was captured and mark the row ids in use (call inside the transaction).

        The mark is written only when it moved (another program wrote, or this is the first
        write), so a plain ``log`` adds no write of its own here.
        """
        for table in self.captured():
            self.conn.execute(f"DELETE FROM journal_capture_{table}")
        mark, high = self.conn.execute(
            "SELECT (SELECT hw FROM journal_mark WHERE t = 'interactions'),"
            " (SELECT coalesce(max(id), 0) FROM interactions)"
        ).fetchone()
        self.hw = {"interactions": int(high)}
        if mark != high:
            self.conn.execute(
                "INSERT OR REPLACE INTO journal_mark(t, hw) VALUES ('interactions', ?)", (high,)
            )

    def finish(self) -> None:
        """Empty the capture tables and move the mark past this write's rows."""
        for table in self.captured():
            self.conn.execute(f"DELETE FROM journal_capture_{table}")
        high = self.conn.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchone()[0]
        if high != self.hw.get("interactions"):
            self.conn.execute(
                "INSERT OR REPLACE INTO journal_mark(t, hw) VALUES ('interactions', ?)", (high,)
            )
        self.hw = {"interactions": int(high)}

    def _first(
        self, table: str, key: Sequence[str], captured: set[str] | None = None
    ) -> dict[tuple[Any, ...], tuple[str, dict[str, Any]]]:
        """Return the first captured image of each row of ``table`` (by ``key``), with its op."""
        if captured is not None and table not in captured:
            return {}
        cols = self.columns[table]
        first: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
        for row in self.conn.execute(
            f"SELECT jop, {', '.join(cols)} FROM journal_capture_{table} ORDER BY rowid"
        ):
            image = dict(zip(cols, row[1:], strict=True))
            first.setdefault(tuple(image[name] for name in key), (row[0], image))
        return first

    def changes(self) -> dict[str, Any]:
        """Return the net row changes of the write so far, by stable id (see journal.py)."""
        conn = self.conn
        hw = self.hw.get("interactions", 0)
        captured = self.captured()
        contact_uids: dict[int, str] = {}

        def contact_uid(rowid: int | None) -> str | None:
            if rowid is None:
                return None
            if rowid not in contact_uids:
                row = conn.execute("SELECT uid FROM contacts WHERE id = ?", (rowid,)).fetchone()
                if row is None:
                    return None
                contact_uids[rowid] = str(row[0])
            return contact_uids[rowid]

        # contacts
        c_cols = self.columns["contacts"]
        c_first = self._first("contacts", ("uid",), captured)
        for _op, image in c_first.values():
            contact_uids.setdefault(int(image["id"]), str(image["uid"]))
        c_new: list[str] = []
        c_upd: list[list[Any]] = []
        c_del: list[list[Any]] = []
        new_contact_rowids: set[int] = set()
        deleted_contacts: dict[int, dict[str, Any]] = {}
        for (uid,), (op, image) in c_first.items():
            current = conn.execute(
                f"SELECT {', '.join(c_cols)} FROM contacts WHERE uid = ?", (uid,)
            ).fetchone()
            if op == "i":
                if current is not None:
                    c_new.append(uid)
                    new_contact_rowids.add(int(current[0]))
                continue
            if current is None:
                deleted_contacts[int(image["id"])] = image
                continue
            now = dict(zip(c_cols, current, strict=True))
            old = {col: image[col] for col in c_cols if col != "id" and image[col] != now[col]}
            if old:
                c_upd.append([uid, old])
        # values
        v_add: list[list[Any]] = []
        v_rem: list[list[Any]] = []
        deleted_values: dict[int, list[list[Any]]] = {}
        for (contact_id, kind, key), (op, image) in self._first(
            "contact_values", ("contact_id", "kind", "match_key"), captured
        ).items():
            if contact_id in new_contact_rowids:
                continue
            if contact_id in deleted_contacts:
                if op != "i":
                    deleted_values.setdefault(contact_id, []).append([kind, key, image["value"]])
                continue
            present = conn.execute(
                "SELECT value FROM contact_values WHERE contact_id = ? AND kind = ? AND match_key = ?",
                (contact_id, kind, key),
            ).fetchone()
            owner = contact_uid(contact_id)
            if owner is None:
                continue
            if op == "i" and present is not None:
                v_add.append([owner, kind, key, present[0]])
            elif op != "i" and present is None:
                v_rem.append([owner, kind, key, image["value"]])
        for rowid, image in deleted_contacts.items():
            c_del.append([{col: image[col] for col in c_cols}, deleted_values.get(rowid, [])])
        # interactions
        i_cols = self.columns["interactions"]
        i_first = self._first("interactions", ("uid",), captured)
        i_renew: list[str] = []
        i_upd: dict[bytes, dict[str, Any]] = {}
        i_del: dict[int, list[Any]] = {}
        interaction_uids: dict[int, bytes] = {}
        for (uid,), (op, image) in i_first.items():
            interaction_uids[int(image["id"])] = bytes(uid)
            current = conn.execute(
                f"SELECT {', '.join(i_cols)} FROM interactions WHERE uid = ?", (uid,)
            ).fetchone()
            if op == "i":
                if current is not None:
                    i_renew.append(bytes(uid).hex())
                continue
            if current is None:
                i_del[int(image["id"])] = [{col: _hex(image[col]) for col in i_cols}, []]
                continue
            now = dict(zip(i_cols, current, strict=True))
            old = {col: image[col] for col in i_cols if col != "id" and image[col] != now[col]}
            if old:
                i_upd[bytes(uid)] = old
        # links: the old people of interactions that existed before this write
        renewed = {bytes.fromhex(uid) for uid in i_renew}
        old_links: dict[int, set[int]] = {}
        added_links: dict[int, set[int]] = {}
        touched: set[int] = set()
        for (contact_id, interaction_id), (op, _image) in self._first(
            "links", ("contact_id", "interaction_id"), captured
        ).items():
            touched.add(interaction_id)
            old_links.setdefault(interaction_id, set())
            if op != "i":
                old_links[interaction_id].add(contact_id)
            else:
                added_links.setdefault(interaction_id, set()).add(contact_id)
        for interaction_id in touched:
            if interaction_id in i_del:
                people = sorted(filter(None, (contact_uid(c) for c in old_links[interaction_id])))
                i_del[interaction_id][1] = people
                continue
            uid_row = conn.execute("SELECT uid FROM interactions WHERE id = ?", (interaction_id,)).fetchone()
            if uid_row is None or bytes(uid_row[0]) in renewed:
                continue
            current_people = {
                int(row[0])
                for row in conn.execute(
                    "SELECT contact_id FROM links WHERE interaction_id = ?", (interaction_id,)
                )
            }
            added = added_links.get(interaction_id, set())
            before = (current_people - added) | old_links[interaction_id]
            if before != current_people:
                i_upd.setdefault(bytes(uid_row[0]), {})["people"] = sorted(
                    filter(None, (contact_uid(c) for c in before))
                )
        ranges = _new_ranges(conn, hw)
        # nudge state
        n_cols = self.columns["nudge_state"]
        n_new: list[str] = []
        n_upd: list[list[Any]] = []
        n_del: list[dict[str, Any]] = []
        for (uid,), (op, image) in self._first("nudge_state", ("uid",), captured).items():
            current = conn.execute(
                f"SELECT {', '.join(n_cols)} FROM nudge_state WHERE uid = ?", (uid,)
            ).fetchone()
            if op == "i":
                if current is not None:
                    n_new.append(uid)
                continue
            if current is None:
                row = dict(image)
                row["contact_id"] = contact_uid(image["contact_id"])
                n_del.append(row)
                continue
            now = dict(zip(n_cols, current, strict=True))
            old = {col: image[col] for col in n_cols if col != "id" and image[col] != now[col]}
            if "contact_id" in old:
                old["contact_id"] = contact_uid(old["contact_id"])
            if old:
                n_upd.append([uid, old])
        changes: dict[str, Any] = {}
        if c_new or c_upd or c_del:
            changes["c"] = {"new": c_new, "upd": c_upd, "del": c_del}
        if v_add or v_rem:
            changes["v"] = {"add": v_add, "rem": v_rem}
        if ranges or i_renew or i_upd or i_del:
            changes["i"] = {
                "new": ranges,
                "renew": i_renew,
                "upd": [[uid.hex(), old] for uid, old in i_upd.items()],
                "del": list(i_del.values()),
            }
        if n_new or n_upd or n_del:
            changes["n"] = {"new": n_new, "upd": n_upd, "del": n_del}
        return changes


def _new_ranges(conn: sqlite3.Connection, hw: int) -> list[list[int]]:
    """Return the row-id ranges of the interactions above ``hw`` (inserted by this write)."""
    count, high = conn.execute("SELECT count(*), max(id) FROM interactions WHERE id > ?", (hw,)).fetchone()
    if not count:
        return []
    if count == high - hw:
        return [[hw + 1, int(high)]]
    ranges: list[list[int]] = []
    for (rowid,) in conn.execute("SELECT id FROM interactions WHERE id > ? ORDER BY id", (hw,)):
        if ranges and ranges[-1][1] == rowid - 1:
            ranges[-1][1] = rowid
        else:
            ranges.append([rowid, rowid])
    return ranges


# ---- entries ------------------------------------------------------------------------------------


def file_identity(path: object) -> tuple[int, int] | None:
    """Return (file system, inode) of the database file at ``path`` (None: not a file)."""
    import os

    try:
        found = os.stat(str(path))
    except (OSError, ValueError):
        return None
    return int(found.st_dev), int(found.st_ino)


def checked_device_id(conn: sqlite3.Connection, path: object) -> str:
    """Return this database's device id, minting a new one when the file is a copy.

    Beside the device id the database keeps the identity (file system and inode) of the file
    it was given to. A copied file, or one restored from a backup, has a new inode: it is no
    longer the device that made the journal's entries, and two devices sharing one id would
    silently drop each other's entries (each skips its own folder). So it takes a new id, and
    keeps undo of what it holds (entries made here, under either id); at its next sync it
    reads its old self's folder like another device's. A file moved within its file system
    keeps its inode (and its id); a new file-system number alone (a remount) is not a copy.
    """
    stored = dict(
        conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (DEVICE_KEY, FILE_KEY)).fetchall()
    )
    device = stored.get(DEVICE_KEY) or device_id(conn)
    identity = file_identity(path)
    if identity is None:
        return str(device)
    text = f"{identity[0]}:{identity[1]}"
    known = str(stored.get(FILE_KEY) or "")
    if known == text:
        return str(device)
    if known and known.partition(":")[2] != str(identity[1]):
        device = conn.execute("SELECT lower(hex(randomblob(8)))").fetchone()[0]
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (DEVICE_KEY, device))
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (FILE_KEY, text))
    return str(device)


def device_id(conn: sqlite3.Connection) -> str:
    """Return this database's device id (made by m004)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (DEVICE_KEY,)).fetchone()
    if row is None or not row[0]:
        value = conn.execute("SELECT lower(hex(randomblob(8)))").fetchone()[0]
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (DEVICE_KEY, value))
        return str(value)
    return str(row[0])


def newest_id(conn: sqlite3.Connection) -> str | None:
    """Return the greatest entry id this database has seen."""
    row = conn.execute("SELECT id FROM journal ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def record_entry(
    conn: sqlite3.Connection,
    changes: dict[str, Any],
    *,
    words: str,
    now_ms: int,
    undoes: str | None = None,
    redoes: str | None = None,
    device: str | None = None,
) -> str:
    """Write one entry of this device with its changes, its versions; return its id."""
    device = device or device_id(conn)
    entry_id = journal.new_entry_id(now_ms, device, newest_id(conn))
    if changes.get("a"):
        conn.execute("UPDATE journal_attic SET entry = ? WHERE entry = ?", (entry_id, PENDING))
    if changes.get("rr") and changes.get("i", {}).get("new"):
        # rows brought back from the attic above the mark are told by "rr", not as new rows
        changes["i"]["new"] = _without(changes["i"]["new"], changes["rr"])
    conn.execute(
        "INSERT INTO journal(id, device, at, words, undoes, redoes, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry_id, device, now_ms // 1000, words, undoes, redoes, journal.encode_changes(changes)),
    )
    record_versions(conn, changes, entry_id)
    prune(conn, now_ms // 1000, device)
    return entry_id


def _without(ranges: list[list[int]], taken: list[list[int]]) -> list[list[int]]:
    """Return the id ranges ``ranges`` less the ids in ``taken``."""
    left: list[list[int]] = []
    for low, high in ranges:
        pieces = [[low, high]]
        for t_low, t_high in taken:
            pieces = [
                piece
                for a, b in pieces
                for piece in ([a, min(b, t_low - 1)], [max(a, t_high + 1), b])
                if piece[0] <= piece[1]
            ]
        left.extend(pieces)
    return left


def record_marker(conn: sqlite3.Connection, words: str, now_ms: int) -> str:
    """Write an entry of this device that changed nothing here (sync's first exchange); return its id."""
    device = device_id(conn)
    entry_id = journal.new_entry_id(now_ms, device, newest_id(conn))
    conn.execute(
        "INSERT INTO journal(id, device, at, words, changes) VALUES (?, ?, ?, ?, NULL)",
        (entry_id, device, now_ms // 1000, words),
    )
    return entry_id


def set_version(conn: sqlite3.Connection, uid: str, field: str, version: str) -> None:
    """Record that entry ``version`` set ``field`` of record ``uid`` (kept only when newer)."""
    conn.execute(
        "INSERT INTO journal_versions(uid, field, version) VALUES (?, ?, ?)"
        " ON CONFLICT(uid, field) DO UPDATE SET version = excluded.version WHERE excluded.version > version",
        (uid, field, version),
    )


def get_version(conn: sqlite3.Connection, uid: str, field: str) -> str | None:
    """Return the version of one field of a record, if any change to it was recorded."""
    row = conn.execute(
        "SELECT version FROM journal_versions WHERE uid = ? AND field = ?", (uid, field)
    ).fetchone()
    return None if row is None else str(row[0])


def _revived(conn: sqlite3.Connection, uid: str, version: str) -> None:
    if get_version(conn, uid, TOMBSTONE) is not None:
        conn.execute("DELETE FROM journal_versions WHERE uid = ? AND field = ?", (uid, TOMBSTONE))
        set_version(conn, uid, RECORD, version)


def merge_versions(conn: sqlite3.Connection, dup: str, keep: str) -> None:
    """Carry a merged-away contact's value versions (aliases, tags…) over to the one it went into.

    Values merge by additions and removals: a removal of the duplicate's tag that this device
    applied before the merge must still beat an older addition of it to the kept contact.
    """
    conn.execute(
        "INSERT INTO journal_versions(uid, field, version) SELECT ?, field, version FROM journal_versions"
        " WHERE uid = ? AND field LIKE 'v:%' AND true"
        " ON CONFLICT(uid, field) DO UPDATE SET version = excluded.version WHERE excluded.version > version",
        (keep, dup),
    )


def record_versions(conn: sqlite3.Connection, changes: dict[str, Any], version: str) -> None:
    """Record the versions sync merges by for what a local entry changed (SPEC §11)."""
    for dup, keep, *_names in changes.get("m", []):
        merge_versions(conn, dup, keep)
    contacts = changes.get("c", {})
    for uid in contacts.get("new", []):
        _revived(conn, uid, version)
    for uid, old in contacts.get("upd", []):
        for col in old:
            set_version(conn, uid, col, version)
    for row, _values in contacts.get("del", []):
        set_version(conn, str(row["uid"]), TOMBSTONE, version)
    values = changes.get("v", {})
    for owner, kind, key, _value in [*values.get("add", []), *values.get("rem", [])]:
        set_version(conn, owner, f"v:{kind}:{key}", version)
    interactions = changes.get("i", {})
    for uid in [*interactions.get("renew", []), *changes.get("r", [])]:
        _revived(conn, uid, version)
    for uid, old in interactions.get("upd", []):
        for col in old:
            set_version(conn, uid, col, version)
    for row, _people in interactions.get("del", []):
        set_version(conn, str(row["uid"]), TOMBSTONE, version)
    if changes.get("a"):  # every interaction the undo put in the attic: a tombstone each
        conn.execute(
            "INSERT INTO journal_versions(uid, field, version)"
            " SELECT lower(hex(uid)), ?, ? FROM journal_attic WHERE entry = ?"
            " ON CONFLICT(uid, field) DO UPDATE SET version = excluded.version"
            " WHERE excluded.version > version",
            (TOMBSTONE, version, version),
        )
    for low, high in changes.get("rr", []):  # brought back from the attic: revived
        conn.execute(
            "INSERT INTO journal_versions(uid, field, version)"
            " SELECT v.uid, ?, ? FROM journal_versions v JOIN interactions i ON v.uid = lower(hex(i.uid))"
            " WHERE i.id BETWEEN ? AND ? AND v.field = ?"
            " ON CONFLICT(uid, field) DO UPDATE SET version = excluded.version"
            " WHERE excluded.version > version",
            (RECORD, version, low, high, TOMBSTONE),
        )
        conn.execute(
            "DELETE FROM journal_versions WHERE field = ? AND uid IN"
            " (SELECT lower(hex(uid)) FROM interactions WHERE id BETWEEN ? AND ?)",
            (TOMBSTONE, low, high),
        )
    state = changes.get("n", {})
    for uid in state.get("new", []):
        _revived(conn, uid, version)
    for uid, old in state.get("upd", []):
        for col in old:
            set_version(conn, uid, col, version)
    for row in state.get("del", []):
        set_version(conn, str(row["uid"]), TOMBSTONE, version)


def prune(conn: sqlite3.Connection, now_seconds: int, device: str) -> None:
    """Drop entries older than 90 days beyond the newest 1,000 (never ones not yet published)."""
    row = conn.execute(
        "SELECT id FROM journal ORDER BY id DESC LIMIT 1 OFFSET ?", (journal.KEEP_ENTRIES,)
    ).fetchone()
    if row is None:
        return
    published = conn.execute("SELECT value FROM meta WHERE key = ?", (PUBLISHED_KEY,)).fetchone()
    cutoff = now_seconds - journal.KEEP_DAYS * 86400
    dropped = conn.execute(
        "DELETE FROM journal WHERE id <= ? AND at < ? AND (device != ? OR ? IS NULL OR id <= ?)",
        (
            row[0],
            cutoff,
            device,
            None if published is None else 1,
            None if published is None else published[0],
        ),
    ).rowcount
    if dropped:
        conn.execute(
            "DELETE FROM journal_attic WHERE entry IN (SELECT DISTINCT a.entry FROM journal_attic a"
            " WHERE a.entry != ? AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.id = a.entry))",
            (PENDING,),
        )


def own_entries(conn: sqlite3.Connection, limit: int | None = None) -> Iterator[journal.EntryHead]:
    """Yield the entries made on this database, newest first."""
    # made here = recorded with its changes (received entries keep theirs with their device),
    # under this device's id or the one the file had before it was copied
    sql = (
        "SELECT id, device, at, words, undoes, redoes FROM journal WHERE changes IS NOT NULL ORDER BY id DESC"
    )
    params: tuple[object, ...] = ()
    if limit is not None:
        sql += " LIMIT ?"
        params = (*params, limit)
    for row in conn.execute(sql, params):
        yield journal.EntryHead(*row)


def entry_changes(conn: sqlite3.Connection, entry_id: str) -> dict[str, Any]:
    """Return the decoded changes of one entry."""
    row = conn.execute("SELECT changes FROM journal WHERE id = ?", (entry_id,)).fetchone()
    try:
        return {} if row is None else journal.decode_changes(row[0])
    except journal.DamagedEntry as exc:
        from kinship.errors import DataError

        raise DataError(
            f"journal entry {entry_id} is damaged ({exc})",
            "nothing was changed; run `kinship db check`, and restore a backup (NAME.bak-…) if it fails",
        ) from exc


# ---- words --------------------------------------------------------------------------------------


def _names(conn: sqlite3.Connection, uids: Iterable[str]) -> list[str]:
    names = []
    for uid in uids:
        row = conn.execute("SELECT name FROM contacts WHERE uid = ?", (uid,)).fetchone()
        if row is not None:
            names.append(str(row[0]))
    return names


def _interaction_words(
    conn: sqlite3.Connection,
    rowid: int | None = None,
    row: dict[str, Any] | None = None,
    people: Sequence[str] = (),
) -> str:
    if rowid is not None:
        found = conn.execute(
            "SELECT channel, group_label, day FROM interactions WHERE id = ?", (rowid,)
        ).fetchone()
        if found is None:
            return "an interaction"
        channel, group, _day = found
        names = [
            str(r[0])
            for r in conn.execute(
                "SELECT c.name FROM links l JOIN contacts c ON c.id = l.contact_id WHERE l.interaction_id = ?"
                " ORDER BY c.name_key",
                (rowid,),
            )
        ]
    else:
        assert row is not None
        channel, group = row.get("channel", 0), row.get("group_label")
        names = sorted(_names(conn, people), key=str.casefold)
    how = CHANNEL_WORDS[int(channel)] if 0 <= int(channel) < len(CHANNEL_WORDS) else "contact"
    who = " with " + ", ".join(names) if names else ""
    at_group = f" at {group}" if group else ""
    return f"{how}{who}{at_group}"


def describe(conn: sqlite3.Connection, changes: dict[str, Any]) -> str:
    """Return the command in words as best told from what it changed (``log: in person with Ana``)."""
    contacts = changes.get("c", {})
    interactions = changes.get("i", {})
    state = changes.get("n", {})
    values = changes.get("v", {})
    new_i = journal.count_new_interactions(interactions.get("new", [])) + len(interactions.get("renew", []))
    if changes.get("m"):
        _dup, _keep, dup_name, keep_name = changes["m"][0]
        return f"merge: {dup_name} into {keep_name}"
    if new_i > 1 or len(contacts.get("new", [])) > 1:
        return f"import: {len(contacts.get('new', []))} contacts, {new_i} interactions"
    if contacts.get("del"):
        return "forget: " + ", ".join(str(row["name"]) for row, _values in contacts["del"])
    if new_i == 1:
        ranges = interactions.get("new", [])
        rowid = ranges[0][0] if ranges else None
        if rowid is None:
            found = conn.execute(
                "SELECT id FROM interactions WHERE uid = ?", (bytes.fromhex(interactions["renew"][0]),)
            ).fetchone()
            rowid = None if found is None else int(found[0])
        return "log: " + _interaction_words(conn, rowid)
    if interactions.get("del"):
        row, people = interactions["del"][0]
        more = f" and {len(interactions['del']) - 1} more" if len(interactions["del"]) > 1 else ""
        return "unlog: " + _interaction_words(conn, row=row, people=people) + more
    if interactions.get("upd"):
        uid = interactions["upd"][0][0]
        found = conn.execute("SELECT id FROM interactions WHERE uid = ?", (bytes.fromhex(uid),)).fetchone()
        return "amend: " + _interaction_words(conn, None if found is None else int(found[0]))
    if contacts.get("new"):
        return "add: " + ", ".join(_names(conn, contacts["new"]))
    if contacts.get("upd") or values:
        uids = [uid for uid, _old in contacts.get("upd", [])] + [
            item[0] for item in values.get("add", []) + values.get("rem", [])
        ]
        names = ", ".join(dict.fromkeys(_names(conn, uids)))
        olds = [old for _uid, old in contacts.get("upd", [])]
        if olds and all(set(old) == {"archived"} for old in olds) and not values:
            row = conn.execute(
                "SELECT archived FROM contacts WHERE uid = ?", (contacts["upd"][0][0],)
            ).fetchone()
            return ("archive: " if row and row[0] else "unarchive: ") + names
        return "edit: " + names
    if state.get("new"):
        kinds = []
        for uid in state["new"]:
            found = conn.execute(
                "SELECT s.kind, s.key, c.name FROM nudge_state s LEFT JOIN contacts c ON c.id = s.contact_id"
                " WHERE s.uid = ?",
                (uid,),
            ).fetchone()
            if found is not None:
                kinds.append(found)
        if kinds and kinds[0][0] == "remind":
            return f"remind: {len(kinds)} nudges"
        if kinds:
            kind, key, name = kinds[0]
            return f"{kind}: {name or key}"
    if state.get("upd") and not state.get("new"):
        found = conn.execute(
            "SELECT s.kind, s.key, c.name FROM nudge_state s LEFT JOIN contacts c ON c.id = s.contact_id"
            " WHERE s.uid = ?",
            (state["upd"][0][0],),
        ).fetchone()
        if found is not None:
            kind, key, name = found
            verb = {"snooze": "unsnooze", "dismiss": "undismiss"}.get(str(kind), str(kind))
            return f"{verb}: {name or key}"
    if state.get("del"):
        row = state["del"][0]
        verb = {"snooze": "unsnooze", "dismiss": "undismiss"}.get(str(row.get("kind")), "forget reminder")
        return f"{verb}: {row.get('key') or ', '.join(_names(conn, [str(row.get('contact_id'))]))}"
    return "change"


# ---- undo: putting a database back as it was before an entry -------------------------------------


def _contact_rowid(conn: sqlite3.Connection, uid: str | None) -> int | None:
    if uid is None:
        return None
    row = conn.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else int(row[0])


def _insert_row(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    """Insert a whole old row, with its old row id when that is free; return the row id."""
    values = dict(row)
    taken = conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (values.get("id"),)).fetchone()
    if taken is not None:
        values.pop("id", None)
    cols = [col for col in columns_of(conn, table) if col in values]
    cursor = conn.execute(
        f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[col] for col in cols],
    )
    return int(cursor.lastrowid or 0)


def _set_links(conn: sqlite3.Connection, interaction_rowid: int, people: Iterable[str] | None) -> None:
    """Rewrite one interaction's links from its own day and channel (and ``people``, when given)."""
    row = conn.execute("SELECT day, channel FROM interactions WHERE id = ?", (interaction_rowid,)).fetchone()
    if row is None:
        return
    if people is None:
        rowids = [
            int(r[0])
            for r in conn.execute(
                "SELECT contact_id FROM links WHERE interaction_id = ?", (interaction_rowid,)
            )
        ]
    else:
        rowids = [r for r in (_contact_rowid(conn, uid) for uid in people) if r is not None]
    conn.execute("DELETE FROM links WHERE interaction_id = ?", (interaction_rowid,))
    conn.executemany(
        "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
        [(rowid, row[0], row[1], interaction_rowid) for rowid in sorted(set(rowids))],
    )


def _interaction_row(row: dict[str, Any]) -> dict[str, Any]:
    values = dict(row)
    values["uid"] = bytes.fromhex(str(values["uid"]))
    return values


def delete_contact_rows(conn: sqlite3.Connection, rowid: int) -> None:
    """Delete one contact with its links, values and nudge state (its interactions stay)."""
    conn.execute("DELETE FROM links WHERE contact_id = ?", (rowid,))
    conn.execute("DELETE FROM contact_values WHERE contact_id = ?", (rowid,))
    conn.execute("DELETE FROM nudge_state WHERE contact_id = ?", (rowid,))
    conn.execute("DELETE FROM contacts WHERE id = ?", (rowid,))


# ---- the attic: interactions an undo took back in bulk -------------------------------------------
#
# An undo of an import would otherwise capture a million deleted rows one by one and hold them
# in memory to write them into its entry. Runs of ``ATTIC_AT_LEAST`` rows or more are moved
# instead, with one statement each, into ``journal_attic`` (m005) under the undo's entry id,
# with each row's people by contact id; the capture mark is lowered while they move so the
# triggers leave them alone. ``redo`` moves them back the same way, and ``sync`` reads the
# undo's deletions from there a row at a time. Rows leave the attic when redo takes them back
# or their entry is pruned.

ATTIC_AT_LEAST = 1000
PENDING = ""
"""The attic's entry id for rows moved by the entry being recorded (``record_entry`` sets it)."""


def lower_mark(conn: sqlite3.Connection, below: int) -> int | None:
    """Lower the capture mark to ``below`` (rows above it are not captured); return the old mark."""
    row = conn.execute("SELECT hw FROM journal_mark WHERE t = 'interactions'").fetchone()
    conn.execute("INSERT OR REPLACE INTO journal_mark(t, hw) VALUES ('interactions', ?)", (below,))
    return None if row is None else int(row[0])


def _restore_mark(conn: sqlite3.Connection, mark: int | None) -> None:
    if mark is None:
        conn.execute("DELETE FROM journal_mark WHERE t = 'interactions'")
    else:
        conn.execute("INSERT OR REPLACE INTO journal_mark(t, hw) VALUES ('interactions', ?)", (mark,))


def _attic_columns(conn: sqlite3.Connection) -> list[str]:
    attic = set(columns_of(conn, "journal_attic"))
    return [col for col in columns_of(conn, "interactions") if col in attic]


def to_attic(conn: sqlite3.Connection, low: int, high: int) -> list[list[int]]:
    """Move the interactions with row ids from ``low`` to ``high`` (and their links) to the attic.

    Returns the range as a list of one ``[low, high]`` (none when nothing was there).
    """
    found = conn.execute("SELECT count(*) FROM interactions WHERE id BETWEEN ? AND ?", (low, high)).fetchone()
    if not found[0]:
        return []
    cols = _attic_columns(conn)
    names = ", ".join(cols)
    mark = lower_mark(conn, low - 1)
    conn.execute(
        f"INSERT INTO journal_attic(entry, {names}, people) SELECT ?, {', '.join('i.' + c for c in cols)},"
        " (SELECT json_group_array(c.uid) FROM links l JOIN contacts c ON c.id = l.contact_id"
        "  WHERE l.interaction_id = i.id)"
        " FROM interactions i WHERE i.id BETWEEN ? AND ?",
        (PENDING, low, high),
    )
    conn.execute("DELETE FROM links WHERE interaction_id BETWEEN ? AND ?", (low, high))
    conn.execute("DELETE FROM interactions WHERE id BETWEEN ? AND ?", (low, high))
    _restore_mark(conn, mark)
    return [[low, high]]


def from_attic(conn: sqlite3.Connection, entry_id: str, revived: list[str]) -> list[list[int]]:
    """Move the interactions an undo (``entry_id``) put in the attic back; return their id ranges.

    Rows come back under their old row ids (free unless sync filled them since: those come
    back one by one, under new ids, and are added to ``revived``); rows whose id is back
    already, or whose people were all forgotten since, stay away.
    """
    cols = _attic_columns(conn)
    names = ", ".join(cols)
    lowest = conn.execute("SELECT min(id) FROM journal_attic WHERE entry = ?", (entry_id,)).fetchone()[0]
    if lowest is None:
        return []
    mark = lower_mark(conn, int(lowest) - 1)
    free = (
        " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.uid = a.uid)"
        " AND (a.people = '[]' OR EXISTS (SELECT 1 FROM json_each(a.people) p"
        "  JOIN contacts c ON c.uid = p.value))"
    )
    conn.execute(
        f"INSERT INTO interactions({names}) SELECT {', '.join('a.' + c for c in cols)} FROM journal_attic a"
        f" WHERE a.entry = ? AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.id = a.id){free}",
        (entry_id,),
    )
    conn.execute(
        "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id)"
        " SELECT c.id, a.day, a.channel, a.id FROM journal_attic a, json_each(a.people) p"
        " JOIN contacts c ON c.uid = p.value"
        " JOIN interactions i ON i.id = a.id AND i.uid = a.uid WHERE a.entry = ?",
        (entry_id,),
    )
    _restore_mark(conn, mark)
    ranges = [
        [int(row[0]), int(row[1])]
        for row in conn.execute(
            "SELECT min(id), max(id) FROM (SELECT a.id, a.id - row_number() OVER (ORDER BY a.id) AS run"
            " FROM journal_attic a JOIN interactions i ON i.id = a.id AND i.uid = a.uid WHERE a.entry = ?)"
            " GROUP BY run ORDER BY 1",
            (entry_id,),
        )
    ]
    for row in conn.execute(  # their row ids were taken meanwhile (by a sync): one by one
        f"SELECT {names}, people FROM journal_attic a WHERE a.entry = ?{free}", (entry_id,)
    ).fetchall():
        import json

        values = dict(zip(cols, row[:-1], strict=True))
        values.pop("id")
        rowid = _insert_row(conn, "interactions", values)
        _set_links(conn, rowid, json.loads(row[-1]))
        revived.append(bytes(values["uid"]).hex())
    conn.execute("DELETE FROM journal_attic WHERE entry = ?", (entry_id,))
    return ranges


def attic_uids(conn: sqlite3.Connection, entry_id: str) -> Iterator[str]:
    """Yield the stable ids of the interactions an undo put in the attic (for sync), in row order."""
    last = -1
    while True:
        rows = conn.execute(
            "SELECT id, lower(hex(uid)) FROM journal_attic WHERE entry = ? AND id > ? ORDER BY id LIMIT 2000",
            (entry_id, last),
        ).fetchall()
        if not rows:
            return
        for _rowid, uid in rows:
            yield str(uid)
        last = int(rows[-1][0])


def apply_inverse(
    conn: sqlite3.Connection,
    changes: dict[str, Any],
    entry_id: str | None = None,
    notes: dict[str, list[Any]] | None = None,
) -> list[str]:
    """Put back every row an entry changed as it was before the entry (as far as it still can).

    Returns the ids of the interactions it brought back (a deleted row id above the capture
    mark is recorded as a range, so the entry notes them as revived: ``"r"``). Runs of
    ``ATTIC_AT_LEAST`` or more new interactions go to the attic, and what the attic kept for
    ``entry_id`` comes back from it; ``notes`` gets what the new entry must say about both
    (``"a"``: ranges moved to the attic; ``"rr"``: ranges brought back from it).
    """
    notes = {} if notes is None else notes
    revived: list[str] = []
    contacts = changes.get("c", {})
    values = changes.get("v", {})
    interactions = changes.get("i", {})
    state = changes.get("n", {})
    for uid in state.get("new", []):
        conn.execute("DELETE FROM nudge_state WHERE uid = ?", (uid,))
    for owner, kind, key, _value in values.get("add", []):
        rowid = _contact_rowid(conn, owner)
        conn.execute(
            "DELETE FROM contact_values WHERE contact_id = ? AND kind = ? AND match_key = ?",
            (rowid, kind, key),
        )
    for low, high in [*interactions.get("new", []), *changes.get("rr", [])]:
        if high - low + 1 >= ATTIC_AT_LEAST:
            notes.setdefault("a", []).extend(to_attic(conn, low, high))
            continue
        conn.execute("DELETE FROM links WHERE interaction_id BETWEEN ? AND ?", (low, high))
        conn.execute("DELETE FROM interactions WHERE id BETWEEN ? AND ?", (low, high))
    for uid in interactions.get("renew", []):
        found = conn.execute("SELECT id FROM interactions WHERE uid = ?", (bytes.fromhex(uid),)).fetchone()
        if found is not None:
            conn.execute("DELETE FROM links WHERE interaction_id = ?", (found[0],))
            conn.execute("DELETE FROM interactions WHERE id = ?", (found[0],))
    for uid in contacts.get("new", []):
        rowid = _contact_rowid(conn, uid)
        if rowid is not None:
            delete_contact_rows(conn, rowid)
    for row, old_values in contacts.get("del", []):
        if _contact_rowid(conn, str(row["uid"])) is not None:
            continue
        rowid = _insert_row(conn, "contacts", row)
        conn.executemany(
            "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value) VALUES (?, ?, ?, ?)",
            [(rowid, kind, key, value) for kind, key, value in old_values],
        )
    for uid, old in contacts.get("upd", []):
        if old:
            conn.execute(
                f"UPDATE contacts SET {', '.join(f'{col} = ?' for col in old)} WHERE uid = ?",
                (*old.values(), uid),
            )
    for owner, kind, key, value in values.get("rem", []):
        rowid = _contact_rowid(conn, owner)
        if rowid is not None:
            conn.execute(
                "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value) VALUES (?, ?, ?, ?)",
                (rowid, kind, key, value),
            )
    for row, people in interactions.get("del", []):
        values_row = _interaction_row(row)
        if conn.execute("SELECT 1 FROM interactions WHERE uid = ?", (values_row["uid"],)).fetchone():
            continue
        rowid = _insert_row(conn, "interactions", values_row)
        _set_links(conn, rowid, people)
        revived.append(str(row["uid"]))
    if changes.get("a") and entry_id is not None:  # after the contacts they name are back
        notes.setdefault("rr", []).extend(from_attic(conn, entry_id, revived))
    for uid, old in interactions.get("upd", []):
        found = conn.execute("SELECT id FROM interactions WHERE uid = ?", (bytes.fromhex(uid),)).fetchone()
        if found is None:
            continue
        columns = {col: value for col, value in old.items() if col != "people"}
        if columns:
            conn.execute(
                f"UPDATE interactions SET {', '.join(f'{col} = ?' for col in columns)} WHERE id = ?",
                (*columns.values(), found[0]),
            )
        _set_links(conn, int(found[0]), old.get("people"))
    for row in state.get("del", []):
        if conn.execute("SELECT 1 FROM nudge_state WHERE uid = ?", (row["uid"],)).fetchone():
            continue
        values_row = dict(row)
        values_row["contact_id"] = _contact_rowid(conn, row.get("contact_id"))
        if row.get("contact_id") is not None and values_row["contact_id"] is None:
            continue
        _insert_row(conn, "nudge_state", values_row)
    for uid, old in state.get("upd", []):
        columns = dict(old)
        if "contact_id" in columns:
            columns["contact_id"] = _contact_rowid(conn, columns["contact_id"])
        if columns:
            conn.execute(
                f"UPDATE nudge_state SET {', '.join(f'{col} = ?' for col in columns)} WHERE uid = ?",
                (*columns.values(), uid),
            )
    return revived
