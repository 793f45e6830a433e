"""``kinship sync DIR``: exchange journal entries with other devices through a shared folder (SPEC §11).

The folder holds one sub-folder per device, ``DIR/<device id>/``, and in it files that are
written once and never changed: each is written to a temporary name (``.name.tmp``), 0600,
flushed, then renamed, and ends with a completion line — a file that a sync tool is still
copying in (no completion line yet) is skipped until it is whole. A file holds entries in id
order, each a header line, its operations (one JSON object a line, so a million interactions
stream in bounded memory), and an end line.

Operations are by stable id and say what the entry changed as this device sees it when it
publishes: ``put`` (a whole record; weak unless it brings back a deleted one), ``set`` (one
field), ``del``, ``vadd`` / ``vdel`` (an alias, tag, email, phone or source id) and ``merge``.
A receiver applies them with the merge rules of SPEC §11, keeping for each field the version
(entry id) that set it: the later change wins (entry time, then device id); a removal wins
over an edit it has not seen; a forgotten contact stays forgotten; references to a merged
contact follow it to the one it was merged into; two contacts created with the same name on
different devices become one, by a merge recorded as this device's own entry.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kinship import journal, journal_store
from kinship.errors import DataError, UsageError
from kinship.journal_store import RECORD, TOMBSTONE, get_version, set_version
from kinship.keys import name_key
from kinship.store import Store

FORMAT_VERSION = 1
SUFFIX = ".kjl"
CHUNK = 2000
_DEVICE_FOLDER = re.compile(r"^[0-9a-f]{16}$")
_FILE = re.compile(r"^[0-9a-f]{32}-[0-9a-f]{32}\.kjl$")
PUBLISHED_PREFIX = "journal_published "


@dataclass
class SyncReport:
    """What a sync sent, received and merged (or, with ``dry_run``, would)."""

    folder: str
    device: str
    name: str
    sent: int = 0
    received: dict[str, int] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    incomplete_files: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        """Return the report as lines of plain text."""
        verb = ("Would send", "would receive") if self.dry_run else ("Sent", "received")
        total = sum(self.received.values())
        lines = [f"{verb[0]} {self.sent} changes to {self.folder}; {verb[1]} {total}"]
        for name, count in sorted(self.received.items()):
            lines.append(f"  from {name}: {count}")
        for words in self.merged:
            lines.append(f"  {words}")
        if self.incomplete_files:
            lines.append(f"  still being copied in, skipped for now: {self.incomplete_files} files")
        return lines

    def as_json(self) -> dict[str, Any]:
        """Return the report as a JSON object."""
        return {
            "folder": self.folder,
            "device": self.device,
            "name": self.name,
            "dry_run": self.dry_run,
            "sent": self.sent,
            "received": dict(sorted(self.received.items())),
            "merged": list(self.merged),
            "incomplete_files": self.incomplete_files,
        }


class _DryRun(Exception):
    """Raised inside the write block to roll a dry run back."""


def check_folder(store: Store, folder: Path) -> Path:
    """Return the folder resolved; refuse one that is missing or that holds the database."""
    shown = str(folder)[:200]
    try:
        exists, is_dir = folder.exists(), folder.is_dir()
        resolved = folder.resolve()
        database = store.path.resolve()
    except (OSError, ValueError) as exc:  # a name too long, a NUL in it
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot use {shown!r} as the sync folder: {reason}", "name a folder") from exc
    if not exists:
        raise UsageError(
            f"{shown}: no such folder", "create it, or point to the folder your sync tool shares"
        )
    if not is_dir:
        raise UsageError(f"{shown} is not a folder", "name the folder your sync tool shares")
    if database.is_relative_to(resolved):
        raise UsageError(
            f"{folder} holds the database itself ({store.path})",
            "a sync tool copying a live database corrupts it: use a folder outside it for sync",
        )
    return resolved


def sync(store: Store, folder: Path, *, name: str | None = None, dry_run: bool = False) -> SyncReport:
    """Publish this device's new entries to ``folder`` and apply the other devices' (one transaction)."""
    resolved = check_folder(store, folder)
    report = SyncReport(folder=str(folder), device="", name="", dry_run=dry_run)
    try:
        with store.write():
            device = journal_store.device_id(store.conn)
            if name:
                store.set_meta(journal_store.DEVICE_NAME_KEY, name)
            report.device = device
            report.name = store.get_meta(journal_store.DEVICE_NAME_KEY) or device
            # a first exchange with this folder sends everything this device holds, as weak
            # puts under an id from before what this sync itself records (its merges)
            # (written before anything is applied: what others sent is not sent back to them)
            after = _published(store, resolved, device)
            if after is None:
                now = store.journal_now
                now_ms = 0 if now is None else int(now.timestamp() * 1000)
                after = journal_store.record_marker(store.conn, "sync: everything so far", now_ms)
                report.sent += _publish(
                    store, resolved, device, report.name, after, snapshot=True, dry_run=dry_run
                )
            applier = _Applier(store.conn)
            for entry, ops in _incoming(resolved, device, store.conn, report):
                store.journal_start()
                applier.apply_entry(entry, ops)
                store.conn.execute(
                    "INSERT OR IGNORE INTO journal(id, device, at, words, undoes, redoes, changes)"
                    " VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    (
                        entry["entry"],
                        entry["device"],
                        int(entry.get("at") or 0),
                        str(entry.get("words") or ""),
                        entry.get("undoes"),
                        entry.get("redoes"),
                    ),
                )
                store.conn.execute(
                    "INSERT INTO journal_devices(device, name, last_applied) VALUES (?, ?, ?)"
                    " ON CONFLICT(device) DO UPDATE SET name = excluded.name, last_applied = excluded.last_applied",
                    (entry["device"], entry.get("name"), entry["entry"]),
                )
                report.received[str(entry.get("name") or entry["device"])] = (
                    report.received.get(str(entry.get("name") or entry["device"]), 0) + 1
                )
            store.journal_start()
            for words in applier.merge_namesakes(store):
                report.merged.append(words)
            report.sent += _publish(
                store, resolved, device, report.name, after, snapshot=False, dry_run=dry_run
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


# ---- reading other devices' files -------------------------------------------------------------


def _complete(path: Path) -> bool:
    """Return True when the file ends with its completion line."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 200))
            tail = handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    except OSError:
        return False
    try:
        return bool(json.loads(tail).get("complete"))
    except (ValueError, AttributeError):
        return False


