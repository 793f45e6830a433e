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
    from typing import Any, NoReturn

ID_LENGTH = 32
LATEST_MS = 0xFFFFFFFFFFFF - 400 * 86400 * 1000
"""Later than any entry time a clock can give (12 hex digits of milliseconds, with room)."""
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


FORMAT_MARK = b"J1"
"""The first bytes of an entry's changes as stored since JSON: ``J1`` and zlib'd compact JSON.

Entries recorded before (kinship's first journal) hold a zlib'd Python literal; they are still
read (``decode_changes``), under the same bounds, and pruned in time like any entry."""
MAX_DECODED = 64 * 1024 * 1024
"""The most bytes one entry's changes may take once decompressed (a larger one is damaged)."""


class DamagedEntry(ValueError):
    """An entry's stored changes cannot be read: damaged, too large or too deeply nested."""


def _json_text(value: Any, out: list[str]) -> None:
    """Append ``value`` as compact JSON (only None, bool, int, str, list and dict occur).

    Written here rather than with ``json.dumps``: ``import json`` imports ``re`` and costs
    more than the whole start-up budget of ``kinship log`` leaves; ``_json`` is built in.
    """
    from _json import encode_basestring

    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _json_text(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"a journal key must be text, not {type(key).__name__}")
            if index:
                out.append(",")
            out.append(encode_basestring(key))
            out.append(":")
            _json_text(item, out)
        out.append("}")
    else:
        raise TypeError(f"a journal entry cannot hold {type(value).__name__}")


def _no_default(value: Any) -> Any:
    raise TypeError(f"a journal entry cannot hold {type(value).__name__}")


def _compact_json(changes: dict[str, Any]) -> str:
    """Return ``changes`` as compact JSON: by ``_json``'s C encoder when this Python has the
    one ``json`` itself uses (a forget of 100,000 interactions in milliseconds), else in Python."""
    try:
        from _json import encode_basestring, make_encoder

        encoder = make_encoder(None, _no_default, encode_basestring, None, ":", ",", False, False, False)
        return "".join(encoder(changes, 0))
    except (ImportError, TypeError):
        out: list[str] = []
        _json_text(changes, out)
        return "".join(out)


def encode_changes(changes: dict[str, Any]) -> bytes:
    """Return the changes of an entry as stored: ``J1`` then zlib'd compact JSON."""
    return FORMAT_MARK + zlib.compress(_compact_json(changes).encode("utf-8", "surrogatepass"), 6)


def _inflate(data: bytes) -> bytes:
    """Decompress at most MAX_DECODED bytes; anything else is DamagedEntry."""
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(data, MAX_DECODED)
        if inflater.unconsumed_tail:
            raise DamagedEntry("larger than an entry can be")
        if not inflater.eof:
            raise DamagedEntry("cut short")
    except zlib.error as exc:
        raise DamagedEntry("not compressed data") from exc
    return text


def decode_changes(blob: bytes | None) -> dict[str, Any]:
    """Return the changes of an entry from their stored form (an empty dict for none).

    A damaged, oversized or over-nested blob is DamagedEntry, never a RecursionError or a
    MemoryError: decompression stops at MAX_DECODED, and both parsers bound their own
    nesting (``json``'s C scanner by the recursion limit, ``ast`` by its 200-level parser
    limit). What it holds is checked for shape by ``check_changes``.
    """
    if not blob:
        return {}
    blob = bytes(blob)
    legacy = not blob.startswith(FORMAT_MARK)
    text = _inflate(blob if legacy else blob[len(FORMAT_MARK) :])
    try:
        if legacy:  # a Python literal of plain values (the first journal's format)
            import ast

            value = ast.literal_eval(text.decode("utf-8"))
        else:
            import json

            value = json.loads(text)
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError) as exc:
        raise DamagedEntry("not readable") from exc
    if not isinstance(value, dict):
        raise DamagedEntry("not a record of changes")
    changes: dict[str, Any] = value
    check_changes(changes)
    return changes


def check_changes(changes: dict[str, Any]) -> None:
    """Raise DamagedEntry unless ``changes`` has the shape ``journal_store`` records."""

    def fail(where: str) -> NoReturn:
        raise DamagedEntry(f"{where} has the wrong shape")

    def section(name: str, parts: tuple[str, ...]) -> dict[str, Any]:
        value = changes.get(name, {})
        if not isinstance(value, dict) or any(not isinstance(value.get(part, []), list) for part in parts):
            fail(name)
        return value

    def texts(value: Any, where: str) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(where)

    def pairs(value: Any, where: str) -> None:  # [[uid, {column: old value}], ...]
        for item in value:
            if not (
                isinstance(item, list)
                and len(item) == 2
                and isinstance(item[0], str)
                and isinstance(item[1], dict)
            ):
                fail(where)

    contacts = section("c", ("new", "upd", "del"))
    texts(contacts.get("new", []), "c.new")
    pairs(contacts.get("upd", []), "c.upd")
    for item in contacts.get("del", []):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], dict)):
            fail("c.del")
        if not isinstance(item[0].get("uid"), str) or not isinstance(item[1], list):
            fail("c.del")
        for value_row in item[1]:
            if not (isinstance(value_row, list) and len(value_row) == 3):
                fail("c.del")
    values = section("v", ("add", "rem"))
    for item in [*values.get("add", []), *values.get("rem", [])]:
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(x, str) for x in item[:3])):
            fail("v")
    interactions = section("i", ("new", "renew", "upd", "del"))
    for item in interactions.get("new", []):
        if not (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
            and item[0] <= item[1]
        ):
            fail("i.new")
    texts(interactions.get("renew", []), "i.renew")
    pairs(interactions.get("upd", []), "i.upd")
    for item in interactions.get("del", []):
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], dict)
            and isinstance(item[0].get("uid"), str)
        ):
            fail("i.del")
        texts(item[1], "i.del")
    state = section("n", ("new", "upd", "del"))
    texts(state.get("new", []), "n.new")
    pairs(state.get("upd", []), "n.upd")
    for item in state.get("del", []):
        if not (isinstance(item, dict) and isinstance(item.get("uid"), str)):
            fail("n.del")
    texts(changes.get("r", []), "r")
    for name in ("a", "rr"):  # id ranges moved to the attic, or brought back from it
        for item in changes.get(name, []):
            if not (
                isinstance(item, list)
                and len(item) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in item)
            ):
                fail(name)
    for item in changes.get("m", []):
        if not (isinstance(item, list) and len(item) == 4 and all(isinstance(x, str) for x in item)):
            fail("m")


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
