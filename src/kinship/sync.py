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

import datetime as dt
import errno
import heapq
import itertools
import json
import os
import re
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kinship import journal, journal_store
from kinship.errors import DataError, Interrupted, KinshipError, UsageError, ValidationError
from kinship.journal_store import RECORD, TOMBSTONE, get_version, set_version
from kinship.keys import name_key
from kinship.store import VALUE_KINDS, Store

FORMAT_VERSION = 1
SUFFIX = ".kjl"
CHUNK = 2000
BATCH = 2000
SYNC_CACHE_KIB = 16 * 1024
_DEVICE_FOLDER = re.compile(r"^[0-9a-f]{16}$")
_FILE = re.compile(r"^[0-9a-f]{32}-[0-9a-f]{32}\.kjl$")
PUBLISHED_PREFIX = "journal_published "
NAMESAKE_PREFIX = "sync_namesake "
"""Meta keys (``sync_namesake <sequence>``), one per contact a received entry made, in the order
they were made: the contacts not yet checked for a namesake made here. Written with the file that
made them, cleared by the merge after the last file; a sync stopped between the two leaves them
for the next."""
BOUNDARY_ENTRIES = 500
BOUNDARY_SECONDS = 0.5
"""A receive transaction ends at the next file boundary once it applied this many entries or ran
this long: each commit is an fsync, and interleaved files would otherwise make one per entry."""
_clock: Callable[[], float] = time.monotonic
LOCK_SUFFIX = ".sync-lock"
"""The lock file beside the database (``NAME.db.sync-lock``, 0600, never deleted: deleting a lock
file races with the next sync opening it) that a sync holds an exclusive lock on while it runs."""


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
    skipped: list[str] = field(default_factory=list)
    """Files not applied, each with the reason (damaged, or not what kinship writes)."""
    streams: list[Any] = field(default_factory=list, repr=False)

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
        for words in self.skipped:
            lines.append(f"  skipped {words}")
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
            "skipped": list(self.skipped),
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
    """Apply the other devices' new entries from ``folder``, publish this device's; return what it did.

    Received files are applied in write transactions of whole files (stretches of one, when two
    devices' files interleave in time), each with the record of how far that device's entries
    are applied: the write lock is free between transactions, and a failure never undoes one
    committed before it. Same-name merges follow, once, in a transaction of their own. This
    device's file is written only from what has committed. A dry run does all of it in one
    transaction, rolled back.

    Only one sync of a database runs at a time (``_only_sync``): a second one raises a
    DataError at once, writing nothing. Ctrl-C raises ``Interrupted``, saying what stays applied.
    """
    resolved = check_folder(store, folder)
    with _only_sync(store):
        return _sync(store, resolved, folder, name, dry_run)


def _sync(store: Store, resolved: Path, folder: Path, name: str | None, dry_run: bool) -> SyncReport:
    report = SyncReport(folder=str(folder), device="", name="", dry_run=dry_run)
    # a received import inserts a million rows into indexes in random order: a larger page
    # cache than SQLite's 2 MB default keeps that off the disk (and well inside 100 MB)
    previous_cache = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = -{SYNC_CACHE_KIB}")
    try:
        if dry_run:
            with store.write():
                _exchange(store, resolved, report, name, nullcontext)
                raise _DryRun
        else:
            _exchange(store, resolved, report, name, store.write)
    except _DryRun:
        pass
    except KeyboardInterrupt:
        raise _interrupted(report) from None
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(previous_cache)}")
    return report


def _interrupted(report: SyncReport) -> Interrupted:
    """Return the error for Ctrl-C during a sync, saying what stays applied (each transaction
    that committed before it stays; the one it stopped is rolled back)."""
    kept = sum(report.received.values())
    if report.dry_run:
        return Interrupted("interrupted; nothing was changed", "run `kinship sync` again")
    if not kept:  # none counted yet; a Ctrl-C inside a COMMIT lands after it, before the count
        return Interrupted(
            "interrupted; what a committed transaction received stays applied",
            "run `kinship sync` again to finish",
        )
    changes = (
        "the 1 change received so far stays" if kept == 1 else f"the {kept} changes received so far stay"
    )
    return Interrupted(f"interrupted; {changes} applied", "run `kinship sync` again to finish")


@contextmanager
def _only_sync(store: Store) -> Iterator[None]:
    """Hold the exclusive lock on the database's sync lock file for the block, or refuse at once.

    One sync of a database at a time: two interleaved syncs could merge the namesake candidates
    the other is still receiving files for. The lock goes with the process (the OS releases it
    when the process dies), so a sync that crashed never blocks the next. Other commands do not
    take it: they only wait for SQLite's write lock, free between a sync's transactions.
    """
    if str(store.path) == ":memory:":
        yield
        return
    # beside the real file: a sync through a symbolic link to the database takes the same lock
    path = os.path.realpath(store.file) + LOCK_SUFFIX
    flags = os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        try:
            fd = os.open(path, flags | os.O_RDWR, 0o600)
        except PermissionError:  # made by another user (say a sudo sync): a lock needs no writing
            fd = os.open(path, flags | os.O_RDONLY, 0o600)
    except OSError as exc:
        raise DataError(
            f"cannot open the sync lock file {path}: {exc.strerror or exc}",
            "nothing was changed; when no sync is running it is safe to remove that file",
        ) from exc
    try:
        try:
            locked = _try_lock(fd)
        except OSError as exc:
            raise DataError(
                f"cannot lock {path}: {exc.strerror or exc}", "nothing was changed; try again"
            ) from exc
        if not locked:
            raise DataError(
                f"another `kinship sync` of {store.path} is running",
                "nothing was changed; try again when it has finished",
            )
        yield
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on ``fd`` without waiting; return False if another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl  # here, not at the top: kept off the start-up path of every other command

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