class _EntryStream:
    """The entries of one device's complete files, in order, each with its operations streamed."""

    def __init__(self, files: list[Path], after: str | None, label: str) -> None:
        self.files = files
        self.after = after
        self.label = label
        self.handle: IO[str] | None = None
        self.in_entry = False

    def _ops(self, handle: IO[str], path: Path) -> Iterator[dict[str, Any]]:
        for raw in handle:
            value = _parse(raw, path)
            if "end" in value:
                self.in_entry = False
                return
            yield value
        raise DataError(f"{path}: an entry ends without its end line", "the file is damaged; remove it")

    def entries(self) -> Iterator[tuple[str, int, dict[str, Any], Iterator[dict[str, Any]]]]:
        """Yield (id, order, header, operations) for the entries after ``after``."""
        order = 0
        for path in self.files:
            with open(path, encoding="utf-8") as handle:
                header = _parse(handle.readline(), path)
                if header.get("kinship_sync") != FORMAT_VERSION:
                    raise DataError(f"{path}: not a kinship sync file this version reads", "upgrade kinship")
                for raw in handle:
                    value = _parse(raw, path)
                    if "complete" in value:
                        break
                    if "entry" not in value:
                        raise DataError(f"{path}: expected an entry line", "the file is damaged; remove it")
                    value["device"] = header["device"]
                    value["name"] = header.get("name")
                    self.in_entry = True
                    ops = self._ops(handle, path)
                    if self.after is None or value["entry"] > self.after:
                        self.after = value["entry"]
                        order += 1
                        yield value["entry"], order, value, ops
                    for _op in ops:  # whatever the receiver did not read
                        pass


