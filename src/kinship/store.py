"""The SQLite store: opening safely, migrating, transactions, and rows <-> models.

Opening a file never writes to it until it is known to be a kinship database (or empty):
a foreign, corrupt or newer file is refused with DataError and left byte-for-byte untouched.
The schema version is read with plain ``sqlite3``; the migration machinery (sqlite-utils) is
imported only when a migration is pending, so ``kinship log`` starts fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress

from kinship.errors import DataError
from kinship.lean import TYPE_CHECKING, NamedTuple
from kinship.models import (
    CHANNEL_CODES,
    Channel,
    Contact,
    ContactRef,
    ContactSummary,
    Dismissal,
    Interaction,
    NudgeState,
    Reminder,
    Snooze,
    WeekCount,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

MIGRATION_NAMES: tuple[str, ...] = (
    "m001_initial",
    "m002_contact_days",
    "m003_nudges",
    "m004_journal",
    "m005_journal_attic",
    "m006_contact_days_digital",
)
"""A light copy of migrations.MIGRATION_NAMES (tests keep the two equal)."""

SQLITE_HEADER = b"SQLite format 3\x00"
_LITTLE_ENDIAN = sys.byteorder == "little"  # contact_days lists are stored little-endian
BUSY_TIMEOUT_SECONDS = 30.0
BACKUPS_KEPT = 5
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
CHANNELS_BY_CODE: dict[int, Channel] = {code: channel for channel, code in CHANNEL_CODES.items()}
IN_PERSON_CODE = CHANNEL_CODES[Channel.IN_PERSON]
VALUE_KINDS = ("alias", "tag", "email", "phone", "source")
_PATCHED_DAYS_AT_MOST = 64
"""A contact with more touched days than this in one write gets its day list rebuilt instead."""
CHECK_CACHE_BYTES = 64 * 1024 * 1024
"""The most page cache ``db check`` takes (the whole file up to this: peak memory stays < 100 MB)."""


def day_number(day: dt.date) -> int:
    """Return the day as stored: days since 1970-01-01."""
    return day.toordinal() - EPOCH_ORDINAL


def day_from_number(number: int) -> dt.date:
    """Return the date a stored day number stands for."""
    return dt.date.fromordinal(number + EPOCH_ORDINAL)


def new_contact_uid() -> str:
    """Return a fresh random contact id (32 hex digits)."""
    return os.urandom(16).hex()


def new_interaction_uid() -> bytes:
    """Return a fresh random interaction id (16 bytes, shown as 32 hex digits)."""
    return os.urandom(16)


def _timestamp(when: dt.datetime) -> int:
    return int(when.timestamp())


def _offset_minutes(when: dt.datetime) -> int:
    offset = when.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


_ZONES: dict[int, dt.timezone] = {}


def _from_timestamp(seconds: int, offset_minutes: int) -> dt.datetime:
    zone = _ZONES.get(offset_minutes)
    if zone is None:
        zone = _ZONES[offset_minutes] = dt.timezone(dt.timedelta(minutes=offset_minutes))
    return dt.datetime.fromtimestamp(seconds, zone)


class NameEntry(NamedTuple):
    """What name resolution needs of one contact."""

    rowid: int
    uid: str
    name: str
    archived: bool
    aliases: tuple[str, ...]


class RepeatedKey(Exception):
    """A bulk import wrote an interaction id (``uid``) or ``source`` twice; ``rowid`` is the
    later row (``Store.bulk_import`` finds it when it builds the unique index again)."""

    def __init__(self, column: str, key: object, rowid: int) -> None:
        super().__init__(column, key, rowid)
        self.column = column
        self.key = key
        self.rowid = rowid


class NewInteraction(NamedTuple):
    """One interaction an import adds (``Store.insert_interactions``)."""

    when: dt.datetime
    day: dt.date
    channel: Channel
    contact_rowids: Sequence[int]
    created: dt.datetime
    uid: bytes | None = None
    minutes: int | None = None
    note: str | None = None
    feel: int | None = None
    group: str | None = None
    source: str | None = None
    messages: int | None = None


class StoreStatus(NamedTuple):
    """Schema and size facts for ``kinship db status``."""

    path: str
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    contacts: int
    interactions: int
    size_bytes: int
    journal_mode: str


def _create_private_file(path: str) -> None:
    """Create ``path`` 0600, creating missing parent folders 0700 (existing ones keep their mode)."""
    missing: list[str] = []
    parent = os.path.dirname(path) or "."
    while not os.path.exists(parent):
        missing.append(parent)
        parent = os.path.dirname(parent) or "."
    for folder in reversed(missing):
        with suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        os.chmod(folder, 0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def _wal_has_data(path: str) -> bool:
    """Return True when a leftover NAME-wal holds changes not yet copied into the file."""
    try:
        return os.stat(path + "-wal").st_size > 0
    except OSError:
        return False


def _check_header(path: str) -> bool:
    """Return True when the file is empty; raise DataError unless it starts like SQLite."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except IsADirectoryError as exc:
        raise DataError(f"{path} is a folder, not a database", "pass a file path with --db") from exc
    except PermissionError as exc:
        raise DataError(f"cannot read {path}: permission denied", "check the file's permissions") from exc
    if not head:
        return True
    if head != SQLITE_HEADER:
        raise DataError(
            f"{path} is not a kinship database (not an SQLite file)",
            "it was left untouched; point --db or KINSHIP_DB at your kinship database",
        )
    return False


def _applied_migrations(conn: sqlite3.Connection, path: str | Path) -> tuple[list[str], bool]:
    """Return (applied kinship migrations, whether the file holds any table at all)."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied: list[str] = []
        if "_sqlite_migrations" in tables:
            applied = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'kinship' ORDER BY id"
                )
            ]
    except sqlite3.OperationalError as exc:  # locks, permissions: the file itself may be fine
        raise DataError(f"cannot open {path}: {exc}", "check the file's and folder's permissions") from exc
    except (sqlite3.DatabaseError, UnicodeDecodeError, MemoryError) as exc:
        raise DataError(
            f"{path} cannot be read as a database ({exc or type(exc).__name__})",
            "it was left untouched; restore it from a backup (kinship db backup makes one)",
        ) from exc
    return applied, bool(tables)


def _check_version(applied: Sequence[str], has_tables: bool, path: str | Path) -> list[str]:
    """Return the pending migrations; refuse a foreign or a newer database."""
    if has_tables and not applied:
        raise DataError(
            f"{path} is an SQLite database but not a kinship one",
            "it was left untouched; point --db or KINSHIP_DB at your kinship database",
        )
    unknown = [name for name in applied if name not in MIGRATION_NAMES]
    if unknown:
        raise DataError(
            f"{path} was written by a newer kinship (schema {unknown[-1]})",
            "upgrade kinship (pip install -U kinship-cli); the file was left untouched",
        )
    return [name for name in MIGRATION_NAMES if name not in applied]


def _connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    # read-only means immutable too: SQLite then creates no NAME-wal / NAME-shm beside the file
    if read_only:
        from pathlib import Path  # pathlib is costly to import: only for this rare case

        target = Path(path).absolute().as_uri() + "?mode=ro&immutable=1"
    else:
        target = str(path)
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        uri=read_only,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def backup_path_for(path: Path, now: dt.datetime) -> Path:
    """Return ``NAME.bak-YYYYMMDDTHHMMSS`` beside ``path``."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return path.with_name(f"{path.name}.bak-{stamp}")