Step = Callable[[], AbstractContextManager[object]]
"""Opens one write transaction (``Store.write``), or, in a dry run, none of its own."""


def _exchange(store: Store, folder: Path, report: SyncReport, name: str | None, step: Step) -> None:
    """Publish, receive, publish: each write in transactions ``step`` opens."""
    with step():
        device = journal_store.checked_device_id(store.conn, store.path)
        if name:
            store.set_meta(journal_store.DEVICE_NAME_KEY, name)
        report.device = device
        report.name = store.get_meta(journal_store.DEVICE_NAME_KEY) or device
        after = _published(store, folder, device)
        first_exchange = after is None
        if after is None:
            now = store.journal_now
            now_ms = 0 if now is None else int(now.timestamp() * 1000)
            after = journal_store.record_marker(store.conn, "sync: everything so far", now_ms)
    if first_exchange:
        # a first exchange with this folder sends everything this device holds, as weak puts
        # under an id from before what this sync itself records (its merges); written before
        # anything is received, so what others sent is not sent back to them
        report.sent += _publish(store, folder, report, after, step, snapshot=True)
    _receive(store, folder, device, report, step)
    report.sent += _publish(store, folder, report, after, step, snapshot=False)


def _receive(store: Store, folder: Path, device: str, report: SyncReport, step: Step) -> None:
    """Apply every other device's entries not applied yet, in id order, then merge namesakes.

    A transaction applies whole stretches of files (one file's run of entries), and ends at a
    stretch's end once it did enough work (``BOUNDARY_ENTRIES``, ``BOUNDARY_SECONDS``): other
    writers get the lock between two transactions. The same-name merges come last, in a
    transaction of their own, once every file is applied: a contact a file made may be renamed
    or forgotten by a later file, which decides whether it has a namesake here.
    """
    now = store.journal_now
    now_ms = journal.LATEST_MS if now is None else int(now.timestamp() * 1000)
    incoming = _incoming(folder, device, store.conn, report, now_ms, now)
    stretches = itertools.groupby(incoming, key=lambda pair: pair[0]["_file"])
    stretch = next(stretches, None)
    while stretch is not None:
        received: dict[str, int] = {}
        with _recording(store, report, step):
            began, entries = _clock(), 0
            while stretch is not None:
                entries += _apply_stretch(store, stretch[1], received)
                stretch = next(stretches, None)
                if entries >= BOUNDARY_ENTRIES or _clock() - began >= BOUNDARY_SECONDS:
                    break
        # counted once committed: the report says only what stays applied
        for label, count in received.items():
            report.received[label] = report.received.get(label, 0) + count
    for stream in report.streams:
        if stream.broken is not None:
            report.skipped.append(
                f"{stream.device}/{stream.broken.path.name}: {stream.broken.reason}"
                + (_LATER if stream.broken.reason in _LATER_REASONS else _WAIT)
            )
    if _namesake_keys(store.conn, limit=1):  # this sync's, or left by a sync that stopped
        merged: list[str] = []
        with _recording(store, report, step):
            merged.extend(_merge_namesakes(store))
        report.merged.extend(merged)


def _namesake_keys(conn: sqlite3.Connection, limit: int = -1) -> list[tuple[str, str]]:
    """Return the namesake candidates' meta rows (key, uid), in the order they were made."""
    rows = conn.execute(
        "SELECT key, value FROM meta WHERE key > ? AND key < ? ORDER BY key LIMIT ?",
        (NAMESAKE_PREFIX, NAMESAKE_PREFIX + "~", limit),
    )
    return [(str(key), str(uid)) for key, uid in rows.fetchall()]


def _keep_namesakes(conn: sqlite3.Connection, created: list[str]) -> None:
    """Note the contacts a received file made as namesake candidates (inside its transaction)."""
    if not created:
        return
    row = conn.execute(
        "SELECT max(key) FROM meta WHERE key > ? AND key < ?", (NAMESAKE_PREFIX, NAMESAKE_PREFIX + "~")
    ).fetchone()
    last = int(row[0][len(NAMESAKE_PREFIX) :]) if row[0] is not None else 0
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [(f"{NAMESAKE_PREFIX}{last + n:012d}", uid) for n, uid in enumerate(created, start=1)],
    )


def _merge_namesakes(store: Store) -> list[str]:
    """Merge each candidate into a contact of the same name made here (inside the open
    transaction), clear the candidates; return the words of each merge."""
    conn = store.conn
    applier = _Applier(conn)
    applier.created = [uid for _key, uid in _namesake_keys(conn)]
    conn.execute("DELETE FROM meta WHERE key > ? AND key < ?", (NAMESAKE_PREFIX, NAMESAKE_PREFIX + "~"))
    store.journal_start()
    return applier.merge_namesakes(store)