def _parse(raw: str, path: Path) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise DataError(f"{path}: a line is not valid JSON", "the file is damaged; remove it") from exc
    if not isinstance(value, dict):
        raise DataError(f"{path}: a line is not a JSON object", "the file is damaged; remove it")
    return value


def _incoming(
    folder: Path, device: str, conn: sqlite3.Connection, report: SyncReport
) -> Iterator[tuple[dict[str, Any], Iterator[dict[str, Any]]]]:
    """Yield every other device's entries not applied yet, all in id order."""
    applied = {
        str(row[0]): row[1] for row in conn.execute("SELECT device, last_applied FROM journal_devices")
    }
    streams = []
    for sub in sorted(folder.iterdir()):
        if not sub.is_dir() or not _DEVICE_FOLDER.match(sub.name) or sub.name == device:
            continue
        files = []
        for path in sorted(sub.iterdir()):
            if not _FILE.match(path.name):
                continue
            if _complete(path):
                files.append(path)
            else:
                report.incomplete_files += 1
        if files:
            streams.append(_EntryStream(files, applied.get(sub.name), sub.name).entries())
    for _entry_id, _order, header, ops in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        yield header, ops


# ---- writing this device's files ----------------------------------------------------------------


def _published(store: Store, folder: Path, device: str) -> str | None:
    """Return the last entry this device published to ``folder`` (None: start with everything)."""
    published = store.get_meta(PUBLISHED_PREFIX + str(folder))
    if published is not None and not any(_FILE.match(p.name) for p in (folder / device).glob("*" + SUFFIX)):
        return None  # the folder was emptied or replaced: start again with everything
    return published


def _publish(
    store: Store, folder: Path, device: str, name: str, after: str, *, snapshot: bool, dry_run: bool
) -> int:
    """Write this device's entries after ``after`` (or, as ``snapshot``, everything it holds
    under the marker ``after``) to ``folder`` as one new file; return how many entries."""
    conn = store.conn
    key = PUBLISHED_PREFIX + str(folder)
    own = folder / device
    heads: list[tuple[str, int, str, str | None, str | None, bool]] = []
    if snapshot:
        heads.append((after, 0, "everything this device holds", None, None, True))
    else:
        for entry_id, at, words, undoes, redoes in conn.execute(
            "SELECT id, at, words, undoes, redoes FROM journal WHERE device = ? AND id > ?"
            " AND changes IS NOT NULL ORDER BY id",
            (device, after),
        ):
            heads.append((str(entry_id), int(at), str(words), undoes, redoes, False))
    if not heads or dry_run:
        return len(heads)
    first, last = heads[0][0], heads[-1][0]
    if not own.exists():
        own.mkdir(mode=0o700)
    for stale in own.glob(".*.tmp"):  # left by a sync that was killed while writing
        stale.unlink(missing_ok=True)
    target = own / f"{first}-{last}{SUFFIX}"
    if not target.exists():
        temporary = own / f".{target.name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(_line({"kinship_sync": FORMAT_VERSION, "device": device, "name": name}))
                for entry_id, at, words, undoes, redoes, whole in heads:
                    out.write(
                        _line(
                            {"entry": entry_id, "at": at, "words": words, "undoes": undoes, "redoes": redoes}
                        )
                    )
                    ops = _snapshot_ops(conn) if whole else _entry_ops(conn, entry_id)
                    for op in ops:
                        out.write(_line(op))
                    out.write(_line({"end": entry_id}))
                out.write(_line({"complete": True, "entries": len(heads)}))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    store.set_meta(key, last)
    store.set_meta(journal_store.PUBLISHED_KEY, last)
    return len(heads)


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _contact_put(
    conn: sqlite3.Connection, row: tuple[Any, ...], cols: list[str], strong: bool
) -> dict[str, Any]:
    record = dict(zip(cols, row, strict=True))
    rowid = record.pop("id")
    values = [
        list(item)
        for item in conn.execute(
            "SELECT kind, match_key, value FROM contact_values WHERE contact_id = ? ORDER BY kind, match_key",
            (rowid,),
        )
    ]
    return {"op": "put", "t": "c", "uid": record["uid"], "row": record, "values": values, "strong": strong}


