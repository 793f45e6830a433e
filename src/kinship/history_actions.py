"""Undo and redo of any change, from the change journal (SPEC §4, §11).

Each function takes a store, runs one transaction and returns what it did; the inverse of an
entry is applied as a new entry that names the one it takes back (``undoes``) or the undo it
reverses (``redoes``), so undo and redo travel to other devices like any change.
"""

from __future__ import annotations

from contextlib import contextmanager

from kinship import journal, journal_store
from kinship.errors import NotFoundError, UsageError
from kinship.lean import TYPE_CHECKING, NamedTuple
from kinship.store import Store

if TYPE_CHECKING:
    from collections.abc import Iterator

LIST_LIMIT = 20
UNDO_CACHE_KIB = 16 * 1024


class HistoryStep(NamedTuple):
    """What an undo or redo did: the entry it took back or put back, and the new entry's id."""

    target: journal.EntryHead
    entry_id: str | None


def _own(store: Store) -> list[journal.EntryHead]:
    return list(journal_store.own_entries(store.conn))


def undo_list(store: Store, limit: int = LIST_LIMIT) -> list[journal.EntryHead]:
    """Return the changes ``undo`` would take back, newest first (at most ``limit``)."""
    with store.read():
        if not journal_store.journal_ready(store.conn):
            return []
        return journal.undo_candidates(_own(store))[:limit]


def next_undo(store: Store) -> journal.EntryHead:
    """Return the change ``undo`` would take back now (read only), or raise NotFoundError."""
    found = undo_list(store, 1)
    if not found:
        raise NotFoundError(
            "there is no change to undo", "the journal keeps the last 1,000 changes or 90 days"
        )
    return found[0]


@contextmanager
def _larger_cache(store: Store) -> Iterator[None]:
    """Give SQLite a 16 MB page cache for the block: taking back an import rewrites a million
    rows' worth of pages, which the 2 MB default would write and re-read many times over."""
    previous = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute(f"PRAGMA cache_size = -{UNDO_CACHE_KIB}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(previous)}")


def undo(store: Store, expected_id: str | None = None) -> HistoryStep:
    """Take back the newest change not yet taken back; return it and the undo's entry id.

    ``expected_id`` is the entry the person confirmed: when another change came in between
    (another process), nothing is written and UsageError says so.
    """
    with _larger_cache(store), store.write():
        candidates = journal.undo_candidates(_own(store))
        if not candidates:
            raise NotFoundError(
                "there is no change to undo", "the journal keeps the last 1,000 changes or 90 days"
            )
        target = candidates[0]
        if expected_id is not None and target.id != expected_id:
            raise UsageError("another change was made meanwhile", "run `kinship undo` again")
        notes: dict[str, list[object]] = {}
        for uid in journal_store.apply_inverse(
            store.conn, journal_store.entry_changes(store.conn, target.id), target.id, notes
        ):
            store.journal_note("r", uid)
        for section, items in notes.items():
            for item in items:
                store.journal_note(section, item)
        store.refresh_contact_days()
        entry_id = store.journal_record(f"undo {target.words}", undoes=target.id, force=True)
        return HistoryStep(target, entry_id)


def next_redo(store: Store) -> journal.EntryHead:
    """Return the change ``redo`` would put back (read only), or raise UsageError (exit 2)."""
    with store.read():
        found = journal.redo_candidate(_own(store)) if journal_store.journal_ready(store.conn) else None
    if found is None:
        raise UsageError(
            "there is nothing to redo", "redo puts back what `kinship undo` took, before any other change"
        )
    return found


def redo(store: Store, expected_id: str | None = None) -> HistoryStep:
    """Put back what the last undo took; refuse (UsageError, nothing written) after any other change."""
    with _larger_cache(store), store.write():
        undo_entry = journal.redo_candidate(_own(store))
        if undo_entry is None:
            raise UsageError(
                "there is nothing to redo", "redo puts back what `kinship undo` took, before any other change"
            )
        if expected_id is not None and undo_entry.id != expected_id:
            raise UsageError("another change was made meanwhile", "run `kinship redo` again")
        notes: dict[str, list[object]] = {}
        for uid in journal_store.apply_inverse(
            store.conn, journal_store.entry_changes(store.conn, undo_entry.id), undo_entry.id, notes
        ):
            store.journal_note("r", uid)
        for section, items in notes.items():
            for item in items:
                store.journal_note(section, item)
        store.refresh_contact_days()
        words = undo_entry.words.removeprefix("undo ")
        entry_id = store.journal_record(f"redo {words}", redoes=undo_entry.id, force=True)
        return HistoryStep(undo_entry, entry_id)