def _apply_stretch(
    store: Store,
    stretch: Iterator[tuple[dict[str, Any], Iterator[dict[str, Any]]]],
    received: dict[str, int],
) -> int:
    """Apply one file's entries (inside the open transaction), each whole or not at all; return
    how many were applied.

    Each is recorded as applied, with how far its device's entries are applied, in the same
    transaction, and so are the contacts it made (namesake candidates); ``received`` counts them
    by device name.
    """
    conn = store.conn
    # what others did is recorded as their entries, never captured as this device's:
    # the capture mark goes below every interaction while their entries are applied
    store.journal_start()
    journal_store.lower_mark(conn, -1)
    # read again in this transaction: one query, and the guard for a sync the lock does not
    # see (through a hard link to the database), which may have applied some meanwhile
    applied = {
        str(row[0]): str(row[1])
        for row in conn.execute("SELECT device, last_applied FROM journal_devices")
        if row[1] is not None
    }
    applier = _Applier(conn)
    applied_here = 0
    for entry, ops in stretch:
        if entry["entry"] <= applied.get(entry["device"], ""):
            continue  # applied meanwhile (its operations are read past, unapplied)
        # each entry all or nothing: a damaged one is rolled back and its file skipped
        conn.execute("SAVEPOINT sync_entry")
        created = len(applier.created)
        try:
            applier.apply_entry(entry, ops)
            _record_received(conn, entry)
        except (
            BadFile,
            Unfit,
            sqlite3.IntegrityError,
            OverflowError,
            ValueError,
            TypeError,
            KeyError,
        ) as exc:
            conn.execute("ROLLBACK TO sync_entry")
            conn.execute("RELEASE sync_entry")
            applier.forget_caches(created)
            stream = entry["_stream"]
            if isinstance(exc, BadFile):
                stream.broken = exc
            elif isinstance(exc, Unfit):
                stream.broken = BadFile(entry["_file"], exc.reason)
            else:
                reason = "it does not fit this database" + (
                    " (a record already here under another id)"
                    if isinstance(exc, sqlite3.IntegrityError)
                    else ""
                )
                stream.broken = BadFile(entry["_file"], reason)
            continue
        conn.execute("RELEASE sync_entry")
        label = str(entry.get("name") or entry["device"])
        received[label] = received.get(label, 0) + 1
        applied_here += 1
    store.journal_start()  # what others did is not captured as this device's
    _keep_namesakes(conn, applier.created)
    return applied_here


def _stopped(store: Store, report: SyncReport, exc: Exception, *, file_sent: bool = False) -> DataError:
    """Return the error that ends a sync whose transaction failed, saying what stays done.

    ``file_sent``: the failed transaction was the one recording this device's new file as sent.
    """
    message = exc.message if isinstance(exc, KinshipError) else f"cannot write to {store.path}: {exc}"
    kept = sum(report.received.values())
    if kept:
        received = "the 1 change received stays" if kept == 1 else f"the {kept} changes received stay"
        received += " applied"
    else:
        received = "no received change was applied"
    if file_sent:
        sent = "this device's new file was sent but not recorded: the next sync sends those changes again"
    else:
        sent = "nothing more was sent" if report.sent else "nothing was sent"
    return DataError(message, f"{received}; {sent}; run `kinship sync` again")


@contextmanager
def _recording(store: Store, report: SyncReport, step: Step, *, file_sent: bool = False) -> Iterator[None]:
    """Run the block in one transaction ``step`` opens; a failure ends the sync saying what stays done."""
    try:
        with step():
            yield
    except (KinshipError, sqlite3.DatabaseError) as exc:
        if report.dry_run or isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
            raise  # a dry run changes nothing; a broken constraint or a misuse is a bug, reported as one
        raise _stopped(store, report, exc, file_sent=file_sent) from exc