def _interaction_puts(
    conn: sqlite3.Connection, where: str, params: tuple[Any, ...], strong: bool | set[str]
) -> Iterator[dict[str, Any]]:
    cols = journal_store.columns_of(conn, "interactions")
    last = -1
    while True:
        rows = conn.execute(
            f"SELECT {', '.join(cols)} FROM interactions WHERE ({where}) AND id > ? ORDER BY id LIMIT ?",
            (*params, last, CHUNK),
        ).fetchall()
        if not rows:
            return
        marks = ",".join("?" * len(rows))
        people: dict[int, list[str]] = {}
        for interaction_id, uid in conn.execute(
            f"SELECT l.interaction_id, c.uid FROM links l JOIN contacts c ON c.id = l.contact_id"
            f" WHERE l.interaction_id IN ({marks}) ORDER BY c.uid",
            [row[0] for row in rows],
        ):
            people.setdefault(int(interaction_id), []).append(str(uid))
        for row in rows:
            record = dict(zip(cols, row, strict=True))
            rowid = int(record.pop("id"))
            record["uid"] = bytes(record["uid"]).hex()
            yield {
                "op": "put",
                "t": "i",
                "uid": record["uid"],
                "row": record,
                "people": people.get(rowid, []),
                "strong": strong if isinstance(strong, bool) else record["uid"] in strong,
            }
        last = int(rows[-1][0])


def _nudge_put(conn: sqlite3.Connection, uid: str, strong: bool) -> dict[str, Any] | None:
    cols = journal_store.columns_of(conn, "nudge_state")
    row = conn.execute(f"SELECT {', '.join(cols)} FROM nudge_state WHERE uid = ?", (uid,)).fetchone()
    if row is None:
        return None
    record = dict(zip(cols, row, strict=True))
    record.pop("id")
    record["contact_id"] = _uid_of_contact(conn, record["contact_id"])
    return {"op": "put", "t": "n", "uid": uid, "row": record, "strong": strong}


def _uid_of_contact(conn: sqlite3.Connection, rowid: int | None) -> str | None:
    if rowid is None:
        return None
    row = conn.execute("SELECT uid FROM contacts WHERE id = ?", (rowid,)).fetchone()
    return None if row is None else str(row[0])