def _write_backup(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the open database into ``target`` (0600) whole or not at all, and check the copy.

    The copy is written beside the target under a temporary name and renamed when complete;
    an existing target or a symbolic link is refused, and a full disk is named as such.
    """
    from kinship.files import atomic_target, explain_failed_write

    with atomic_target(target) as temporary:
        copy = sqlite3.connect(str(temporary))
        try:
            conn.backup(copy)
            result = copy.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                size = conn.execute("PRAGMA page_size").fetchone()[0]
                raise explain_failed_write(temporary, int(pages) * int(size)) from exc
            raise
        except (sqlite3.DatabaseError, MemoryError) as exc:  # the source is damaged, not the copy
            raise DataError(
                f"cannot back up {_conn_path(conn)}: the database is damaged ({exc})",
                "run `kinship db check`; restore an earlier backup (NAME.bak-…) if it fails",
            ) from exc
        finally:
            copy.close()
        if result is None or result[0] != "ok":
            raise DataError(f"the backup {target} failed its integrity check", "run kinship db check")


def _damage_report(conn: sqlite3.Connection, failure: BaseException) -> list[str]:
    """Return what is damaged when the integrity check itself failed.

    Each table (with its indexes) is checked on its own, so the report names the ones that
    cannot be read; when even the schema cannot be read, it says so.
    """
    stopped = f"the integrity check stopped: {failure or type(failure).__name__}"
    try:
        names = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0")
        ]
    except (sqlite3.DatabaseError, MemoryError) as exc:
        return [f"the schema (sqlite_master) cannot be read: {exc or type(exc).__name__}", stopped]
    problems: list[str] = []
    for name in sorted(names):
        quoted = name.replace('"', '""')
        try:
            found = [row[0] for row in conn.execute(f'PRAGMA integrity_check("{quoted}")') if row[0] != "ok"]
        except (sqlite3.DatabaseError, MemoryError) as exc:
            found = [f"cannot be read: {exc or type(exc).__name__}"]
        problems += [f"table {name}: {problem}" for problem in found]
    return [*problems, stopped]


def _conn_path(conn: sqlite3.Connection) -> str:
    """Return the file an open connection reads (for messages)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return "the database"
    return str(row[2]) if row and row[2] else "the database"


def _prune_backups(path: Path) -> None:
    backups = sorted(path.parent.glob(f"{path.name}.bak-*"))
    for old in backups[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the database to WAL, waiting (up to the busy timeout) for other openers.

    The switch needs an exclusive lock, and SQLite answers "database is locked" at once instead
    of calling the busy handler when two connections race for it (its deadlock avoidance): two
    processes opening a brand-new database at the same moment would see one of them fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.002
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _migrate(conn: sqlite3.Connection, path: Path, now: dt.datetime) -> None:
    """Apply pending migrations under one write lock, after a backup of a non-empty database."""
    from sqlite_utils import Database

    from kinship import migrations

    _enable_wal(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        applied, has_tables = _applied_migrations(conn, path)
        pending = _check_version(applied, has_tables, path)
        if pending:  # another process may have migrated while we waited for the lock
            if has_tables and path.stat().st_size > 0:
                # a second connection reads the committed state: Python's backup() from a
                # connection inside a transaction waits forever on its own lock
                reader = _connect(path)
                try:
                    _write_backup(reader, backup_path_for(path, now))
                finally:
                    reader.close()
                _prune_backups(path)
            migrations.apply(Database(conn, recursive_triggers=False, execute_plugins=False))
            # a migration may leave day lists stale (m006): rebuilt under the same lock, so no
            # read after the upgrade falls back to counting links
            Store(conn, path).refresh_contact_days()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def open_store(
    path: str | Path, now: dt.datetime, *, create: bool = True, read_only: bool = False, migrate: bool = True
) -> Store:
    """Open (and create or migrate when needed) the kinship database at ``path``.

    With ``migrate`` False a pending migration is left pending (``db status``, completion).

    With ``create`` False a missing file is a DataError (cron must not create a database
    at a mistyped path). A file kinship may not write (or in a folder it may not write) is a
    DataError, except for ``read_only`` callers, which get an immutable read-only connection:
    SQLite would otherwise leave NAME-wal / NAME-shm beside it, and a read-only NAME-shm keeps
    the database unwritable even after its permissions are fixed.
    """
    path = os.fspath(path)  # a str: os.path, not pathlib, on the start-up path of `kinship log`
    if os.path.islink(path) and not os.path.exists(path):
        raise DataError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist",
            "point --db or KINSHIP_DB at the database itself, or fix the link; nothing was created",
        )
    if not os.path.exists(path):
        if not create:
            raise DataError(
                f"no kinship database at {path}",
                "check --db / KINSHIP_DB; `kinship db path` shows where kinship looks",
            )
        try:
            _create_private_file(path)
        except OSError as exc:
            raise DataError(
                f"cannot create {path}: {exc.strerror}", "check the folder's permissions"
            ) from exc
    empty = _check_header(path)
    writable = os.access(path, os.W_OK) and os.access(os.path.dirname(path) or ".", os.W_OK)
    if not writable and (not read_only or empty or _wal_has_data(path)):
        raise DataError(
            f"{path} is read-only (the file or its folder)",
            "kinship writes the file and NAME-wal / NAME-shm beside it: check the permissions;"
            " the file was left untouched",
        )
    try:
        conn = _connect(path, read_only=not writable)
    except sqlite3.Error as exc:
        raise DataError(f"cannot open {path}: {exc}", "check the file's permissions") from exc
    try:
        if empty:
            applied: list[str] = []
            has_tables = False
        else:
            applied, has_tables = _applied_migrations(conn, path)
        pending = _check_version(applied, has_tables, path)
        if pending and migrate:
            from pathlib import Path

            _migrate(conn, Path(path), now)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise DataError(f"cannot use {path}: {exc}", "check the file's and folder's permissions") from exc
    except BaseException:
        conn.close()
        raise
    store = Store(conn, path)
    store.journal_now = now
    return store


def _database_error(path: Path, exc: sqlite3.DatabaseError, doing: str) -> DataError:
    """Return the DataError for an SQLite failure met inside a command (nothing was changed)."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        hint = "another program kept the database locked; nothing was changed, try again"
    elif "readonly" in text or "read-only" in text:
        hint = "check the file's and its folder's permissions; nothing was changed"
    elif isinstance(exc, sqlite3.OperationalError):
        hint = "nothing was changed; check the file, its folder and the free disk space"
    else:  # DatabaseError proper: "database disk image is malformed", "file is not a database"
        hint = "nothing was changed; run `kinship db check`, and restore a backup (NAME.bak-…) if it fails"
    return DataError(f"cannot {doing} {path}: {text}", hint)


def _damaged(path: Path, exc: BaseException) -> DataError:
    """Return the DataError for damaged contents: SQLite ran out of memory on a garbled record,
    or a text value is not UTF-8."""
    what = "a record too large to be real" if isinstance(exc, MemoryError) else "text that is not UTF-8"
    return DataError(
        f"cannot read {path}: the database is damaged ({what})",
        "nothing was changed; run `kinship db check`, and restore a backup (NAME.bak-…) if it fails",
    )


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with suppress(sqlite3.Error):  # a damaged file may refuse even this; SQLite undoes it anyway
            conn.execute("ROLLBACK")


def open_empty_store(now: dt.datetime) -> Store:
    """Return an in-memory store with the current schema (for reads before any database exists)."""
    from sqlite_utils import Database

    from kinship import migrations

    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN")
    migrations.apply(Database(conn, recursive_triggers=False, execute_plugins=False))
    conn.execute("COMMIT")
    return Store(conn, ":memory:")


def _summary(
    contact: tuple[str, str, str | None, int | None, str | None, int, int, int | None],
    days: tuple[int, ...],
    face_to_face_days: tuple[int, ...],
    last: int | None,
    last_f2f: int | None,
    digital: int,
) -> ContactSummary:
    """Return a ContactSummary from a contact row (uid .. local created second) and its day facts."""
    uid, name, circle, every, birthday, archived, created, see_every = contact
    return ContactSummary(
        contact=ContactRef(uid, name),
        circle=circle,
        every_days=every,
        birthday=birthday,
        archived=bool(archived),
        created_day=day_from_number(created // 86400),  # the local day it was added
        days=days,
        face_to_face_days=face_to_face_days,
        last_day=None if last is None else day_from_number(last),
        last_face_to_face_day=None if last_f2f is None else day_from_number(last_f2f),
        digital_since_face_to_face=int(digital),
        see_every_days=see_every,
    )


# Temporary (per-connection, never stored) triggers that note which (contact, day) pairs of
# ``links`` this connection changes, each with whether the contact's day list was stale at
# that moment: a contact whose first change found its list fresh has a row with 0. Whatever
# code changes links (cascades included), the patch sees it.
_NOTE_TOUCHED_SQL = (
    "INSERT OR IGNORE INTO kinship_touched_days(contact_id, day, was_stale) VALUES ({row}.contact_id, {row}.day,"
    " EXISTS (SELECT 1 FROM main.contact_days_stale s WHERE s.contact_id = {row}.contact_id));"
)
_WATCH_LINKS_SQL = (
    """CREATE TEMP TABLE IF NOT EXISTS kinship_touched_days (
        contact_id INTEGER NOT NULL, day INTEGER NOT NULL, was_stale INTEGER NOT NULL,
        PRIMARY KEY (contact_id, day)
    ) WITHOUT ROWID""",
    *(
        f"CREATE TEMP TRIGGER IF NOT EXISTS kinship_watch_{event.lower()} BEFORE {event} ON main.links BEGIN "
        + " ".join(_NOTE_TOUCHED_SQL.format(row=row) for row in rows)
        + " END"
        for event, rows in (("INSERT", ("new",)), ("DELETE", ("old",)), ("UPDATE", ("old", "new")))
    ),
)


def _one_contact(summary_sql: str) -> str:
    """Return a summary query over all contacts narrowed to the one contact ``:rowid``."""
    return summary_sql.replace("ORDER BY c.id", "WHERE c.id = :rowid")


def _day_list_view(lists: bytes, day_count: int, face_count: int) -> memoryview | array[int]:
    """Return a contact's stored day lists (days, then face, then digital) as one sequence of
    integers. A ValueError or TypeError for lists that cannot be right (torn, missing, empty, or
    not the size their counts say): the cache is only derived data, and the caller reads the
    links instead."""
    if not 0 <= face_count <= day_count or day_count < 1 or len(lists) != 4 * (2 * day_count + face_count):
        raise ValueError("day lists that do not match their counts")
    if _LITTLE_ENDIAN:
        return memoryview(lists).cast("i")
    values = array("i", lists)
    values.byteswap()
    return values


_LAST_ORDINAL = dt.date.max.toordinal()


def _checked_ordinal(day: int) -> int:
    """Return the day ordinal of a ``links.day``; an OverflowError for a day no date can be (a
    number another tool wrote): that contact's list is not built, and readers use the links."""
    ordinal = day + EPOCH_ORDINAL
    if not 1 <= ordinal <= _LAST_ORDINAL:
        raise OverflowError(f"day {day} is out of range")
    return ordinal


def _read_day_list(row: Sequence[Any] | None) -> tuple[array[int], array[int], array[int]]:
    """Return a contact's stored day lists (days, face, digital) as arrays to change (empty: none)."""
    if row is None:
        return array("i"), array("i"), array("i")
    day_count, face_count, lists = row
    values = array("i", _day_list_view(lists, day_count, face_count))
    face_end = day_count + face_count
    return values[:day_count], values[day_count:face_end], values[face_end:]


class Store:
    """One open kinship database. Every command runs in one ``read()`` or ``write()`` block."""

    journal_now: dt.datetime | None = None
    """When the journal says a change was made (``open_store`` sets the command's "now")."""
    _journal: Any = None  # journal_store.Capture once the first write set it up; False: no journal
    _journal_extra: dict[str, Any] | None = None
    _staged_links = False  # inside ``bulk_import``: links wait in a temporary table
    _journal_words: str | None = None

    def __init__(self, conn: sqlite3.Connection, path: str | Path) -> None:
        self.conn = conn
        self.file = os.fspath(path)
        self._watching = False  # whether _watch_links made its temporary triggers

    @property
    def path(self) -> Path:
        """The database file (a Path made on demand: pathlib is not on `kinship log`'s path)."""
        from pathlib import Path

        return Path(self.file)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def write(
        self, describe: str | None = None, *, undoes: str | None = None, redoes: str | None = None
    ) -> Iterator[Store]:
        """Run the block in one ``BEGIN IMMEDIATE`` transaction: all of it, or none of it.

        What the block changed becomes one journal entry in the same transaction (SPEC §11),
        described by ``describe`` (else in words told from the changes themselves).
        """
        try:
            self._watch_links()  # outside the transaction: a rollback must not drop them
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.path, exc, "write to") from exc
        try:
            self.journal_start()
            yield self
            self.refresh_contact_days()
            self.journal_record(describe, undoes=undoes, redoes=redoes)
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            _rollback(self.conn)
            if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                raise  # a bug, not a data problem: the last line of defence reports it
            raise _database_error(self.path, exc, "write to") from exc
        except (MemoryError, UnicodeDecodeError) as exc:
            _rollback(self.conn)
            raise _damaged(self.path, exc) from exc
        except BaseException:
            _rollback(self.conn)
            raise

    # ---- the change journal (journal_store.py does the work) --------------------------------

    def journal_start(self) -> None:
        """Start capturing row changes for the next journal entry (inside a write transaction)."""
        self._journal_extra = None
        self._journal_words = None
        if self._journal is None:
            from kinship import journal_store

            self._journal = (
                journal_store.Capture(self.conn) if journal_store.journal_ready(self.conn) else False
            )
        if self._journal:
            self._journal.start()

    def journal_describe(self, words: str) -> None:
        """Say in words what the pending entry does, as the person put it (``snooze: ana for 14 days``)."""
        self._journal_words = words

    def journal_note(self, section: str, item: Any) -> None:
        """Add an item the row changes cannot tell (a merge: ``"m"``) to the pending entry."""
        if self._journal_extra is None:
            self._journal_extra = {}
        self._journal_extra.setdefault(section, []).append(item)

    def journal_record(
        self,
        describe: str | None = None,
        *,
        undoes: str | None = None,
        redoes: str | None = None,
        force: bool = False,
    ) -> str | None:
        """Turn what was captured since ``journal_start`` into one entry; return its id (None: no change).

        With ``force`` an entry is recorded even when nothing changed (an undo of rows gone since).
        """
        if not self._journal:
            return None
        from kinship import journal_store

        changes = self._journal.changes()
        if self._journal_extra:
            changes.update(self._journal_extra)
        self._journal_extra = None
        describe = describe or self._journal_words
        self._journal_words = None
        if not changes and not force:
            self._journal.finish()
            return None
        now = self.journal_now or dt.datetime.fromtimestamp(0, dt.UTC)
        if self._journal.device is None:
            self._journal.device = journal_store.checked_device_id(self.conn, self.file)
        entry_id = journal_store.record_entry(
            self.conn,
            changes,
            words=describe or journal_store.describe(self.conn, changes),
            now_ms=int(now.timestamp() * 1000),
            undoes=undoes,
            redoes=redoes,
            device=self._journal.device,
        )
        self._journal.finish()
        return entry_id

    @contextmanager
    def read(self) -> Iterator[Store]:
        """Run the block on one consistent snapshot (a damaged file is a DataError)."""
        self.conn.execute("BEGIN")
        try:
            yield self
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
                raise
            raise _database_error(self.path, exc, "read") from exc
        except (MemoryError, UnicodeDecodeError) as exc:
            raise _damaged(self.path, exc) from exc
        finally:
            _rollback(self.conn)

    # ---- status -------------------------------------------------------------------------

    def status(self) -> StoreStatus:
        """Return schema and size facts."""
        applied, _ = _applied_migrations(self.conn, self.path)
        contacts = self.conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        interactions = self.conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        size = self.path.stat().st_size if self.path.exists() else 0
        return StoreStatus(
            path=str(self.path),
            applied=tuple(applied),
            pending=tuple(name for name in MIGRATION_NAMES if name not in applied),
            contacts=int(contacts),
            interactions=int(interactions),
            size_bytes=size,
            journal_mode=str(mode),
        )

    def integrity_problems(self) -> list[str]:
        """Return what ``PRAGMA integrity_check`` and ``foreign_key_check`` report (empty if fine).

        Both checks look up a table row for every index entry and a parent for every link, all
        over the file: with SQLite's default 2 MB page cache nearly every lookup re-reads a page
        from the operating system (half the time spent in system calls at a million rows). The
        cache is sized for the check instead: the whole file, up to ``CHECK_CACHE_BYTES``.
        A file so damaged that the check itself fails is reported, table by table, as what
        could not be read, never raised.
        """
        try:
            page_size, pages = (
                self.conn.execute("PRAGMA page_size").fetchone()[0],
                self.conn.execute("PRAGMA page_count").fetchone()[0],
            )
            previous = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        except (sqlite3.DatabaseError, MemoryError) as exc:
            return _damage_report(self.conn, exc)
        wanted_kib = min(int(page_size) * int(pages), CHECK_CACHE_BYTES) // 1024
        self.conn.execute(f"PRAGMA cache_size = -{max(wanted_kib, 2000)}")
        try:
            problems = [row[0] for row in self.conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [
                f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
                for row in self.conn.execute("PRAGMA foreign_key_check")
            ]
        except (sqlite3.DatabaseError, MemoryError) as exc:
            return _damage_report(self.conn, exc)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(previous)}")
        return problems

    def backup_to(self, target: Path) -> None:
        """Write a consistent online copy of the database to ``target`` (0600)."""
        _write_backup(self.conn, target)

    # ---- meta ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """Return a meta value."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with None, delete) a meta value."""
        if value is None:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ---- contacts -----------------------------------------------------------------------

    def name_entries(self) -> list[NameEntry]:
        """Return every contact's id, name, archived flag and aliases, for name resolution."""
        aliases: dict[int, list[str]] = {}
        for contact_id, value in self.conn.execute(
            "SELECT contact_id, value FROM contact_values WHERE kind = 'alias'"
        ):
            aliases.setdefault(contact_id, []).append(value)
        return [
            NameEntry(rowid, uid, name, bool(archived), tuple(aliases.get(rowid, ())))
            for rowid, uid, name, archived in self.conn.execute(
                "SELECT id, uid, name, archived FROM contacts ORDER BY name_key, id"
            )
        ]

    def interaction_count(self, uid: str) -> int:
        """Return how many interactions the contact with this stable id is in (the primary key
        of ``links`` answers it; no interaction is read)."""
        row = self.conn.execute(
            "SELECT count(*) FROM links WHERE contact_id = (SELECT id FROM contacts WHERE uid = ?)",
            (uid,),
        ).fetchone()
        return int(row[0])

    def name_entries_matching(self, uid: str, key: str) -> list[NameEntry]:
        """Return the contacts with this id, else this stored name key, else this alias key.

        Index lookups only (``uid``, ``ix_contacts_name_key``, ``ix_contact_values_lookup``),
        in the order ``name_entries`` gives; empty when none matches, and the caller then
        searches every name (prefixes need that).
        """
        columns = "SELECT id, uid, name, archived FROM contacts"
        found = self.conn.execute(f"{columns} WHERE uid = ?", (uid,)).fetchall()
        if not found:
            found = self.conn.execute(
                f"{columns} WHERE name_key = ? ORDER BY name_key, id", (key,)
            ).fetchall()
        if not found:
            found = self.conn.execute(
                f"{columns} WHERE id IN (SELECT contact_id FROM contact_values WHERE kind = 'alias'"
                " AND match_key = ?) ORDER BY name_key, id",
                (key,),
            ).fetchall()
        entries = []
        for rowid, contact_uid, name, archived in found:
            aliases = tuple(
                row[0]
                for row in self.conn.execute(
                    "SELECT value FROM contact_values WHERE contact_id = ? AND kind = 'alias'", (rowid,)
                )
            )
            entries.append(NameEntry(rowid, contact_uid, name, bool(archived), aliases))
        return entries

    def existing_rowids(self, rowids: Iterable[int]) -> set[int]:
        """Return which of these contact row ids still exist."""
        wanted = tuple(rowids)
        marks = ",".join("?" * len(wanted))
        return {row[0] for row in self.conn.execute(f"SELECT id FROM contacts WHERE id IN ({marks})", wanted)}

    def insert_contact(
        self,
        *,
        name: str,
        name_key: str,
        created: dt.datetime,
        uid: str | None = None,
        circle: str | None = None,
        every_days: int | None = None,
        birthday: str | None = None,
        note: str | None = None,
        archived: bool = False,
        see_every_days: int | None = None,
    ) -> int:
        """Insert a contact and return its row id."""
        cursor = self.conn.execute(
            "INSERT INTO contacts(uid, name, name_key, circle, every_days, birthday, note, archived, created,"
            " created_offset, see_every_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid or new_contact_uid(),
                name,
                name_key,
                circle,
                every_days,
                birthday,
                note,
                int(archived),
                _timestamp(created),
                _offset_minutes(created),
                see_every_days,
            ),
        )
        return int(cursor.lastrowid or 0)

    def update_contact(self, rowid: int, fields: dict[str, object]) -> None:
        """Set the given columns of one contact (names are checked against the schema)."""
        allowed = {
            "name",
            "name_key",
            "circle",
            "every_days",
            "birthday",
            "note",
            "archived",
            "see_every_days",
        }
        if not fields:
            return
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not contact columns: {sorted(unknown)}")
        assignments = ", ".join(f"{column} = ?" for column in fields)
        self.conn.execute(f"UPDATE contacts SET {assignments} WHERE id = ?", (*fields.values(), rowid))

    def add_value(self, rowid: int, kind: str, value: str, match_key: str) -> bool:
        """Attach an alias, tag, email, phone or source id; return False when already there."""
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO contact_values(contact_id, kind, value, match_key) VALUES (?, ?, ?, ?)",
            (rowid, kind, value, match_key),
        )
        return cursor.rowcount > 0

    def remove_value(self, rowid: int, kind: str, match_key: str) -> bool:
        """Detach a value; return False when it was not there."""
        cursor = self.conn.execute(
            "DELETE FROM contact_values WHERE contact_id = ? AND kind = ? AND match_key = ?",
            (rowid, kind, match_key),
        )
        return cursor.rowcount > 0

    def contacts_by_value(self, kind: str, match_key: str) -> list[int]:
        """Return the row ids of contacts holding a value (e.g. an email)."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT contact_id FROM contact_values WHERE kind = ? AND match_key = ?", (kind, match_key)
            )
        ]

    def contact_rowid(self, uid: str) -> int | None:
        """Return the row id of the contact with this stable id."""
        row = self.conn.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def contacts(self, rowids: Iterable[int] | None = None) -> list[Contact]:
        """Return contacts (all, or those row ids), ordered by name."""
        wanted = None if rowids is None else tuple(rowids)
        values: dict[int, dict[str, list[str]]] = {}
        value_sql = "SELECT contact_id, kind, value FROM contact_values"
        order = " ORDER BY contact_id, kind, match_key"
        value_rows = (
            self.conn.execute(value_sql + order)
            if wanted is None
            else (  # only the wanted contacts' values, through the primary key
                row
                for contact_id in dict.fromkeys(wanted)
                for row in self.conn.execute(f"{value_sql} WHERE contact_id = ?{order}", (contact_id,))
            )
        )
        for contact_id, kind, value in value_rows:
            values.setdefault(contact_id, {}).setdefault(kind, []).append(value)
        sql = (
            "SELECT id, uid, name, circle, every_days, birthday, note, archived, created, created_offset,"
            " see_every_days FROM contacts"
        )
        params: tuple[int, ...] = ()
        if wanted is not None:
            sql += f" WHERE id IN ({','.join('?' * len(wanted))})" if wanted else " WHERE 0"
            params = wanted
        sql += " ORDER BY name_key, uid"  # not by row id: the same contacts list alike on every device
        result = []
        # C-level construction, the fields in Contact's order (``kinship people`` reads 2,000)
        new = tuple.__new__
        for (
            rowid,
            uid,
            name,
            circle,
            every,
            birthday,
            note,
            archived,
            created,
            offset,
            see,
        ) in self.conn.execute(sql, params):
            own = values.get(rowid)
            aliases: tuple[str, ...]
            tags: tuple[str, ...]
            emails: tuple[str, ...]
            phones: tuple[str, ...]
            sources: tuple[str, ...]
            if own is None:
                aliases = tags = emails = phones = sources = ()
            else:
                aliases, tags, emails, phones, sources = (
                    tuple(own.get(kind, ())) for kind in ("alias", "tag", "email", "phone", "source")
                )
            result.append(
                new(
                    Contact,
                    (
                        uid,
                        name,
                        circle,
                        aliases,
                        tags,
                        emails,
                        phones,
                        birthday,
                        every,
                        note,
                        bool(archived),
                        _from_timestamp(created, offset),
                        sources,
                        see,
                    ),
                )
            )
        return result

    def contact(self, rowid: int) -> Contact:
        """Return one contact."""
        found = self.contacts([rowid])
        if not found:
            raise KeyError(rowid)
        return found[0]

    def delete_contact(self, rowid: int) -> int:
        """Delete a contact, its values and the interactions it was the only person in.

        Returns the number of interactions deleted.
        """
        solo = [
            row[0]
            for row in self.conn.execute(
                "SELECT l.interaction_id FROM links l WHERE l.contact_id = ? AND NOT EXISTS ("
                " SELECT 1 FROM links o WHERE o.interaction_id = l.interaction_id AND o.contact_id != ?)",
                (rowid, rowid),
            )
        ]
        for interaction_id in solo:
            self.conn.execute("DELETE FROM links WHERE interaction_id = ?", (interaction_id,))
            self.conn.execute("DELETE FROM interactions WHERE id = ?", (interaction_id,))
        self.conn.execute("DELETE FROM links WHERE contact_id = ?", (rowid,))
        self.conn.execute("DELETE FROM contact_values WHERE contact_id = ?", (rowid,))
        self.conn.execute("DELETE FROM nudge_state WHERE contact_id = ?", (rowid,))
        self.conn.execute("DELETE FROM contacts WHERE id = ?", (rowid,))
        return len(solo)

    def move_links(self, from_rowid: int, to_rowid: int) -> int:
        """Move every interaction of one contact to another (for merge); return how many."""
        rows = self.conn.execute(
            "SELECT day, channel, interaction_id FROM links WHERE contact_id = ?", (from_rowid,)
        ).fetchall()
        for day, channel, interaction_id in rows:
            self.conn.execute(
                "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
                (to_rowid, day, channel, interaction_id),
            )
        self.conn.execute("DELETE FROM links WHERE contact_id = ?", (from_rowid,))
        self.conn.execute(
            "UPDATE nudge_state SET contact_id = ? WHERE contact_id = ?", (to_rowid, from_rowid)
        )
        return len(rows)

    # ---- interactions -------------------------------------------------------------------

    def insert_interaction(
        self,
        *,
        when: dt.datetime,
        day: dt.date,
        channel: Channel,
        contact_rowids: Sequence[int],
        created: dt.datetime,
        uid: bytes | None = None,
        minutes: int | None = None,
        note: str | None = None,
        feel: int | None = None,
        group: str | None = None,
        source: str | None = None,
        messages: int | None = None,
    ) -> bytes:
        """Insert one interaction with its links; return its stable id."""
        interaction_uid = uid or new_interaction_uid()
        offset_minutes = _offset_minutes(when)
        code = CHANNEL_CODES[channel]
        number = day_number(day)
        cursor = self.conn.execute(
            "INSERT INTO interactions(uid, at, utc_offset, day, channel, minutes, note, feel, group_label,"
            " source, messages, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                interaction_uid,
                _timestamp(when),
                offset_minutes,
                number,
                code,
                minutes,
                note,
                feel,
                group,
                source,
                messages,
                _timestamp(created),
            ),
        )
        rowid = cursor.lastrowid
        self.conn.executemany(
            "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
            [(contact, number, code, rowid) for contact in contact_rowids],
        )
        return interaction_uid

    def interaction_rowids_by_prefix(self, prefix: str) -> list[tuple[int, bytes]]:
        """Return (row id, uid) of interactions whose hex id starts with ``prefix`` (lower-case hex)."""
        low_hex = prefix.ljust(32, "0")
        high_hex = prefix.ljust(32, "f")
        rows = self.conn.execute(
            "SELECT id, uid FROM interactions WHERE uid >= ? AND uid <= ? LIMIT 10",
            (bytes.fromhex(low_hex), bytes.fromhex(high_hex)),
        ).fetchall()
        return [(int(rowid), bytes(uid)) for rowid, uid in rows]

    def interaction_rowid(self, uid: bytes) -> int | None:
        """Return the row id of an interaction by its stable id."""
        row = self.conn.execute("SELECT id FROM interactions WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def interaction_rowid_by_source(self, source: str) -> int | None:
        """Return the row id of the interaction imported from ``source``, if any."""
        row = self.conn.execute("SELECT id FROM interactions WHERE source = ?", (source,)).fetchone()
        return None if row is None else int(row[0])

    def last_interaction_rowid(self) -> int:
        """Return the highest interaction row id (0 for none): rows above it are newer."""
        row = self.conn.execute("SELECT max(id) FROM interactions").fetchone()
        return int(row[0] or 0)

    def present_sources(self, sources: Iterable[str]) -> set[str]:
        """Return which of ``sources`` interactions in the log were imported from."""
        wanted = sorted(set(sources))
        present: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT source FROM interactions WHERE source IN ({marks})"
            present.update(row[0] for row in self.conn.execute(query, chunk))
        return present

    # ---- imports: many rows at a time -------------------------------------------------

    def insert_interactions(self, rows: Sequence[NewInteraction]) -> int:
        """Insert interactions with their links, a batch in two statements; return how many.

        Row ids follow the highest in use (the write lock is held), so one ``executemany``
        writes the rows and one their links.
        """
        if not rows:
            return 0
        first = self.last_interaction_rowid() + 1
        self.conn.executemany(
            "INSERT INTO interactions(id, uid, at, utc_offset, day, channel, minutes, note, feel, group_label,"
            " source, messages, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    first + number,
                    row.uid or new_interaction_uid(),
                    _timestamp(row.when),
                    _offset_minutes(row.when),
                    day_number(row.day),
                    CHANNEL_CODES[row.channel],
                    row.minutes,
                    row.note,
                    row.feel,
                    row.group,
                    row.source,
                    row.messages,
                    _timestamp(row.created),
                )
                for number, row in enumerate(rows)
            ],
        )
        self.conn.executemany(
            (
                "INSERT INTO temp.kinship_staged_links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)"
                if self._staged_links
                else "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)"
            ),
            [
                (contact, day_number(row.day), CHANNEL_CODES[row.channel], first + number)
                for number, row in enumerate(rows)
                for contact in row.contact_rowids
            ],
        )
        return len(rows)

    @contextmanager
    def import_cache(self, kib: int, *, temp: bool = False) -> Iterator[None]:
        """Give a long import a larger page cache for the block, then the usual one again.

        A million interactions insert into indexes in random order (ids, days, links): with the
        default 2 MiB cache nearly every row evicts a changed page into the WAL (tens of GB
        written for one import); with ``kib`` the working set mostly stays in memory. With
        ``temp`` the temporary database gets as much (``--dry-run`` keeps its seen ids there);
        otherwise it keeps its own small cache, which appending staged links needs no more of.
        """
        (before,) = self.conn.execute("PRAGMA main.cache_size").fetchone()
        (temp_before,) = self.conn.execute("PRAGMA temp.cache_size").fetchone()
        self.conn.execute(f"PRAGMA main.cache_size = -{int(kib)}")
        if temp:
            self.conn.execute(f"PRAGMA temp.cache_size = -{int(kib)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA main.cache_size = {int(before)}")
            self.conn.execute(f"PRAGMA temp.cache_size = {int(temp_before)}")

    @contextmanager
    def bulk_import(self, *, unique: bool = False) -> Iterator[None]:
        """Inside a write: let a long import add rows without keeping every index in step.

        The non-unique indexes of interactions and links are dropped for the block and built
        again after it (a sort, not a million random inserts), and the links go to a temporary
        table first and into ``links`` in key order at the end. With ``unique`` (an import into
        a log with no interactions, which has nothing to look up) the unique indexes of ids and
        sources go too, and a key the block wrote twice is ``RepeatedKey`` when they are built
        again. A failure rolls the whole write back, indexes too.
        """
        indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('interactions', 'links')"
            " AND sql IS NOT NULL" + ("" if unique else " AND sql NOT LIKE 'CREATE UNIQUE%'")
        ).fetchall()
        indexes.sort(key=lambda index: not index[1].startswith("CREATE UNIQUE"))  # a repeat shows first
        for name, _sql in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        self.conn.execute(
            "CREATE TEMP TABLE kinship_staged_links(contact_id INTEGER, day INTEGER, channel INTEGER,"
            " interaction_id INTEGER)"
        )
        self._staged_links = True
        try:
            yield
            self.conn.execute(
                "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id)"
                " SELECT contact_id, day, channel, interaction_id FROM temp.kinship_staged_links"
                " ORDER BY contact_id, day, channel, interaction_id"
            )
        finally:
            self._staged_links = False
        self.conn.execute("DROP TABLE temp.kinship_staged_links")
        for _name, sql in indexes:
            try:
                self.conn.execute(sql)
            except sqlite3.IntegrityError:
                column = "uid" if "(uid)" in sql else "source"
                key, rowid = self.conn.execute(  # the first row that repeats an earlier one's key
                    f"SELECT k, id FROM (SELECT {column} AS k, id, row_number() OVER"
                    f" (PARTITION BY {column} ORDER BY id) AS n FROM interactions WHERE {column} IS NOT NULL)"
                    " WHERE n = 2 ORDER BY id LIMIT 1"
                ).fetchone()
                raise RepeatedKey(column, key, int(rowid)) from None

    def interaction_rowids(self, uids: Sequence[bytes]) -> dict[bytes, int]:
        """Return {stable id: row id} for those of ``uids`` in the log."""
        return dict(self._rows_by_key("SELECT uid, id FROM interactions WHERE uid IN ({})", uids))

    def source_rowids(self, sources: Sequence[str]) -> dict[str, int]:
        """Return {source: row id} for the interactions in the log imported from ``sources``."""
        return dict(self._rows_by_key("SELECT source, id FROM interactions WHERE source IN ({})", sources))

    def _rows_by_key(self, sql: str, keys: Sequence[Any]) -> Iterator[tuple[Any, int]]:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for key, rowid in self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk):
                yield (bytes(key) if isinstance(key, bytes) else key), int(rowid)

    def note_import_keys(self, uids: Sequence[bytes], sources: Sequence[str], export: int = 0) -> None:
        """Remember ids and sources a ``--dry-run`` import has seen, in temporary tables (never the
        file; they go with the transaction), so a long file is checked for repeats in bounded memory.
        ``export`` numbers the export file of the command that saw them (the first keeps its number)."""
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kinship_seen_uids(k BLOB PRIMARY KEY, g INTEGER) WITHOUT ROWID"
        )
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS kinship_seen_sources(k TEXT PRIMARY KEY, g INTEGER) WITHOUT ROWID"
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.kinship_seen_uids(k, g) VALUES (?, ?)", [(k, export) for k in uids]
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.kinship_seen_sources(k, g) VALUES (?, ?)",
            [(k, export) for k in sources],
        )

    def noted_import_keys(
        self, uids: Sequence[bytes], sources: Sequence[str]
    ) -> tuple[dict[bytes, int], dict[str, int]]:
        """Return which of ``uids`` and ``sources`` ``note_import_keys`` saw before, each with the
        number of the export file that first had it."""
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = 'kinship_seen_uids'"
        ).fetchone()
        if exists is None:
            return {}, {}
        found: dict[bytes, int] = dict(
            self._rows_by_key("SELECT k, g FROM temp.kinship_seen_uids WHERE k IN ({})", uids)
        )
        seen: dict[str, int] = dict(
            self._rows_by_key("SELECT k, g FROM temp.kinship_seen_sources WHERE k IN ({})", sources)
        )
        return found, seen

    def chat_and_hand_days(self, first: dt.date, last: dt.date) -> set[tuple[dt.date, Channel, str]]:
        """Return (day, channel, contact id) of interactions from ``first`` to ``last`` that were
        logged by hand or imported from a chat (not from a calendar)."""
        found: set[tuple[dt.date, Channel, str]] = set()
        for day, channel, uid in self.conn.execute(
            "SELECT i.day, i.channel, c.uid FROM interactions i JOIN links l ON l.interaction_id = i.id"
            " JOIN contacts c ON c.id = l.contact_id WHERE i.day BETWEEN ? AND ?"
            " AND (i.source IS NULL OR i.source NOT LIKE 'ics:%')",
            (day_number(first), day_number(last)),
        ):
            found.add((day_from_number(day), CHANNELS_BY_CODE[channel], uid))
        return found

    def nudge_state_uids(self) -> set[str]:
        """Return the stable ids of every snooze, dismissal and reminder."""
        return {row[0] for row in self.conn.execute("SELECT uid FROM nudge_state")}

    def nudge_state_rows(self) -> list[tuple[str, str, str | None, str | None, int, int, int | None]]:
        """Return every nudge-state row as (uid, kind, key, contact uid, made_at, made_day,
        until_day), by when they were made then id: the same order on every device."""
        return [
            tuple(row)
            for row in self.conn.execute(
                "SELECT s.uid, s.kind, s.key, c.uid, s.made_at, s.made_day, s.until_day FROM nudge_state s"
                " LEFT JOIN contacts c ON c.id = s.contact_id ORDER BY s.made_at, s.uid"
            )
        ]

    def delete_interaction(self, rowid: int) -> None:
        """Delete one interaction and its links."""
        self.conn.execute("DELETE FROM links WHERE interaction_id = ?", (rowid,))
        self.conn.execute("DELETE FROM interactions WHERE id = ?", (rowid,))

    def update_interaction(
        self,
        rowid: int,
        *,
        when: dt.datetime,
        day: dt.date,
        channel: Channel,
        contact_rowids: Sequence[int],
        minutes: int | None,
        note: str | None,
        feel: int | None,
        group: str | None,
    ) -> None:
        """Rewrite one interaction and its links in place (its id stays)."""
        offset_minutes = _offset_minutes(when)
        code = CHANNEL_CODES[channel]
        number = day_number(day)
        self.conn.execute(
            "UPDATE interactions SET at = ?, utc_offset = ?, day = ?, channel = ?, minutes = ?, note = ?,"
            " feel = ?, group_label = ? WHERE id = ?",
            (_timestamp(when), offset_minutes, number, code, minutes, note, feel, group, rowid),
        )
        self.conn.execute("DELETE FROM links WHERE interaction_id = ?", (rowid,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)",
            [(contact, number, code, rowid) for contact in contact_rowids],
        )

    def interaction_people_rowids(self, rowid: int) -> list[int]:
        """Return the contact row ids linked to one interaction."""
        return [
            row[0]
            for row in self.conn.execute("SELECT contact_id FROM links WHERE interaction_id = ?", (rowid,))
        ]

    def _people_of(self, interaction_rowids: Sequence[int]) -> dict[int, list[ContactRef]]:
        people: dict[int, list[ContactRef]] = {}
        for start in range(0, len(interaction_rowids), 500):
            chunk = interaction_rowids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for interaction_id, uid, name in self.conn.execute(
                f"SELECT l.interaction_id, c.uid, c.name FROM links l JOIN contacts c ON c.id = l.contact_id"
                f" WHERE l.interaction_id IN ({marks}) ORDER BY c.name_key",
                chunk,
            ):
                people.setdefault(interaction_id, []).append(ContactRef(uid, name))
        return people

    _INTERACTION_COLUMNS = (
        "i.id, i.uid, i.at, i.utc_offset, i.day, i.channel, i.minutes, i.note, i.feel, i.group_label,"
        " i.source, i.messages, i.created"
    )

    def _interactions_from_rows(self, rows: Sequence[tuple[object, ...]]) -> list[Interaction]:
        people = self._people_of([int(row[0]) for row in rows])  # type: ignore[call-overload]
        result = []
        for row in rows:
            rowid, uid, at, offset, day, channel, minutes, note, feel, group, source, messages, created = row
            assert isinstance(uid, bytes) and isinstance(at, int) and isinstance(offset, int)
            assert isinstance(day, int) and isinstance(channel, int) and isinstance(created, int)
            result.append(
                Interaction(
                    id=uid.hex(),
                    when=_from_timestamp(at, offset),
                    day=day_from_number(day),
                    channel=CHANNELS_BY_CODE[channel],
                    people=tuple(people.get(int(rowid), ())),  # type: ignore[call-overload]
                    minutes=minutes,  # type: ignore[arg-type]
                    note=note,  # type: ignore[arg-type]
                    feel=feel,  # type: ignore[arg-type]
                    group=group,  # type: ignore[arg-type]
                    source=source,  # type: ignore[arg-type]
                    messages=messages,  # type: ignore[arg-type]
                    created=dt.datetime.fromtimestamp(created, dt.UTC),
                )
            )
        return result

    def interaction(self, rowid: int) -> Interaction:
        """Return one interaction."""
        rows = self.conn.execute(
            f"SELECT {self._INTERACTION_COLUMNS} FROM interactions i WHERE i.id = ?", (rowid,)
        ).fetchall()
        return self._interactions_from_rows(rows)[0]

    def _history_query(
        self,
        *,
        contact_rowid: int | None = None,
        since_day: dt.date | None = None,
        limit: int | None = None,
        with_rowids: Sequence[int] = (),
        until_day: dt.date | None = None,
        channel_codes: Sequence[int] | None = None,
        circle: str | None = None,
    ) -> tuple[str, list[object]]:
        """Return the SQL and parameters of ``history`` (see there)."""
        params: list[object] = []
        where: list[str] = []
        if contact_rowid is not None:
            sql = f"SELECT {self._INTERACTION_COLUMNS} FROM links l JOIN interactions i ON i.id = l.interaction_id"
            where.append("l.contact_id = ?")
            params.append(contact_rowid)
            day_column, order = "l.day", " ORDER BY l.day DESC, i.at DESC, i.id DESC"
        else:
            sql = f"SELECT {self._INTERACTION_COLUMNS} FROM interactions i"
            day_column, order = "i.day", " ORDER BY i.day DESC, i.at DESC, i.id DESC"
        if since_day is not None:
            where.append(f"{day_column} >= ?")
            params.append(day_number(since_day))
        if until_day is not None:
            where.append(f"{day_column} <= ?")
            params.append(day_number(until_day))
        for rowid in with_rowids:
            where.append("EXISTS (SELECT 1 FROM links w WHERE w.interaction_id = i.id AND w.contact_id = ?)")
            params.append(rowid)
        if channel_codes is not None:
            where.append(f"i.channel IN ({', '.join('?' for _ in channel_codes) or 'NULL'})")
            params.extend(channel_codes)
        if circle is not None:
            where.append(
                "EXISTS (SELECT 1 FROM links w JOIN contacts c ON c.id = w.contact_id"
                " WHERE w.interaction_id = i.id AND c.circle = ?)"
            )
            params.append(circle)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += order
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return sql, params

    def history(
        self,
        *,
        contact_rowid: int | None = None,
        since_day: dt.date | None = None,
        limit: int | None = None,
        with_rowids: Sequence[int] = (),
        until_day: dt.date | None = None,
        channel_codes: Sequence[int] | None = None,
        circle: str | None = None,
    ) -> list[Interaction]:
        """Return interactions newest first, at most ``limit``, filtered as asked.

        ``contact_rowid``: of this contact (read through its links); ``with_rowids``: shared with
        each of these contacts too; ``since_day``/``until_day``: local days, both ends included;
        ``channel_codes``: on one of these channels; ``circle``: with someone of that circle.
        """
        sql, params = self._history_query(
            contact_rowid=contact_rowid,
            since_day=since_day,
            limit=limit,
            with_rowids=with_rowids,
            until_day=until_day,
            channel_codes=channel_codes,
            circle=circle,
        )
        return self._interactions_from_rows(self.conn.execute(sql, params).fetchall())

    def iter_history(self, chunk: int = 2000, **filters: Any) -> Iterator[Interaction]:
        """Yield what ``history(**filters)`` returns, a chunk of rows at a time (bounded memory)."""
        sql, params = self._history_query(**filters)
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from self._interactions_from_rows(rows)

    def interactions_between(self, first: dt.date, last: dt.date) -> list[Interaction]:
        """Return the interactions whose local day lies in [first, last], oldest first."""
        rows = self.conn.execute(
            f"SELECT {self._INTERACTION_COLUMNS} FROM interactions i WHERE i.day BETWEEN ? AND ?"
            " ORDER BY i.day, i.at, i.id",
            (day_number(first), day_number(last)),
        ).fetchall()
        return self._interactions_from_rows(rows)

    def week_items(
        self, first: dt.date, last: dt.date
    ) -> list[tuple[bool, int | None, int | None, str | None, tuple[ContactRef, ...]]]:
        """Return, per interaction whose local day lies in [first, last], what the weekly review
        counts: (face to face, minutes, feel, group label, people), in no particular order.

        One join of plain columns through the day and link indexes: no ids, instants or notes
        are read or converted (``interactions_between`` gives the whole interactions).
        """
        items: dict[int, tuple[bool, int | None, int | None, str | None, list[ContactRef]]] = {}
        refs: dict[str, ContactRef] = {}
        for rowid, channel, minutes, feel, group, uid, name in self.conn.execute(
            "SELECT i.id, i.channel, i.minutes, i.feel, i.group_label, c.uid, c.name FROM interactions i"
            " LEFT JOIN links l ON l.interaction_id = i.id LEFT JOIN contacts c ON c.id = l.contact_id"
            # IN (...) visits the rows, and their links, in id order: fewer page jumps than the day order
            " WHERE i.id IN (SELECT id FROM interactions WHERE day BETWEEN ? AND ?)",
            (day_number(first), day_number(last)),
        ):
            item = items.get(rowid)
            if item is None:
                item = items[rowid] = (channel == IN_PERSON_CODE, minutes, feel, group, [])
            if uid is not None:  # a link to a contact that no longer exists counts for no one
                ref = refs.get(uid)
                if ref is None:
                    ref = refs[uid] = ContactRef(uid, name)
                item[4].append(ref)
        return [
            (face, minutes, feel, group, tuple(people))
            for face, minutes, feel, group, people in items.values()
        ]

    def last_interaction_created(self) -> tuple[int, bytes] | None:
        """Return (row id, uid) of the most recently created hand-logged interaction."""
        row = self.conn.execute(
            "SELECT id, uid FROM interactions WHERE source IS NULL ORDER BY created DESC, id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    # ---- summaries for the engine ---------------------------------------------------------

    # One row per contact; every figure comes from a range of the links primary key
    # (contact_id, day, channel, interaction_id), so the cost follows the window, not the table.
    # The window's days arrive as one text per contact ("all days;face-to-face days", each a
    # comma-separated list in key order) rather than as one Python row per link.
    _CONTACT_COLUMNS = (
        "c.uid, c.name, c.circle, c.every_days, c.birthday, c.archived, c.created + c.created_offset * 60,"
        " c.see_every_days"
    )
    # the last face-to-face day, and the digital interactions after it, up to the as-of day
    _FACE_TO_FACE_FACTS = """
            (SELECT l.day FROM links l WHERE l.contact_id = c.id AND l.day <= :end AND l.channel = :in_person
             ORDER BY l.day DESC LIMIT 1),
            (SELECT count(*) FROM links l WHERE l.contact_id = c.id AND l.day <= :end
                AND l.channel != :in_person
                AND l.day > coalesce(
                    (SELECT f.day FROM links f WHERE f.contact_id = c.id AND f.day <= :end
                        AND f.channel = :in_person ORDER BY f.day DESC LIMIT 1),
                    :before_all))"""
    _SUMMARY_SQL = f"""
        SELECT {_CONTACT_COLUMNS},
            (SELECT group_concat(l.day) || ';'
                    || coalesce(group_concat(CASE WHEN l.channel = :in_person THEN l.day END), '')
             FROM links l WHERE l.contact_id = c.id AND l.day > :start AND l.day <= :end),
            (SELECT l.day FROM links l WHERE l.contact_id = c.id AND l.day <= :end
             ORDER BY l.day DESC LIMIT 1),{_FACE_TO_FACE_FACTS}
        FROM contacts c ORDER BY c.id
        """

    # the day lists give every figure: the window's days are a slice of them, the last
    # face-to-face day a binary search, the digital interactions after it a sum of day counts
    _CACHED_SUMMARY_SQL = f"""
        SELECT {_CONTACT_COLUMNS}, d.day_count, d.face_count, d.lists
        FROM contacts c LEFT JOIN contact_days d ON d.contact_id = c.id ORDER BY c.id
        """

    def refresh_contact_days(self) -> int:
        """Bring the day lists of the contacts whose links changed up to date; return how many.

        ``contact_days`` holds, per contact, three lists of 32-bit little-endian integers one
        after the other in one blob (``lists``): every distinct interaction day as a day ordinal
        (``date.toordinal()``), ascending (``day_count`` of them); the days among them with a
        face-to-face interaction (``face_count``); and beside each day, that day's digital
        interactions, on any channel but in person. The summaries read a window of them as
        slices, with no conversion per day. Triggers on ``links`` mark a contact stale whenever its links
        change (whoever changes them); ``write()`` calls this before it commits, and readers
        fall back to the links index while anything is stale, so the answer is always exact.

        A contact whose list was fresh when this transaction first touched its links gets only
        the touched days looked up again and patched into its list (``_watch_links`` records
        them), so a ``log`` costs the same for a contact with 100 interactions or 200,000; a
        contact already stale before (changed behind kinship's back) gets its list rebuilt.
        """
        stale = [row[0] for row in self.conn.execute("SELECT contact_id FROM contact_days_stale")]
        touched = self._touched_day_counts() if stale else {}
        refreshed = []
        for contact_id in stale:
            # a failure here must never cost the user's write: that contact simply stays stale
            # (readers then use the links index), e.g. a day another tool wrote out of range
            self.conn.execute("SAVEPOINT refresh_contact_days")
            try:
                count = touched.get(contact_id)
                if count is None or count > _PATCHED_DAYS_AT_MOST:
                    self._refresh_one(contact_id)
                else:
                    self._patch_one(contact_id)
            except (sqlite3.IntegrityError, OverflowError, TypeError, ValueError):
                self.conn.execute("ROLLBACK TO refresh_contact_days")
            else:
                refreshed.append((contact_id,))
            self.conn.execute("RELEASE refresh_contact_days")
        self.conn.executemany("DELETE FROM contact_days_stale WHERE contact_id = ?", refreshed)
        if self._watching:
            self.conn.execute("DELETE FROM temp.kinship_touched_days")
        return len(refreshed)

    def _watch_links(self) -> None:
        """Create the temporary triggers that record touched days (once per connection)."""
        if not self._watching:
            for statement in _WATCH_LINKS_SQL:
                self.conn.execute(statement)
            self._watching = True

    def _touched_day_counts(self) -> dict[int, int]:
        """Return {contact: touched days} for the contacts whose day list was fresh before."""
        if not self._watching:
            return {}
        return {
            contact_id: count
            for contact_id, count, was_stale in self.conn.execute(
                "SELECT contact_id, count(*), min(was_stale) FROM temp.kinship_touched_days GROUP BY contact_id"
            )
            if not was_stale
        }

    def _patch_one(self, contact_id: int) -> None:
        """Look up again only the touched days of a contact whose list was exact before."""
        if self.conn.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone() is None:
            self.conn.execute("DELETE FROM contact_days WHERE contact_id = ?", (contact_id,))
            return
        try:
            days, face, digital = _read_day_list(
                self.conn.execute(
                    "SELECT day_count, face_count, lists FROM contact_days WHERE contact_id = ?",
                    (contact_id,),
                ).fetchone()
            )
        except (TypeError, ValueError):  # a list damaged behind kinship's back: built again whole
            self._refresh_one(contact_id)
            return
        touched = [
            day
            for (day,) in self.conn.execute(
                "SELECT day FROM temp.kinship_touched_days WHERE contact_id = ? ORDER BY day", (contact_id,)
            )
        ]
        for day in touched:
            met, count = self.conn.execute(
                "SELECT max(channel = ?), count(nullif(channel, ?)) FROM links WHERE contact_id = ? AND day = ?",
                (IN_PERSON_CODE, IN_PERSON_CODE, contact_id, day),
            ).fetchone()
            ordinal = _checked_ordinal(day)
            position = bisect_left(days, ordinal)
            present = position < len(days) and days[position] == ordinal
            at = bisect_left(face, ordinal)
            was_met = at < len(face) and face[at] == ordinal
            if met is None:  # no interaction left that day
                if present:
                    del days[position]
                    del digital[position]
            elif present:
                digital[position] = count
            else:
                days.insert(position, ordinal)
                digital.insert(position, count)
            if met and not was_met:
                face.insert(at, ordinal)
            elif was_met and not met:
                del face[at]
        self._store_day_list(contact_id, days, face, digital)

    def _store_day_list(
        self, contact_id: int, days: array[int], face: array[int], digital: array[int]
    ) -> None:
        """Write a contact's day lists (little-endian), or drop them when empty."""
        if not days:
            self.conn.execute("DELETE FROM contact_days WHERE contact_id = ?", (contact_id,))
            return
        lists = days + face + digital
        if not _LITTLE_ENDIAN:
            lists.byteswap()
        self.conn.execute(
            "INSERT OR REPLACE INTO contact_days(contact_id, day_count, face_count, lists) VALUES (?, ?, ?, ?)",
            (contact_id, len(days), len(face), lists.tobytes()),
        )

    def _refresh_one(self, contact_id: int) -> None:
        if self.conn.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone() is None:
            self.conn.execute("DELETE FROM contact_days WHERE contact_id = ?", (contact_id,))
            return  # links left behind by a contact deleted elsewhere count for no one
        days, face, digital = array("i"), array("i"), array("i")
        for day, met, count in self.conn.execute(
            "SELECT day, max(channel = ?), count(nullif(channel, ?)) FROM links"
            " WHERE contact_id = ? GROUP BY day ORDER BY day",
            (IN_PERSON_CODE, IN_PERSON_CODE, contact_id),
        ):
            ordinal = _checked_ordinal(day)
            days.append(ordinal)
            if met:
                face.append(ordinal)
            digital.append(count)
        self._store_day_list(contact_id, days, face, digital)

    def contact_summaries(
        self, as_of: dt.date, *, window_days: int = 365, rowid: int | None = None
    ) -> list[ContactSummary]:
        """Return one summary per contact (or only the contact ``rowid``), as at the end of ``as_of``.

        Read from the per-contact day lists (``contact_days``) when none is stale, else from the
        links index; both give the same answer (tests compare them for many as-of days).
        """
        if self.conn.execute("SELECT EXISTS (SELECT 1 FROM contact_days_stale)").fetchone()[0]:
            return self.contact_summaries_from_links(as_of, window_days=window_days, rowid=rowid)
        end = day_number(as_of)
        start = end - window_days  # the window is (start, end]
        # the window (start, end] in day ordinals, and one shared date object per day of it (a
        # created or last day) met on the way
        fromordinal = dt.date.fromordinal
        first, last = start + EPOCH_ORDINAL, end + EPOCH_ORDINAL
        day_dates = {day: fromordinal(day) for day in range(first + 1, last + 1)}
        summaries = []
        rows = self.conn.execute(
            self._CACHED_SUMMARY_SQL if rowid is None else _one_contact(self._CACHED_SUMMARY_SQL),
            {"rowid": rowid},
        )
        # C-level construction of the named tuples, their fields in order (the exactness tests
        # compare every field with the summaries made by keyword from the links)
        new = tuple.__new__
        try:
            for (
                uid,
                name,
                circle,
                every,
                birthday,
                archived,
                created,
                see_every,
                day_count,
                face_count,
                lists,
            ) in rows:
                own_days: tuple[int, ...] = ()
                own_f2f: tuple[int, ...] = ()
                last_day = last_f2f_day = None
                digital = 0
                if lists is not None:
                    # one sequence: the days at [0, n), the face-to-face days at [n, face_end),
                    # each day's digital interactions at [face_end, face_end + n)
                    values = _day_list_view(lists, day_count, face_count)
                    face_end = day_count + face_count
                    # the days usually end before the as-of day (a check instead of a search),
                    # and hold at most one entry per day of the window (a short search)
                    high = (
                        day_count
                        if values[day_count - 1] <= last
                        else bisect_right(values, last, 0, day_count)
                    )
                    if high:
                        low = bisect_right(values, first, max(0, high - window_days), high)
                        own_days = tuple(values[low:high].tolist())
                        ordinal = values[high - 1]
                        last_day = day_dates.get(ordinal) or fromordinal(ordinal)
                        if face_count and values[face_end - 1] <= last:
                            met = face_end
                        else:
                            met = bisect_right(values, last, day_count, face_end)
                        if met > day_count:  # the last face-to-face day, and the digital ones after it
                            start_at = bisect_right(values, first, max(day_count, met - window_days), met)
                            own_f2f = tuple(values[start_at:met].tolist())
                            ordinal = values[met - 1]
                            last_f2f_day = day_dates.get(ordinal) or fromordinal(ordinal)
                            after = (
                                bisect_right(values, ordinal, low, high)
                                if ordinal > first
                                else bisect_right(values, ordinal, 0, low)
                            )
                            digital = sum(values[face_end + after : face_end + high])
                        else:
                            digital = sum(values[face_end : face_end + high])
                created_day = created // 86400 + EPOCH_ORDINAL  # the local day it was added
                summaries.append(
                    new(
                        ContactSummary,
                        (
                            new(ContactRef, (uid, name)),
                            circle,
                            every,
                            birthday,
                            bool(archived),
                            day_dates.get(created_day) or fromordinal(created_day),
                            own_days,
                            own_f2f,
                            last_day,
                            last_f2f_day,
                            digital,
                            see_every,
                        ),
                    )
                )
        except (TypeError, ValueError, KeyError, OverflowError):
            # a damaged list (bytes that SQLite's own check cannot see): the cache is only derived
            # data, so the answer comes from the links instead, still exact
            return self.contact_summaries_from_links(as_of, window_days=window_days, rowid=rowid)
        return summaries

    def contact_summaries_from_links(
        self, as_of: dt.date, *, window_days: int = 365, rowid: int | None = None
    ) -> list[ContactSummary]:
        """Return the summaries (all, or of the contact ``rowid``) from the links index alone (no cache)."""
        end = day_number(as_of)
        start = end - window_days  # the window is (start, end]
        # the day ordinal of each day of the window, by its text as SQLite prints it
        ordinals = {str(number): number + EPOCH_ORDINAL for number in range(start + 1, end + 1)}
        lookup = ordinals.__getitem__
        summaries = []
        rows = self.conn.execute(
            self._SUMMARY_SQL if rowid is None else _one_contact(self._SUMMARY_SQL),
            {"start": start, "end": end, "in_person": IN_PERSON_CODE, "before_all": -(10**9), "rowid": rowid},
        )
        for (
            uid,
            name,
            circle,
            every,
            birthday,
            archived,
            created,
            see_every,
            window,
            last,
            last_f2f,
            digital,
        ) in rows:
            own_days: tuple[int, ...] = ()
            own_f2f: tuple[int, ...] = ()
            if window is not None:
                all_text, _, f2f_text = window.partition(";")
                # dict.fromkeys drops the repeats of a day (several links) keeping key order;
                # sorted() only confirms that order (linear on sorted input)
                own_days = tuple(sorted(map(lookup, dict.fromkeys(all_text.split(",")))))
                if f2f_text:
                    own_f2f = tuple(sorted(map(lookup, dict.fromkeys(f2f_text.split(",")))))
            summaries.append(
                _summary(
                    (uid, name, circle, every, birthday, archived, created, see_every),
                    own_days,
                    own_f2f,
                    last,
                    last_f2f,
                    digital,
                )
            )
        return summaries

    def week_counts(self, first: dt.date, last: dt.date) -> dict[str, WeekCount]:
        """Return face-to-face and digital counts per ISO week for days in [first, last]."""
        counts: dict[int, list[int]] = {}
        # grouped in the order of ix_interactions_day (day, channel): no sort, no table rows
        for day, channel, total in self.conn.execute(
            "SELECT day, channel, count(*) FROM interactions WHERE day BETWEEN ? AND ? GROUP BY day, channel",
            (day_number(first), day_number(last)),
        ):
            pair = counts.setdefault(day, [0, 0])
            pair[0 if channel == IN_PERSON_CODE else 1] += total
        weeks: dict[str, list[int]] = {}
        for day, (f2f, digital) in counts.items():
            year, week, _ = day_from_number(day).isocalendar()
            pair = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
            pair[0] += f2f
            pair[1] += digital
        return {week: WeekCount(week, f2f, digital) for week, (f2f, digital) in weeks.items()}

    def last_face_to_face_day(self, as_of: dt.date) -> dt.date | None:
        """Return the last day with a face-to-face interaction (group activities included)."""
        row = self.conn.execute(
            "SELECT day FROM interactions WHERE day <= ? AND channel = ? ORDER BY day DESC LIMIT 1",
            (day_number(as_of), IN_PERSON_CODE),
        ).fetchone()
        return None if row is None else day_from_number(int(row[0]))

    def first_days(self, uids: Iterable[str]) -> dict[str, dt.date]:
        """Return each contact's first interaction day (contacts without one are left out)."""
        wanted = list(dict.fromkeys(uids))
        found: dict[str, dt.date] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for uid, day in self.conn.execute(
                "SELECT c.uid, (SELECT l.day FROM links l WHERE l.contact_id = c.id ORDER BY l.day LIMIT 1)"
                f" FROM contacts c WHERE c.uid IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                if day is not None:
                    found[uid] = day_from_number(int(day))
        return {uid: found[uid] for uid in wanted if uid in found}

    # ---- nudge state ----------------------------------------------------------------------

    def nudge_state(self) -> NudgeState:
        """Return every snooze, dismissal and reminder with when it was made."""
        snoozes: list[Snooze] = []
        dismissals: list[Dismissal] = []
        reminders: list[Reminder] = []
        for kind, key, uid, made_day, until_day in self.conn.execute(
            "SELECT s.kind, s.key, c.uid, s.made_day, s.until_day FROM nudge_state s"
            " LEFT JOIN contacts c ON c.id = s.contact_id ORDER BY s.made_day, s.id"
        ):
            made = day_from_number(made_day)
            if kind == "snooze":
                snoozes.append(Snooze(made=made, until=day_from_number(until_day), contact_id=uid, key=key))
            elif kind == "dismiss":
                until = None if until_day is None else day_from_number(until_day)
                dismissals.append(Dismissal(key=key, made=made, until=until))
            elif kind == "remind":
                reminders.append(Reminder(key=key, day=made))
        return NudgeState(tuple(snoozes), tuple(dismissals), tuple(reminders))

    def add_nudge_state(
        self,
        *,
        kind: str,
        made_at: dt.datetime,
        made_day: dt.date,
        key: str | None = None,
        contact_rowid: int | None = None,
        until_day: dt.date | None = None,
        uid: str | None = None,
    ) -> None:
        """Record a snooze, dismissal or reminder."""
        self.conn.execute(
            "INSERT INTO nudge_state(uid, kind, key, contact_id, made_at, made_day, until_day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                uid or new_contact_uid(),
                kind,
                key,
                contact_rowid,
                _timestamp(made_at),
                day_number(made_day),
                None if until_day is None else day_number(until_day),
            ),
        )

    def end_nudge_state(
        self,
        *,
        kind: str,
        day: dt.date,
        keys: Iterable[str] = (),
        contact_rowids: Iterable[int] = (),
    ) -> int:
        """End the snoozes or dismissals (``kind``) of these keys or contacts in force on ``day``,
        so they no longer apply from ``day`` on (looking back, they still held); return how many."""
        number = day_number(day)
        ended = 0
        for column, values in (("key", list(keys)), ("contact_id", list(contact_rowids))):
            for value in values:
                cursor = self.conn.execute(
                    f"UPDATE nudge_state SET until_day = ? WHERE kind = ? AND {column} = ?"
                    " AND made_day <= ? AND (until_day IS NULL OR until_day > ?)",
                    (number, kind, value, number, number),
                )
                ended += cursor.rowcount
        return ended

    # ---- groups and time together -----------------------------------------------------------

    # the distinct labels, hopping through the partial index (one seek per label, not per row),
    # each with its last day on or before :end
    _GROUP_LAST_DAYS_SQL = """
        WITH RECURSIVE labels(label) AS (
            SELECT min(group_label) FROM interactions WHERE group_label IS NOT NULL
            UNION ALL
            SELECT (SELECT min(group_label) FROM interactions WHERE group_label > labels.label)
            FROM labels WHERE labels.label IS NOT NULL)
        SELECT label, (SELECT max(day) FROM interactions WHERE group_label = labels.label AND day <= :end)
        FROM labels WHERE label IS NOT NULL
        """

    def group_days(
        self, as_of: dt.date, first: dt.date
    ) -> tuple[dict[str, dt.date], list[tuple[str, dt.date]]]:
        """Return each group label's last day on or before ``as_of``, and the (label, day) pairs of
        the days in [first, as_of] it met, by label then day.

        Both read only the partial index ``ix_interactions_group`` (interactions with a label),
        a range per label, so the cost follows the labels and the window, not the whole log.
        """
        end = day_number(as_of)
        last = {
            label: day_from_number(day)
            for label, day in self.conn.execute(self._GROUP_LAST_DAYS_SQL, {"end": end})
            if day is not None
        }
        window: list[tuple[str, dt.date]] = []
        for label in sorted(last):
            window.extend(
                (label, day_from_number(day))
                for (day,) in self.conn.execute(
                    "SELECT DISTINCT day FROM interactions WHERE group_label = ? AND day BETWEEN ? AND ?"
                    " ORDER BY day",
                    (label, day_number(first), end),
                )
            )
        return last, window

    def group_people(self, as_of: dt.date) -> list[tuple[str, str, str, int]]:
        """Return (label, contact id, name, interactions) for the people met at group activities."""
        return [
            (label, uid, name, int(count))
            for label, uid, name, count in self.conn.execute(
                # CROSS JOIN keeps the labelled interactions (a partial index) the outer loop
                "SELECT i.group_label, c.uid, c.name, count(*) FROM interactions i"
                " CROSS JOIN links l ON l.interaction_id = i.id JOIN contacts c ON c.id = l.contact_id"
                " WHERE i.group_label IS NOT NULL AND i.day <= ? GROUP BY i.group_label, c.id",
                (day_number(as_of),),
            )
        ]

    def first_interaction_day(self) -> dt.date | None:
        """Return the local day of the first interaction in the log (None for an empty log)."""
        row = self.conn.execute("SELECT min(day) FROM interactions").fetchone()
        return None if row is None or row[0] is None else day_from_number(int(row[0]))

    def minutes_by_mode(self, contact_rowid: int, first: dt.date, last: dt.date) -> tuple[int, int, int]:
        """Return minutes face to face, minutes digital, and how many interactions had minutes,
        for one contact's interactions on days in [first, last]."""
        row = self.conn.execute(
            # IN (...) visits the interactions in rowid order: far fewer page jumps than a join
            "SELECT coalesce(sum(CASE WHEN i.channel = ? THEN i.minutes END), 0),"
            " coalesce(sum(CASE WHEN i.channel != ? THEN i.minutes END), 0), count(i.minutes)"
            " FROM interactions i WHERE i.id IN"
            " (SELECT interaction_id FROM links WHERE contact_id = ? AND day BETWEEN ? AND ?)",
            (IN_PERSON_CODE, IN_PERSON_CODE, contact_rowid, day_number(first), day_number(last)),
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    # ---- export -------------------------------------------------------------------------------

    def iter_interactions(self, chunk: int = 2000) -> Iterator[Interaction]:
        """Yield every interaction in time order (local day, instant, then stable id), bounded memory.

        The order never depends on when rows were inserted, so two databases holding the same log
        (two devices after ``kinship sync``) export the same bytes (SPEC §11). Rows are read a run
        of days at a time, about ``chunk`` rows, each run sorted through the day index.
        """
        days = self.conn.execute(
            "SELECT day, count(*) FROM interactions GROUP BY day ORDER BY day"
        ).fetchall()
        start = 0
        while start < len(days):
            end, total = start, 0
            while end < len(days) and (total == 0 or total + days[end][1] <= chunk):
                total += days[end][1]
                end += 1
            rows = self.conn.execute(
                f"SELECT {self._INTERACTION_COLUMNS} FROM interactions i WHERE i.day BETWEEN ? AND ?"
                " ORDER BY i.day, i.at, i.uid",
                (days[start][0], days[end - 1][0]),
            ).fetchall()
            yield from self._interactions_from_rows(rows)
            start = end