def _record_received(conn: sqlite3.Connection, entry: dict[str, Any]) -> None:
    """Note a received entry as applied (its changes stay with the device that made it)."""
    conn.execute(
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
    conn.execute(
        "INSERT INTO journal_devices(device, name, last_applied) VALUES (?, ?, ?)"
        " ON CONFLICT(device) DO UPDATE SET name = excluded.name, last_applied = excluded.last_applied",
        (entry["device"], entry.get("name"), entry["entry"]),
    )


# ---- reading other devices' files -------------------------------------------------------------
#
# Files in the folder come from outside: another device, or anyone who can write the folder.
# Every line is read with a length limit, parsed by ``json`` (whose C scanner bounds nesting by
# the recursion limit; a number too long to be real is a ValueError), and checked for shape and
# types before anything is applied. An entry that fails is rolled back whole and its file, with
# the device's later ones, is skipped with the reason (the report says so): those changes wait
# until the file is replaced, and nothing of them is applied twice or half.

MAX_LINE = 1024 * 1024
"""The longest operation line a sync file may hold (one record with all its values: a note is
at most 10,000 characters, a name 200)."""
MAX_HEAD_LINE = 64 * 1024
"""The longest file header, entry header, end or completion line."""
MAX_BRACKETS = 20_000
"""The most objects and lists (``{`` and ``[``, counted before parsing) one line may hold: a line
of a million empty lists would cost hundreds of megabytes once parsed."""
MAX_TEXT = 1_000_000
"""The longest text value a received record may hold."""
_INT64 = 1 << 63
_HEX = re.compile(r"^[0-9a-f]+$")


class Unfit(Exception):
    """A received entry that cannot be applied here as it stands: ``reason`` says why (its file waits)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadFile(Exception):
    """A sync file that is not what kinship writes: ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


_NOT_REGULAR = "it is not a regular file (a pipe, a device or a link)"
_WAIT = "; its changes, and later ones from that device, wait until it is replaced"
_LATER = "; its changes, and later ones from that device, wait: it is read again at the next sync"
_AHEAD = "an entry dated more than a day ahead of this device's clock"
_UNKNOWN_KEEP = "a merge into a contact this device does not know"
_LATER_REASONS = frozenset([_AHEAD, _UNKNOWN_KEEP])
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotRegular(Exception):
    """A name in the sync folder that is not a regular file (a FIFO, a device, a symlink)."""


def _open_regular(path: Path) -> int:
    """Open ``path`` for reading without following a symlink or blocking; return the descriptor.

    Raises NotRegular unless it is a regular file (a FIFO or a device would block or never end),
    OSError when it cannot be opened.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EMLINK):  # a symlink; a FIFO or socket
            raise NotRegular(path.name) from exc
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(path.name)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _complete(path: Path) -> bool:
    """Return True when the (regular) file ends with its completion line; raise NotRegular."""
    try:
        fd = _open_regular(path)
    except OSError:
        return False
    try:
        size = os.fstat(fd).st_size
        tail = os.pread(fd, 200, max(0, size - 200)).rstrip(b"\n").rsplit(b"\n", 1)[-1]
    except OSError:
        return False
    finally:
        os.close(fd)
    try:
        value = json.loads(tail)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and value.get("complete") is True


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == journal.ID_LENGTH and bool(_HEX.match(value))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64


def _is_text(value: Any, longest: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= longest


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(_is_text(item, 200) for item in value)


_DAYS_MAX = 2_932_896  # 9999-12-31, in days since 1970
_SECONDS_MAX = 253_402_300_799  # 9999-12-31 23:59:59
_SECONDS_MIN = -2_208_988_800  # 1900-01-01
_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    # what readers rely on: a channel code they look up, days and instants a date can hold,
    # offsets within a day (not validate.py's rules for what people type: a log kept before
    # a rule existed still syncs)
    ("i", "channel"): (0, 5),
    ("i", "day"): (-25_567, _DAYS_MAX),
    ("i", "at"): (_SECONDS_MIN, _SECONDS_MAX),
    ("i", "created"): (_SECONDS_MIN, _SECONDS_MAX),
    ("i", "utc_offset"): (-1440, 1440),
    ("c", "created"): (_SECONDS_MIN, _SECONDS_MAX),
    ("c", "created_offset"): (-1440, 1440),
    ("n", "made_at"): (_SECONDS_MIN, _SECONDS_MAX),
    ("n", "made_day"): (-25_567, _DAYS_MAX),
    ("n", "until_day"): (-25_567, _DAYS_MAX),
}


class _Shapes:
    """What a received record may hold, from this database's own columns (type and NOT NULL)."""

    def __init__(self, conn: sqlite3.Connection, now: dt.datetime | None = None) -> None:
        self.now = now  # None: a store opened without the command's time (no future to check)
        # a birthday may be today wherever the sender is
        self.today = dt.date.max if now is None else (now + dt.timedelta(days=1)).date()
        self.known: dict[str, set[str]] = {}
        self.numbers: dict[str, set[str]] = {}
        self.texts: dict[str, set[str]] = {}
        self.required: dict[str, set[str]] = {}
        for short, table in _TABLES.items():
            info = list(conn.execute(f"PRAGMA main.table_info({table})"))
            # stable ids travel as text (an interaction's as hex), a state's contact as its id
            as_text = {"uid"} | ({"contact_id"} if short == "n" else set())
            self.known[short] = {str(row[1]) for row in info}
            self.texts[short] = {str(row[1]) for row in info if str(row[2]).upper() == "TEXT"} | as_text
            self.numbers[short] = {
                str(row[1]) for row in info if str(row[2]).upper() == "INTEGER" and row[1] not in as_text
            }
            self.required[short] = {
                str(row[1]) for row in info if row[3] and row[4] is None and row[1] != "id"
            }

    def value_fits(self, table: str, column: str, value: Any) -> bool:
        """Return True when ``value`` may go into ``column`` (a column this database lacks: ignored)."""
        kind = type(value)
        if kind is str:
            return (column in self.texts[table] and len(value) <= MAX_TEXT) or column not in self.known[table]
        if kind is int:
            least, most = _RANGES.get((table, column), (-_INT64, _INT64 - 1))
            return (column in self.numbers[table] and least <= value <= most) or column not in self.known[
                table
            ]
        if kind is bool:
            return column in self.numbers[table] or column not in self.known[table]
        return value is None or column not in self.known[table]

    def check_row(self, table: str, row: Any) -> str | None:
        """Return what is wrong with a whole record, or None."""
        if not isinstance(row, dict):
            return "a record is not an object"
        for column in self.required[table]:
            if row.get(column) is None:
                return f"a record lacks {column}"
        fits = self.value_fits
        for column, value in row.items():
            if not fits(table, column, value):
                return f"a record's {column} has the wrong type"
        for column, value in row.items():
            problem = self.breaks_rule(table, column, value)
            if problem is not None:
                return problem
        if table == "i" and (int(row["at"]) + int(row["utc_offset"]) * 60) // 86400 != row["day"]:
            return "an interaction whose day is not the local day of its time"
        return None

    def breaks_rule(self, table: str, column: str, value: Any) -> str | None:
        """Return which data rule of validate.py (SPEC §5) ``value`` breaks, or None.

        The rules every import applies, so that what a sync stores can always be exported and
        imported again (the types are checked before, by ``value_fits``).
        """
        if value is None:
            return None
        rule = _RULES.get((table, column))
        if rule is None:
            return None
        try:
            rule(value, self)
        except ValidationError as exc:
            return f"a value that breaks the rules: {exc.message}"
        except (ValueError, OverflowError, OSError):
            return f"a value that breaks the rules: {column} is out of range"
        return None

    def value_rule(self, kind: Any, value: Any) -> str | None:
        """Return which data rule an alias, tag, email or phone breaks, or None."""
        return self.breaks_rule("v", str(kind), value)


def _stored_circle(value: Any, _shapes: _Shapes) -> None:
    from kinship import validate

    if value not in validate.CIRCLES:
        raise ValidationError(
            "circle", f"must be one of {', '.join(validate.CIRCLES)}", validate.shown(value)
        )


def _rules() -> dict[tuple[str, str], Any]:
    from kinship import validate

    def at(value: Any, shapes: _Shapes) -> None:
        moment = dt.datetime.fromtimestamp(value, dt.UTC)
        validate.when(moment, shapes.now or moment, "at")

    return {
        ("c", "name"): lambda v, _s: validate.name(v),
        ("c", "circle"): _stored_circle,
        ("c", "every_days"): lambda v, _s: validate.rhythm_days(v, "every_days"),
        ("c", "see_every_days"): lambda v, _s: validate.rhythm_days(v, "see_every_days"),
        ("c", "birthday"): lambda v, s: validate.birthday(v, s.today),
        ("c", "note"): lambda v, _s: validate.note(v),
        ("c", "archived"): lambda v, _s: validate.whole_number(v, "archived", 0, 1),
        ("i", "at"): at,
        ("i", "minutes"): lambda v, _s: validate.minutes(v),
        ("i", "feel"): lambda v, _s: validate.feel(v),
        ("i", "messages"): lambda v, _s: validate.message_count(v),
        ("i", "note"): lambda v, _s: validate.note(v),
        ("i", "group_label"): lambda v, _s: validate.group_label(v),
        ("v", "alias"): lambda v, _s: validate.alias(v),
        ("v", "tag"): lambda v, _s: validate.tag(v),
        ("v", "email"): lambda v, _s: validate.email(v),
        ("v", "phone"): lambda v, _s: validate.phone(v),
    }


_RULES = _rules()


def _check_op(op: dict[str, Any], shapes: _Shapes) -> str | None:
    """Return what is wrong with one received operation, or None (it may be applied)."""
    kind = op.get("op")
    if kind == "merge":
        return None if _is_text(op.get("dup"), 64) and _is_text(op.get("keep"), 64) else "a bad merge"
    if kind in ("vadd", "vdel"):
        fits = all(_is_text(op.get(key)) for key in ("uid", "kind", "key", "value"))
        if not fits or op.get("kind") not in VALUE_KINDS:
            return "a bad value change"
        return shapes.value_rule(op["kind"], op["value"]) if kind == "vadd" else None
    if kind not in ("put", "set", "del"):
        return None  # an operation a newer kinship writes: nothing this version knows to do
    table, uid = op.get("t"), op.get("uid")
    if table not in _TABLES or not isinstance(uid, str) or not _is_text(uid, 64):
        return "an operation without a known record"
    if table == "i" and not (len(uid) == 32 and _HEX.match(uid)):
        return "an interaction id that is not 32 hex digits"
    if kind == "del":
        return None
    if kind == "set":
        column = op.get("f")
        if not isinstance(column, str) or not _is_text(column, 64):
            return "a field change without a field"
        if table == "i" and column == "people":
            return None if _is_texts(op.get("v")) else "a bad list of people"
        if column in ("id", "uid"):
            return "a change of a record's id"
        if not shapes.value_fits(table, column, op.get("v")):
            return f"a {column} of the wrong type"
        if table == "c" and column == "name" and op.get("v") is None:
            return "a record lacks name"
        return shapes.breaks_rule(table, column, op.get("v"))
    row = op.get("row")
    problem = shapes.check_row(table, row)
    if problem is not None:
        return problem
    assert isinstance(row, dict)
    if row.get("uid") != uid:
        return "a record whose id does not match"
    if not isinstance(op.get("strong", False), bool):
        return "a bad flag"
    if table == "i" and not _is_texts(op.get("people", [])):
        return "a bad list of people"
    if table == "i" and not op.get("people") and row.get("group_label") is None:
        return "an interaction with no one in it and no group"
    if table == "c":
        values = op.get("values", [])
        if not isinstance(values, list) or not all(
            isinstance(item, list)
            and len(item) == 3
            and all(_is_text(x) for x in item)
            and item[0] in VALUE_KINDS
            for item in values
        ):
            return "a bad list of values"
        for value_kind, _key, text in values:
            problem = shapes.value_rule(value_kind, text)
            if problem is not None:
                return problem
    return None


def _check_head(value: dict[str, Any], device: str, newest_ms: int) -> str | None:
    """Return what is wrong with an entry's header line, or None."""
    entry = value.get("entry")
    if not _is_id(entry):
        return "an entry id that is not 32 hex digits"
    assert isinstance(entry, str)
    if entry[12:28] != device:
        return "an entry of another device"
    if int(entry[:12], 16) > newest_ms:
        return _AHEAD
    if not _is_int(value.get("at", 0)) or not _is_text(value.get("words", ""), 2000):
        return "a bad entry header"
    for key in ("undoes", "redoes"):
        if value.get(key) is not None and not _is_id(value.get(key)):
            return "a bad entry header"
    return None


class _EntryStream:
    """The entries of one device's complete files, in order, each with its operations streamed.

    It never raises: a file that is not what kinship writes stops the stream, and ``broken``
    says which file and why (the sync reports it; the device's later entries wait).
    """

    def __init__(
        self, device: str, files: list[Path], after: str | None, shapes: _Shapes, newest_ms: int
    ) -> None:
        self.device = device
        self.files = files
        self.after = after
        self.shapes = shapes
        self.newest_ms = newest_ms
        self.broken: BadFile | None = None

    def _read(self, handle: IO[bytes], path: Path, longest: int = MAX_LINE) -> dict[str, Any]:
        raw = handle.readline(longest + 1)
        if not raw:
            raise BadFile(path, "it ends early")
        if len(raw) > longest:
            raise BadFile(path, "a line is too long")
        if raw.count(b"{") + raw.count(b"[") > MAX_BRACKETS:
            raise BadFile(path, "too many objects in a line")
        try:
            value = json.loads(raw)
        except RecursionError as exc:
            raise BadFile(path, "a line is nested too deeply") from exc
        except UnicodeDecodeError as exc:
            raise BadFile(path, "a line is not UTF-8 text") from exc
        except ValueError as exc:
            raise BadFile(path, "a line is not valid JSON") from exc
        if not isinstance(value, dict):
            raise BadFile(path, "a line is not a JSON object")
        return value

    def _ops(self, handle: IO[bytes], path: Path) -> Iterator[dict[str, Any]]:
        while True:
            value = self._read(handle, path)
            if "end" in value:
                return
            problem = _check_op(value, self.shapes)
            if problem is not None:
                raise BadFile(path, problem)
            yield value

    def entries(self) -> Iterator[tuple[str, int, dict[str, Any], Iterator[dict[str, Any]]]]:
        """Yield (id, order, header, operations) for the entries after ``after``."""
        order = 0
        for path in self.files:
            if self.broken is not None:
                return
            # a later file may list again entries an earlier one held (its sync was killed
            # after the rename, before it recorded the file as published): those are
            # duplicates, skipped below; only ids going down inside one file are damage
            last = ""
            try:
                with os.fdopen(_open_regular(path), "rb") as handle:
                    header = self._read(handle, path, MAX_HEAD_LINE)
                    if header.get("kinship_sync") != FORMAT_VERSION:
                        raise BadFile(path, "not a sync file this version of kinship reads")
                    if header.get("device") != self.device:
                        raise BadFile(path, "its device is not the folder's")
                    label = header.get("name")
                    while True:
                        value = self._read(handle, path, MAX_HEAD_LINE)
                        if "complete" in value:
                            break
                        problem = _check_head(value, self.device, self.newest_ms)
                        if problem is not None:
                            raise BadFile(path, problem)
                        if value["entry"] <= last:
                            raise BadFile(path, "its entries are out of order")
                        last = value["entry"]
                        value["device"] = self.device
                        value["name"] = label if _is_text(label, 200) else None
                        value["_stream"] = self
                        value["_file"] = path
                        ops = self._ops(handle, path)
                        if self.after is None or value["entry"] > self.after:
                            self.after = value["entry"]
                            order += 1
                            yield value["entry"], order, value, ops
                            if self.broken is not None:
                                return
                        for _op in ops:  # whatever the receiver did not read
                            pass
            except BadFile as exc:
                self.broken = exc
                return
            except NotRegular:
                self.broken = BadFile(path, _NOT_REGULAR)
                return
            except OSError as exc:
                self.broken = BadFile(path, f"it cannot be read ({exc.strerror})")
                return


def _is_kind(path: Path, test: Any) -> bool:
    """Return True when ``path`` itself (not what a symlink points to) passes ``test`` (stat.S_IS*)."""
    try:
        return bool(test(os.lstat(path).st_mode))
    except OSError:
        return False


def _incoming(
    folder: Path,
    device: str,
    conn: sqlite3.Connection,
    report: SyncReport,
    now_ms: int,
    now: dt.datetime | None = None,
) -> Iterator[tuple[dict[str, Any], Iterator[dict[str, Any]]]]:
    """Yield every other device's entries not applied yet, all in id order."""
    applied = {
        str(row[0]): row[1] for row in conn.execute("SELECT device, last_applied FROM journal_devices")
    }
    shapes = _Shapes(conn, now)
    streams = []
    for sub in sorted(folder.iterdir()):
        if not _DEVICE_FOLDER.match(sub.name) or sub.name == device or not _is_kind(sub, stat.S_ISDIR):
            continue
        after = applied.get(sub.name)
        files = []
        for path in sorted(sub.iterdir()):
            if not _FILE.match(path.name):
                continue
            if after is not None and path.name[33:65] <= after:
                continue  # every entry in it was applied (its name says first-last)
            if not _is_kind(path, stat.S_ISREG):
                # a FIFO would block the read (under the write lock), a device never end:
                # listed by lstat, opened without following links or blocking, never read
                report.skipped.append(f"{sub.name}/{path.name}: {_NOT_REGULAR}{_WAIT}")
                break  # the device's later files wait, as after any bad file
            try:
                complete = _complete(path)
            except NotRegular:  # replaced since it was listed
                report.skipped.append(f"{sub.name}/{path.name}: {_NOT_REGULAR}{_WAIT}")
                break
            if complete:
                files.append(path)
            else:
                report.incomplete_files += 1
        if files:
            stream = _EntryStream(sub.name, files, after, shapes, now_ms + journal.SKEW_MS)
            report.streams.append(stream)
            streams.append(stream.entries())
    for _entry_id, _order, header, ops in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
        yield header, ops


# ---- writing this device's files ----------------------------------------------------------------


def _published(store: Store, folder: Path, device: str) -> str | None:
    """Return the last entry this device published to ``folder`` (None: start with everything)."""
    published = store.get_meta(PUBLISHED_PREFIX + str(folder))
    if published is not None and not any(_FILE.match(p.name) for p in (folder / device).glob("*" + SUFFIX)):
        return None  # the folder was emptied or replaced: start again with everything
    return published


Head = tuple[str, int, str, str | None, str | None, bool]
"""An entry to publish: id, time, words, what it undoes and redoes, whether it is the snapshot."""


def _publish(
    store: Store, folder: Path, report: SyncReport, after: str, step: Step, *, snapshot: bool
) -> int:
    """Write this device's entries after ``after`` (or, as ``snapshot``, everything it holds
    under the marker ``after``) to ``folder`` as one new file; return how many entries.

    Only what has committed is written: the entries and rows are read in one read transaction
    (other programs may write meanwhile), the file is written, synced and renamed into place,
    and only then is it recorded as published, in a transaction of its own. A sync killed
    between the rename and that record writes those entries again next time; receivers skip
    them as duplicates.
    """
    conn, device = store.conn, report.device
    key = PUBLISHED_PREFIX + str(folder)
    if report.dry_run:  # inside the dry run's one transaction: what would be sent, without writing it
        return len(_heads(conn, device, after, snapshot=snapshot))
    with store.read():
        if not snapshot:  # a sync the lock does not see (a hard link) may have published some
            after = max(after, store.get_meta(key) or "")
        heads = _heads(conn, device, after, snapshot=snapshot)
        if not heads:
            return 0
        try:
            _write_file(conn, folder / device, device, report.name, heads)
        except OSError as exc:  # a full disk, a folder not writable: named, never a traceback
            from kinship import files

            raise _stopped(store, report, files.write_error(folder / device, exc)) from exc
    last = heads[-1][0]
    with _recording(store, report, step, file_sent=True):
        for meta_key in (key, journal_store.PUBLISHED_KEY):
            if last > (store.get_meta(meta_key) or ""):
                store.set_meta(meta_key, last)
    return len(heads)


def _heads(conn: sqlite3.Connection, device: str, after: str, *, snapshot: bool) -> list[Head]:
    """Return the entries to publish: the snapshot under the marker ``after``, or those after it."""
    if snapshot:
        return [(after, 0, "everything this device holds", None, None, True)]
    return [
        (str(entry_id), int(at), str(words), undoes, redoes, False)
        for entry_id, at, words, undoes, redoes in conn.execute(
            "SELECT id, at, words, undoes, redoes FROM journal WHERE device = ? AND id > ?"
            " AND changes IS NOT NULL ORDER BY id",
            (device, after),
        )
    ]


def _write_file(conn: sqlite3.Connection, own: Path, device: str, name: str, heads: list[Head]) -> None:
    """Write ``heads`` as one new file in ``own``: a temporary name, 0600, fsync, rename (or
    raise OSError, leaving no temporary file)."""
    first, last = heads[0][0], heads[-1][0]
    target = own / f"{first}-{last}{SUFFIX}"
    temporary = own / f".{target.name}.{os.getpid()}.tmp"
    own.mkdir(mode=0o700, exist_ok=True)
    for stale in own.glob(".*.tmp"):
        if _left_behind(stale):
            stale.unlink(missing_ok=True)
    if target.exists():
        return  # the same entries, written by a sync of this database that has not recorded so (yet)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_line({"kinship_sync": FORMAT_VERSION, "device": device, "name": name}))
            for entry_id, at, words, undoes, redoes, whole in heads:
                out.write(
                    _line({"entry": entry_id, "at": at, "words": words, "undoes": undoes, "redoes": redoes})
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


def _left_behind(path: Path) -> bool:
    """Return True when a temporary file (``.NAME.PID.tmp``) was left by a sync no longer running.

    Another sync of this database may be writing its file at the same time (the write lock is
    not held while writing): its temporary file stays while its process runs.
    """
    pid_text = path.name[:-4].rpartition(".")[2]
    if os.name != "posix" or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return True
    try:
        os.kill(int(pid_text), 0)  # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):  # no such process (or no such number)
        return True
    except OSError:  # PermissionError: it runs, as another user
        return False
    return False


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
    for low, high in changes.get("rr", []):  # brought back from the attic by a redo
        yield from _interaction_puts(conn, "id BETWEEN ? AND ?", (low, high), True)
    if changes.get("a"):  # put in the attic by an undo
        for uid in journal_store.attic_uids(conn, entry_id):
            yield {"op": "del", "t": "i", "uid": uid}
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

    def forget_caches(self, created: int) -> None:
        """Forget what an entry that was rolled back left in the caches."""
        self._contacts.clear()
        del self.created[created:]

    # -- entries
    def apply_entry(self, header: dict[str, Any], ops: Iterator[dict[str, Any]]) -> None:
        """Apply one received entry's operations, in order.

        Runs of new interactions (an import: up to a million) are applied a batch at a time:
        one query finds which already exist, one inserts the rest, one their links.
        """
        version = str(header["entry"])
        batch: dict[str, dict[str, Any]] = {}
        batch_kind = None

        def flush() -> None:
            if batch_kind == "put":
                self.put_interactions(list(batch.values()), version)
            elif batch_kind == "del":
                self.delete_interactions(list(batch), version)
            batch.clear()

        for op in ops:
            kind = op.get("op")
            if kind in ("put", "del") and op["t"] == "i":
                if batch_kind != kind or op["uid"] in batch:
                    flush()
                    batch_kind = kind
                batch[op["uid"]] = op
                if len(batch) >= BATCH:
                    flush()
                continue
            flush()
            if kind == "put":
                self.put(op, version)
            elif kind == "set":
                self.set(op, version)
            elif kind == "del":
                self.delete(op, version)
            elif kind in ("vadd", "vdel"):
                self.value(op, version)
            elif kind == "merge":
                self.merge(str(op["dup"]), str(op["keep"]), version)
        flush()

    def delete_interactions(self, uids: list[str], version: str) -> None:
        """Apply deletions of distinct interactions together (the rules of ``delete``, set-based)."""
        revived = self._found(
            f"SELECT uid, version FROM journal_versions WHERE field = '{RECORD}' AND uid IN ({{}})", uids
        )
        gone = [uid for uid in uids if not (uid in revived and revived[uid] > version)]
        self.conn.executemany(
            "INSERT INTO journal_versions(uid, field, version) VALUES (?, ?, ?)"
            " ON CONFLICT(uid, field) DO UPDATE SET version = excluded.version WHERE excluded.version > version",
            [(uid, TOMBSTONE, version) for uid in gone],
        )
        self._tombstones = self._tombstones or bool(gone)
        rowids = list(
            self._found("SELECT id, 1 FROM interactions WHERE uid IN ({})", [bytes.fromhex(u) for u in gone])
        )
        for start in range(0, len(rowids), 500):
            part = rowids[start : start + 500]
            marks = ",".join("?" * len(part))
            self.conn.execute(f"DELETE FROM links WHERE interaction_id IN ({marks})", part)
            self.conn.execute(f"DELETE FROM interactions WHERE id IN ({marks})", part)

    def _found(self, sql: str, keys: list[Any]) -> dict[Any, Any]:
        """Run ``sql`` (one ``IN ({})``) over ``keys`` a slice at a time; return its pairs as a dict."""
        found: dict[Any, Any] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            found.update(self.conn.execute(sql.format(",".join("?" * len(part))), part).fetchall())
        return found

    def put_interactions(self, ops: list[dict[str, Any]], version: str) -> None:
        """Apply puts of distinct interactions together (the rules of ``put``, set-based)."""
        uids = [bytes.fromhex(op["uid"]) for op in ops]
        existing = self._found("SELECT uid, id FROM interactions WHERE uid IN ({})", uids)
        tombstones = (
            self._found(
                f"SELECT uid, version FROM journal_versions WHERE field = '{TOMBSTONE}' AND uid IN ({{}})",
                [op["uid"] for op in ops],
            )
            if self._tombstones
            else {}
        )
        sources = [op["row"]["source"] for op in ops if op["row"].get("source") is not None]
        taken = set(
            self._found("SELECT source, 1 FROM interactions WHERE source IN ({})", sources) if sources else ()
        )
        cols = [col for col in self.columns["i"] if col not in ("id", "uid")]
        next_id = int(self.conn.execute("SELECT coalesce(max(id), 0) FROM interactions").fetchone()[0]) + 1
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[int, Any, Any, int]] = []
        revived: list[tuple[str]] = []
        strong_ones: list[str] = []
        for op, uid in zip(ops, uids, strict=True):
            strong = bool(op.get("strong"))
            tombstone = tombstones.get(op["uid"])
            if tombstone is not None and not (strong and version > tombstone):
                continue
            if uid in existing:
                if strong:
                    self.put(op, version)
                continue
            row = op["row"]
            people = [r for r in (self.contact_rowid(p) for p in op.get("people", [])) if r is not None]
            if op.get("people") and not people:
                continue  # everyone in it was forgotten
            source = row.get("source")
            if source is not None:
                if source in taken:
                    continue  # the same message imported here too: the one here stays
                taken.add(source)
            rows.append((next_id, uid, *[row.get(col) for col in cols]))
            links.extend((person, row["day"], row["channel"], next_id) for person in sorted(set(people)))
            if tombstone is not None:
                revived.append((op["uid"],))
            if strong:
                strong_ones.append(op["uid"])
            next_id += 1
        self.conn.executemany(
            f"INSERT INTO interactions(id, uid, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 2))})",
            rows,
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)", links
        )
        self.conn.executemany(
            f"DELETE FROM journal_versions WHERE uid = ? AND field = '{TOMBSTONE}'", revived
        )
        for uid_text in strong_ones:
            set_version(self.conn, uid_text, RECORD, version)

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
        source = row.get("source") if table == "i" else None
        if (
            source is not None
            and self.conn.execute("SELECT 1 FROM interactions WHERE source = ?", (source,)).fetchone()
        ):
            return  # the same message imported here too: the one here stays
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

    def merge(self, dup: str, keep: str, version: str) -> None:
        """Fold ``dup`` into ``keep`` here too (its interactions logged here since included).

        Never records a redirect to a contact this device lacks (later interactions with the
        duplicate would vanish): a merge into a contact unknown here raises Unfit (the file waits,
        as its contact may come in a file not here yet); into one forgotten here, the duplicate is
        forgotten too (a forgotten contact stays forgotten, and what was merged into it with it).
        """
        self._contacts.clear()
        keep_uid = self.resolve(keep)
        if keep_uid == dup or keep_uid is None:
            return
        dup_rowid = self._rowid("c", dup)
        keep_rowid = self._rowid("c", keep_uid)
        if keep_rowid is None:
            if get_version(self.conn, keep_uid, TOMBSTONE) is None:
                raise Unfit(_UNKNOWN_KEEP)
            self.delete({"t": "c", "uid": dup}, version)
            return
        self.conn.execute(
            "INSERT OR REPLACE INTO journal_redirects(uid, into_uid) VALUES (?, ?)", (dup, keep_uid)
        )
        journal_store.merge_versions(self.conn, dup, keep_uid)
        if dup_rowid is not None and keep_rowid is not None:
            # what the merging device derived from the duplicate (its name as an alias, empty
            # fields filled) arrives as that device's own changes: derived here from this
            # device's view of the duplicate, it would differ between devices
            merge_rows(self.conn, dup_rowid, keep_rowid, derive=False)

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


def merge_rows(conn: sqlite3.Connection, dup: int, keep: int, *, derive: bool = True) -> None:
    """Fold contact ``dup`` into ``keep`` as ``kinship merge`` does (links, values, and with
    ``derive`` the duplicate's name as an alias and the empty fields it fills)."""
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
    if derive and dup_row[0] and name_key(dup_row[0]) != name_key(keep_row[0]):
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
        if derive and keep_row[index] is None and dup_row[index] is not None:
            conn.execute(f"UPDATE contacts SET {column} = ? WHERE id = ?", (dup_row[index], keep))
    journal_store.delete_contact_rows(conn, dup)