def _snapshot_ops(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Yield weak puts of every record this device holds (its first exchange with a folder)."""
    cols = journal_store.columns_of(conn, "contacts")
    for row in conn.execute(f"SELECT {', '.join(cols)} FROM contacts ORDER BY id").fetchall():
        yield _contact_put(conn, row, cols, False)
    yield from _interaction_puts(conn, "1", (), False)
    for (uid,) in conn.execute("SELECT uid FROM nudge_state ORDER BY id").fetchall():
        op = _nudge_put(conn, str(uid), False)
        if op is not None:
            yield op


def _strong(conn: sqlite3.Connection, uid: str) -> bool:
    return get_version(conn, uid, RECORD) is not None


def _entry_ops(conn: sqlite3.Connection, entry_id: str) -> Iterator[dict[str, Any]]:
    """Yield one entry's operations, materialised from the rows as they are now."""
    changes = journal_store.entry_changes(conn, entry_id)
    contacts = changes.get("c", {})
    values = changes.get("v", {})
    interactions = changes.get("i", {})
    state = changes.get("n", {})
    for dup, keep, *_names in changes.get("m", []):
        yield {"op": "merge", "dup": dup, "keep": keep}
    c_cols = journal_store.columns_of(conn, "contacts")
    for uid in contacts.get("new", []):
        row = conn.execute(f"SELECT {', '.join(c_cols)} FROM contacts WHERE uid = ?", (uid,)).fetchone()
        if row is not None:
            yield _contact_put(conn, row, c_cols, _strong(conn, uid))
    for uid, old in contacts.get("upd", []):
        row = conn.execute(f"SELECT {', '.join(c_cols)} FROM contacts WHERE uid = ?", (uid,)).fetchone()
        if row is None:
            continue
        current = dict(zip(c_cols, row, strict=True))
        for col in old:
            yield {"op": "set", "t": "c", "uid": uid, "f": col, "v": current[col]}
    for owner, kind, key, text in values.get("add", []):
        yield {"op": "vadd", "uid": owner, "kind": kind, "key": key, "value": text}
    for owner, kind, key, text in values.get("rem", []):
        yield {"op": "vdel", "uid": owner, "kind": kind, "key": key, "value": text}
    for low, high in interactions.get("new", []):
        yield from _interaction_puts(conn, "id BETWEEN ? AND ?", (low, high), set(changes.get("r", [])))
    for uid in interactions.get("renew", []):
        yield from _interaction_puts(conn, "uid = ?", (bytes.fromhex(uid),), _strong(conn, uid))
    i_cols = journal_store.columns_of(conn, "interactions")
    for uid, old in interactions.get("upd", []):
        row = conn.execute(
            f"SELECT {', '.join(i_cols)} FROM interactions WHERE uid = ?", (bytes.fromhex(uid),)
        ).fetchone()
        if row is None:
            continue
        current = dict(zip(i_cols, row, strict=True))
        for col in old:
            if col == "people":
                value: Any = [
                    str(r[0])
                    for r in conn.execute(
                        "SELECT c.uid FROM links l JOIN contacts c ON c.id = l.contact_id WHERE l.interaction_id = ?"
                        " ORDER BY c.uid",
                        (current["id"],),
                    )
                ]
            else:
                value = current[col]
            yield {"op": "set", "t": "i", "uid": uid, "f": col, "v": value}
    for row, _people in interactions.get("del", []):
        yield {"op": "del", "t": "i", "uid": str(row["uid"])}
    for uid in state.get("new", []):
        op = _nudge_put(conn, uid, _strong(conn, uid))
        if op is not None:
            yield op
    n_cols = journal_store.columns_of(conn, "nudge_state")
    for uid, old in state.get("upd", []):
        found = conn.execute(f"SELECT {', '.join(n_cols)} FROM nudge_state WHERE uid = ?", (uid,)).fetchone()
        if found is None:
            continue
        current = dict(zip(n_cols, found, strict=True))
        for col in old:
            value = _uid_of_contact(conn, current[col]) if col == "contact_id" else current[col]
            yield {"op": "set", "t": "n", "uid": uid, "f": col, "v": value}
    for row in state.get("del", []):
        yield {"op": "del", "t": "n", "uid": str(row["uid"])}
    for row, _values in contacts.get("del", []):
        yield {"op": "del", "t": "c", "uid": str(row["uid"])}


# ---- applying other devices' entries --------------------------------------------------------------


_TABLES = {"c": "contacts", "i": "interactions", "n": "nudge_state"}


class _Applier:
    """Applies received operations with the merge rules (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.columns = {short: journal_store.columns_of(conn, table) for short, table in _TABLES.items()}
        self.created: list[str] = []
        # a million received interactions name the same few thousand contacts: look each up once
        self._contacts: dict[str | None, int | None] = {}
        self._tombstones = (
            conn.execute("SELECT 1 FROM journal_versions WHERE field = ? LIMIT 1", (TOMBSTONE,)).fetchone()
            is not None
        )

    # -- lookups
    def resolve(self, uid: str | None) -> str | None:
        """Return the contact a (possibly merged-away) contact id now stands for."""
        seen = 0
        while uid is not None and seen < 50:
            row = self.conn.execute("SELECT into_uid FROM journal_redirects WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                return uid
            uid, seen = str(row[0]), seen + 1
        return uid

    def contact_rowid(self, uid: str | None) -> int | None:
        """Return the row id of a contact (after redirects), or None."""
        if uid in self._contacts:
            return self._contacts[uid]
        resolved = self.resolve(uid)
        row = (
            None
            if resolved is None
            else self.conn.execute("SELECT id FROM contacts WHERE uid = ?", (resolved,)).fetchone()
        )
        self._contacts[uid] = None if row is None else int(row[0])
        return self._contacts[uid]

    def _rowid(self, table: str, uid: str) -> int | None:
        key: Any = bytes.fromhex(uid) if table == "i" else uid
        row = self.conn.execute(f"SELECT id FROM {_TABLES[table]} WHERE uid = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    # -- entries
    def apply_entry(self, header: dict[str, Any], ops: Iterator[dict[str, Any]]) -> None:
        """Apply one received entry's operations, in order."""
        version = str(header["entry"])
        for op in ops:
            kind = op.get("op")
            if kind == "put":
                self.put(op, version)
            elif kind == "set":
                self.set(op, version)
            elif kind == "del":
                self.delete(op, version)
            elif kind in ("vadd", "vdel"):
                self.value(op, version)
            elif kind == "merge":
                self.merge(str(op["dup"]), str(op["keep"]))

    def put(self, op: dict[str, Any], version: str) -> None:
        """Create a record (weak: never over a tombstone) or bring one back (strong: if newer)."""
        table, uid, strong = str(op["t"]), str(op["uid"]), bool(op.get("strong"))
        if table == "c":
            self._contacts.clear()
            if self.resolve(uid) != uid:
                return  # merged away elsewhere
        tombstone = get_version(self.conn, uid, TOMBSTONE) if self._tombstones else None
        if tombstone is not None and not (strong and version > tombstone):
            return
        rowid = self._rowid(table, uid)
        if rowid is not None:
            if strong:
                for col, value in op["row"].items():
                    self.set({"t": table, "uid": uid, "f": col, "v": value}, version)
                set_version(self.conn, uid, RECORD, version)
            return
        row = dict(op["row"])
        cols = [col for col in self.columns[table] if col in row and col != "id"]
        if table == "i":
            people = [r for r in (self.contact_rowid(p) for p in op.get("people", [])) if r is not None]
            if op.get("people") and not people:
                return  # everyone in it was forgotten
            row["uid"] = bytes.fromhex(str(row["uid"]))
        if table == "n":
            contact = row.get("contact_id")
            row["contact_id"] = self.contact_rowid(contact)
            if contact is not None and row["contact_id"] is None:
                return
        cursor = self.conn.execute(
            f"INSERT INTO {_TABLES[table]}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[col] for col in cols],
        )
        new_rowid = int(cursor.lastrowid or 0)
        if tombstone is not None:
            self.conn.execute("DELETE FROM journal_versions WHERE uid = ? AND field = ?", (uid, TOMBSTONE))
        if strong:
            set_version(self.conn, uid, RECORD, version)
        if table == "c":
            for kind, key, value in op.get("values", []):
                if get_version(self.conn, uid, f"v:{kind}:{key}") is None:
                    self.conn.execute(
                        "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value) VALUES (?, ?, ?, ?)",
                        (new_rowid, kind, key, value),
                    )
            self.created.append(uid)
        if table == "i":
            self.conn.executemany(
                "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
                [(person, row["day"], row["channel"], new_rowid) for person in sorted(set(people))],
            )

    def set(self, op: dict[str, Any], version: str) -> None:
        """Set one field when this change is newer than the one that set it last."""
        table, uid, col, value = str(op["t"]), str(op["uid"]), str(op["f"]), op.get("v")
        if table == "c" and self.resolve(uid) != uid:
            return  # a field of a contact merged away: the merge decided
        rowid = self._rowid(table, uid)
        if rowid is None or not journal.wins(version, self._version(uid, col)):
            return
        set_version(self.conn, uid, col, version)
        if table == "i" and col == "people":
            people = [r for r in (self.contact_rowid(p) for p in value or []) if r is not None]
            self._links(rowid, people)
            return
        if col not in self.columns[table] or col in ("id", "uid"):
            return
        if table == "n" and col == "contact_id":
            value = self.contact_rowid(value)
        self.conn.execute(f"UPDATE {_TABLES[table]} SET {col} = ? WHERE id = ?", (value, rowid))
        if table == "i" and col in ("day", "channel"):
            self._links(rowid, None)

    def _version(self, uid: str, col: str) -> str | None:
        found = [v for v in (get_version(self.conn, uid, col), get_version(self.conn, uid, RECORD)) if v]
        return max(found) if found else None

    def _links(self, rowid: int, people: list[int] | None) -> None:
        row = self.conn.execute("SELECT day, channel FROM interactions WHERE id = ?", (rowid,)).fetchone()
        if people is None:
            people = [
                int(r[0])
                for r in self.conn.execute("SELECT contact_id FROM links WHERE interaction_id = ?", (rowid,))
            ]
        self.conn.execute("DELETE FROM links WHERE interaction_id = ?", (rowid,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
            [(person, row[0], row[1], rowid) for person in sorted(set(people))],
        )

    def delete(self, op: dict[str, Any], version: str) -> None:
        """Delete a record unless it was brought back by a newer change; leave a tombstone."""
        table, uid = str(op["t"]), str(op["uid"])
        revived = get_version(self.conn, uid, RECORD)
        if revived is not None and revived > version:
            return
        set_version(self.conn, uid, TOMBSTONE, version)
        self._tombstones = True
        rowid = self._rowid(table, uid)
        if rowid is None:
            return
        if table == "c":
            self._contacts.clear()
            forget_rows(self.conn, rowid)
        elif table == "i":
            self.conn.execute("DELETE FROM links WHERE interaction_id = ?", (rowid,))
            self.conn.execute("DELETE FROM interactions WHERE id = ?", (rowid,))
        else:
            self.conn.execute("DELETE FROM nudge_state WHERE id = ?", (rowid,))

    def value(self, op: dict[str, Any], version: str) -> None:
        """Add or remove an alias, tag, email, phone or source id (the later change wins)."""
        owner = self.resolve(str(op["uid"]))
        rowid = self.contact_rowid(owner)
        if owner is None or rowid is None:
            return
        field_name = f"v:{op['kind']}:{op['key']}"
        if not journal.wins(version, get_version(self.conn, owner, field_name)):
            return
        set_version(self.conn, owner, field_name, version)
        if op["op"] == "vadd":
            self.conn.execute(
                "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value) VALUES (?, ?, ?, ?)",
                (rowid, op["kind"], op["key"], op["value"]),
            )
        else:
            self.conn.execute(
                "DELETE FROM contact_values WHERE contact_id = ? AND kind = ? AND match_key = ?",
                (rowid, op["kind"], op["key"]),
            )

    def merge(self, dup: str, keep: str) -> None:
        """Fold ``dup`` into ``keep`` here too (its interactions logged here since included)."""
        self._contacts.clear()
        keep_uid = self.resolve(keep)
        if keep_uid == dup or keep_uid is None:
            return
        dup_rowid = self._rowid("c", dup)
        keep_rowid = self._rowid("c", keep_uid)
        self.conn.execute(
            "INSERT OR REPLACE INTO journal_redirects(uid, into_uid) VALUES (?, ?)", (dup, keep_uid)
        )
        journal_store.merge_versions(self.conn, dup, keep_uid)
        if dup_rowid is not None and keep_rowid is not None:
            merge_rows(self.conn, dup_rowid, keep_rowid)

    def merge_namesakes(self, store: Store) -> list[str]:
        """Merge each contact received in this sync into one of the same name made here; return words."""
        done = []
        self._contacts.clear()
        for uid in self.created:
            row = self.conn.execute(
                "SELECT id, name_key, created, uid, name FROM contacts WHERE uid = ?", (uid,)
            ).fetchone()
            if row is None:
                continue
            other = self.conn.execute(
                "SELECT id, name_key, created, uid, name FROM contacts WHERE name_key = ? AND id != ?"
                " ORDER BY created, uid LIMIT 1",
                (row[1], row[0]),
            ).fetchone()
            if other is None:
                continue
            pair = (row, other)
            keep = pair[journal.keeper((row[2], row[3]), (other[2], other[3]))]
            dup = other if keep is row else row
            store.journal_note("m", [dup[3], keep[3], dup[4], keep[4]])
            self.conn.execute(
                "INSERT OR REPLACE INTO journal_redirects(uid, into_uid) VALUES (?, ?)", (dup[3], keep[3])
            )
            merge_rows(self.conn, int(dup[0]), int(keep[0]))
            words = f"merged {dup[4]} into {keep[4]} (added on two devices)"
            store.refresh_contact_days()
            store.journal_record(f"sync: {words}")
            done.append(words)
        return done


def forget_rows(conn: sqlite3.Connection, rowid: int) -> None:
    """Delete a contact as ``forget`` does: with the interactions they were the only person in."""
    conn.execute(
        "DELETE FROM interactions WHERE id IN (SELECT l.interaction_id FROM links l WHERE l.contact_id = ?"
        " AND NOT EXISTS (SELECT 1 FROM links o WHERE o.interaction_id = l.interaction_id AND o.contact_id != ?))",
        (rowid, rowid),
    )
    journal_store.delete_contact_rows(conn, rowid)


def merge_rows(conn: sqlite3.Connection, dup: int, keep: int) -> None:
    """Fold contact ``dup`` into ``keep`` as ``kinship merge`` does (links, values, empty fields)."""
    conn.execute(
        "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id)"
        " SELECT ?, day, channel, interaction_id FROM links WHERE contact_id = ?",
        (keep, dup),
    )
    conn.execute("DELETE FROM links WHERE contact_id = ?", (dup,))
    conn.execute("UPDATE nudge_state SET contact_id = ? WHERE contact_id = ?", (keep, dup))
    keep_row = conn.execute(
        "SELECT name, circle, every_days, birthday, note FROM contacts WHERE id = ?", (keep,)
    ).fetchone()
    dup_row = conn.execute(
        "SELECT name, circle, every_days, birthday, note FROM contacts WHERE id = ?", (dup,)
    ).fetchone()
    if dup_row[0] and name_key(dup_row[0]) != name_key(keep_row[0]):
        conn.execute(
            "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value) VALUES (?, 'alias', ?, ?)",
            (keep, name_key(dup_row[0]), dup_row[0]),
        )
    conn.execute(
        "INSERT OR IGNORE INTO contact_values(contact_id, kind, match_key, value)"
        " SELECT ?, kind, match_key, value FROM contact_values WHERE contact_id = ?",
        (keep, dup),
    )
    for index, column in enumerate(("circle", "every_days", "birthday", "note"), start=1):
        if keep_row[index] is None and dup_row[index] is not None:
            conn.execute(f"UPDATE contacts SET {column} = ? WHERE id = ?", (dup_row[index], keep))
    journal_store.delete_contact_rows(conn, dup)
