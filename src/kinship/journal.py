"""The change journal's pure rules: entry ids, the encoding of changes, undo and redo, merging.

An entry is one changing command: a time-ordered id, the device that made it, when, the command
in words, and what it changed row by row by stable id (the encoding is ``changes``, below).
Nothing here touches SQLite; ``journal_store`` captures and applies, ``sync`` carries entries.

Entry ids are ``<ms since 1970, 12 hex><device id, 16 hex><counter, 4 hex>``: sorting the text
sorts by entry time, then device id, then order on that device. A new id is always greater than
every id the database has seen (a Lamport clock), so a change made after receiving another one
wins over it even when the two machines' clocks disagree.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from kinship.lean import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Any

ID_LENGTH = 32
KEEP_ENTRIES = 1000
KEEP_DAYS = 90


class EntryHead(NamedTuple):
    """What undo, redo and the listings need of one entry (not its changes)."""

    id: str
    device: str
    at: int
    words: str
    undoes: str | None = None
    redoes: str | None = None


def split_id(entry_id: str) -> tuple[int, str, int]:
    """Return (milliseconds, device id, counter) of an entry id."""
    return int(entry_id[:12], 16), entry_id[12:28], int(entry_id[28:32], 16)


def new_entry_id(now_ms: int, device: str, newest: str | None) -> str:
    """Return an id for a new entry of ``device``: after ``newest`` (the greatest id seen), at ``now_ms``."""
    ms, counter = max(now_ms, 0), 0
    if newest is not None:
        last_ms, last_device, last_counter = split_id(newest)
        if ms < last_ms or (ms == last_ms and device < last_device):
            ms = last_ms
        if ms == last_ms:
            if device == last_device:
                counter = last_counter + 1
            elif device < last_device:
                ms += 1
        if counter > 0xFFFF:
            ms, counter = ms + 1, 0
    return f"{ms:012x}{device}{counter:04x}"


def encode_changes(changes: dict[str, Any]) -> bytes:
    """Return the changes of an entry as stored: a compressed Python literal of plain values.

    ``repr`` rather than JSON keeps ``import json`` off the start-up path of ``kinship log``;
    only strings, integers, None, lists and dicts occur, and ``decode_changes`` reads them back
    with ``ast.literal_eval`` (which evaluates nothing else).
    """
    return zlib.compress(repr(changes).encode(), 6)


def decode_changes(blob: bytes | None) -> dict[str, Any]:
    """Return the changes of an entry from their stored form (an empty dict for none)."""
    if not blob:
        return {}
    import ast

    value = ast.literal_eval(zlib.decompress(blob).decode())
    return value if isinstance(value, dict) else {}


def is_empty(changes: dict[str, Any]) -> bool:
    """Return True when an encoding of changes changes nothing."""
    return not any(
        items
        for section in changes.values()
        for items in (section.values() if isinstance(section, dict) else [section])
    )


# ---- undo and redo ----------------------------------------------------------------------------


def undo_candidates(own_newest_first: Iterable[EntryHead]) -> list[EntryHead]:
    """Return the changes ``undo`` would take back, newest first (undos are never undone).

    ``own_newest_first`` holds this device's entries, newest first. An entry is taken back once
    an undo names it, unless a redo later reversed that undo.
    """
    taken_back: set[str] = set()
    reversed_undos: set[str] = set()
    found: list[EntryHead] = []
    for entry in own_newest_first:
        if entry.undoes is not None:
            if entry.id not in reversed_undos:
                taken_back.add(entry.undoes)
            continue
        if entry.redoes is not None:
            reversed_undos.add(entry.redoes)
        if entry.id not in taken_back:
            found.append(entry)
    return found


def redo_candidate(own_newest_first: Iterable[EntryHead]) -> EntryHead | None:
    """Return the undo entry ``redo`` would reverse, or None once another change came after it.

    Walking back from the newest entry, only undos and redos may stand before it: the first
    undo not yet reversed is the one; any other change first means there is nothing to redo.
    """
    reversed_undos: set[str] = set()
    for entry in own_newest_first:
        if entry.redoes is not None:
            reversed_undos.add(entry.redoes)
            continue
        if entry.undoes is not None:
            if entry.id in reversed_undos:
                continue
            return entry
        return None
    return None


# ---- merging ----------------------------------------------------------------------------------


def wins(version: str, stored: str | None) -> bool:
    """Return True when a change made by entry ``version`` beats the field's ``stored`` version."""
    return stored is None or version > stored


def keeper(first: tuple[int, str], second: tuple[int, str]) -> int:
    """Return 0 or 1: which of two same-name contacts (created, uid) a merge keeps (the older)."""
    return 0 if first <= second else 1


def count_new_interactions(ranges: Sequence[Sequence[int]]) -> int:
    """Return how many row ids the (low, high) ranges hold."""
    return sum(high - low + 1 for low, high in ranges)
