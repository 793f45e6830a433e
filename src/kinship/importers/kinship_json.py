"""kinship's own JSON export, read as a stream whatever its layout.

kinship writes one object a line, but a re-indented, minified or script-written file is just as
valid. ``iter_export`` walks the top-level object with ``json.JSONDecoder.raw_decode`` over a
sliding text buffer: each contact and interaction is decoded on its own and the buffer is cut
behind it, so memory stays bounded by the largest single record, never the file. Keys may come
in any order. Errors name the file and the line.

On top of it, ``read_head`` reads what an import plans first (the header, the contacts, the
nudge state, and how many interactions there are: one pass that also proves the whole file is
valid JSON before anything is written) and ``iter_interactions`` streams the interactions as
``models.Interaction`` values in a second pass. Both check each record's shape (types, ISO
dates, channels); the data rules (SPEC §5) are the planner's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from kinship.errors import DataError
from kinship.exportfmt import EXPORT_VERSION
from kinship.importers.records import StateRecord
from kinship.models import Channel, Contact, ContactRef, Interaction

_HINT = "export it again from kinship"
_CHUNK = 1 << 16
_LISTS = frozenset({"contacts", "interactions"})
MAX_RECORD = 1 << 20
"""No single contact or interaction is this long (a note is at most 10,000 characters); the
reader looks no further for its end."""
MAX_STATE = 64 << 20
"""The nudge state is one value (every snooze, dismissal and reminder): it may be longer."""


_SPACE = re.compile(r"[ \t\r\n\ufeff]*")


class _Reader:
    """A text buffer over a stream that can tell the line number of its position.

    Lines are counted only when an error needs one: the buffer remembers the line its first
    character is on, and counts the newlines of what it drops.
    """

    def __init__(self, handle: IO[str], label: str) -> None:
        self.handle = handle
        self.label = label
        self.text = ""
        self.pos = 0
        self.first_line = 1  # line number of text[0]
        self.eof = False
        self.decoder = json.JSONDecoder()

    @property
    def line(self) -> int:
        """Return the line number at the position."""
        return self.first_line + self.text.count("\n", 0, self.pos)

    def _more(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(size)
        except UnicodeDecodeError:
            raise DataError(f"{self.label}: line {self.line}: not UTF-8 text", _HINT) from None
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:
            self.first_line += self.text.count("\n", 0, self.pos)
            self.text = self.text[self.pos :]
            self.pos = 0
        self.text += chunk
        return True

    def error(self, what: str, line: int | None = None) -> DataError:
        return DataError(f"{self.label}: line {line or self.line}: {what}", _HINT)

    def peek(self) -> str:
        """Return the next character that is not white space ('' at the end), skipping to it."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"expected {what}, found {shown}")
        self.pos += 1

    def value(self, limit: int = MAX_RECORD, what: str = "a value") -> Any:
        """Decode one JSON value at the position, reading more of the stream as it needs (at
        most ``limit`` characters of it: a longer value is refused)."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # a value cut by the end of the buffer fails too: read on, up to ``limit``, as
                # much again as is pending each time (so the decoding stays linear)
                pending = len(self.text) - self.pos
                if pending < limit and self._more(min(max(_CHUNK, pending), limit - pending)):
                    continue
                line = self.line + self.text.count("\n", self.pos, exc.pos)
                cut = exc.pos >= len(self.text) - 16 or exc.msg.startswith("Unterminated string")
                if not self.eof and cut:
                    raise self.error(
                        f"{what}: a record longer than {limit:,} characters", self.line
                    ) from None
                raise self.error(f"not valid JSON ({exc.msg})", line) from None
            except RecursionError:
                raise self.error("JSON nested too deeply") from None
            if end == len(self.text) and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


def iter_export(handle: IO[str], label: str) -> Iterator[tuple[str, int, Any]]:
    """Yield (section, number, value) for a kinship JSON export, in file order.

    Sections: ``header`` for each scalar top-level key (number 0, value ``(key, value)``),
    ``contacts`` and ``interactions`` once as the list starts (number 0, value None) and then for
    each record (numbered from 1), ``state`` once. Unknown
    top-level keys are skipped. Raises DataError naming ``label`` and the line for a file that is
    not a JSON object or not valid JSON.
    """
    reader = _Reader(handle, label)
    if reader.peek() != "{":
        raise reader.error("not a kinship JSON export (it does not start with '{')")
    reader.expect("{", "'{'")
    if reader.peek() == "}":
        reader.expect("}", "'}'")
        return
    keys: set[str] = set()  # the top-level keys: a handful
    while True:
        key = reader.value()
        if not isinstance(key, str):
            raise reader.error("expected a key")
        if key in keys:  # json.load would keep the last one, this reader the first: refuse both
            raise reader.error(f"the key {key!r} comes twice")
        keys.add(key)
        reader.expect(":", "':'")
        if key in _LISTS:
            reader.expect("[", f"a list of {key}")
            yield key, 0, None  # the list starts (it may be empty)
            number = 0
            if reader.peek() == "]":
                reader.expect("]", "']'")
            else:
                while True:
                    number += 1
                    yield key, number, reader.value(what=f"{key[:-1]} {number}")
                    if reader.peek() == ",":
                        reader.pos += 1  # the ',' just seen
                        continue
                    reader.expect("]", f"',' or ']' after {key[:-1]} {number}")
                    break
        elif key == "state":
            yield "state", 0, reader.value(MAX_STATE, "the state")
        else:
            yield "header", 0, (key, reader.value())
        if reader.peek() == ",":
            reader.expect(",", "','")
            continue
        reader.expect("}", "',' or '}'")
        break
    if reader.peek() != "":
        raise reader.error("text after the end of the export")


# ---- records ---------------------------------------------------------------------------------

_CHANNELS = {channel.value: channel for channel in Channel}
_OPTIONAL = (
    ("minutes", int),
    ("note", str),
    ("feel", int),
    ("group", str),
    ("source", str),
    ("messages", int),
)
_STATE_KINDS = (("snoozes", "snooze"), ("dismissals", "dismiss"), ("reminders", "remind"))


@dataclass(frozen=True)
class ExportHead:
    """What an import of a kinship JSON export plans before its interactions stream."""

    contacts: tuple[Contact, ...]
    state: tuple[StateRecord, ...] | None
    """None: the state comes after the interactions, read as they stream."""
    interactions: int | None
    """How many interactions the file holds; None: not counted (they stream once)."""


def interaction_uid(value: str) -> bytes:
    """Return the stored 16-byte id of an exported interaction id (32 hex digits, else a hash)."""
    text = value if len(value) == 32 else value.strip()
    if len(text) == 32:
        try:
            uid = bytes.fromhex(text)  # either case of hex digits
        except ValueError:
            pass
        else:
            if len(uid) == 16:  # not "ab cd …" (spaces between the digits)
                return uid
    # a lone surrogate (JSON "\\ud800") hashes too: the planner then refuses the record
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()[:16]


def _wrong(label: str, what: str) -> DataError:
    return DataError(f"{label}: {what}", _HINT)


def _instant(value: Any, label: str, what: str) -> dt.datetime:
    if type(value) is not str:
        raise _wrong(label, f"{what} must be an ISO 8601 date-time")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _wrong(label, f"{what} {value!r} is not an ISO 8601 date-time") from None
    return parsed  # one without a UTC offset is refused by the planner (SPEC §5), never taken as UTC


def _day(value: Any, label: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _wrong(label, f"{what} {value!r} is not an ISO date") from None


def _strings(raw: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if type(value) is not list or not all(type(item) is str for item in value):
        raise _wrong(label, f"{key!r} must be a list of strings")
    return tuple(value)


def _optional(raw: dict[str, Any], key: str, kind: type, label: str) -> Any:
    value = raw.get(key)
    if value is not None and type(value) is not kind:  # ``type is``: a bool is no count
        raise _wrong(label, f"{key!r} has the wrong type")
    return value


def contact_from_json(raw: Any, label: str) -> Contact:
    """Return one exported contact object as a ``Contact`` (DataError naming ``label`` if malformed)."""
    if type(raw) is not dict or type(raw.get("id")) is not str or type(raw.get("name")) is not str:
        raise _wrong(label, "a contact needs an id and a name")
    created = raw.get("created")
    return Contact(
        id=raw["id"],
        name=raw["name"],
        circle=_optional(raw, "circle", str, label),
        aliases=_strings(raw, "aliases", label),
        tags=_strings(raw, "tags", label),
        emails=_strings(raw, "emails", label),
        phones=_strings(raw, "phones", label),
        birthday=_optional(raw, "birthday", str, label),
        every_days=_optional(raw, "every_days", int, label),
        note=_optional(raw, "note", str, label),
        archived=_optional(raw, "archived", bool, label) or False,
        created=None if created is None else _instant(created, label, "created"),
        source_ids=_strings(raw, "source_ids", label),
        see_every_days=_optional(raw, "see_every_days", int, label),
    )


def interaction_from_json(raw: Any, label: str) -> Interaction:
    """Return one exported interaction object as an ``Interaction`` (DataError if malformed)."""
    if type(raw) is not dict or type(raw.get("id")) is not str:
        raise _wrong(label, "an interaction needs an id")
    get = raw.get
    when = _instant(get("when"), label, "when")
    day = get("day")
    channel = _CHANNELS.get(get("channel"))  # type: ignore[arg-type]
    if channel is None:
        raise _wrong(label, f"unknown channel {get('channel')!r}")
    people_raw = get("people") or []
    people: list[ContactRef] = []
    if type(people_raw) is not list:
        raise _wrong(label, "'people' must be a list of {id, name}")
    for person in people_raw:
        if type(person) is not dict or type(person.get("id")) is not str:
            raise _wrong(label, "'people' must be a list of {id, name}")
        people.append(ContactRef(person["id"], str(person.get("name", ""))))
    created = get("created")
    minutes, note, feel = get("minutes"), get("note"), get("feel")
    group, source, messages = get("group"), get("source"), get("messages")
    if not (  # one test for the usual record; the key at fault is found only for a bad one
        (minutes is None or type(minutes) is int)
        and (note is None or type(note) is str)
        and (feel is None or type(feel) is int)
        and (group is None or type(group) is str)
        and (source is None or type(source) is str)
        and (messages is None or type(messages) is int)
    ):
        for key, kind in _OPTIONAL:
            _optional(raw, key, kind, label)
    return Interaction(
        id=raw["id"],
        when=when,
        day=when.date() if day is None else _day(day, label, "day"),
        channel=channel,
        people=tuple(people),
        minutes=minutes,
        note=note,
        feel=feel,
        group=group,
        source=source,
        messages=messages,
        created=None if created is None else _instant(created, label, "created"),
    )


def state_from_json(raw: Any, label: str) -> tuple[StateRecord, ...]:
    """Return the snoozes, dismissals and reminders of an export's ``state`` object."""
    if raw is None:
        return ()
    if type(raw) is not dict:
        raise _wrong(label, "'state' must be an object")
    records: list[StateRecord] = []
    for plural, kind in _STATE_KINDS:
        items = raw.get(plural) or []
        if type(items) is not list:
            raise _wrong(label, f"state {plural!r} must be a list")
        for number, item in enumerate(items, start=1):
            where = f"{label}: state {plural[:-1] if plural != 'dismissals' else 'dismissal'} {number}"
            if type(item) is not dict or type(item.get("id")) is not str:
                raise _wrong(where, "needs an id")
            until = item.get("until")
            records.append(
                StateRecord(
                    id=item["id"],
                    kind=kind,
                    key=_optional(item, "key", str, where),
                    contact_id=_optional(item, "contact_id", str, where) or None,
                    made_at=_instant(item.get("made_at"), where, "made_at"),
                    made_day=_day(item.get("made_day"), where, "made_day"),
                    until=None if until is None else _day(until, where, "until"),
                )
            )
    return tuple(records)


def read_head(handle: IO[str], label: str) -> ExportHead:
    """Read an export's header and contacts (and, when they come before the interactions, its
    state, counting the interactions).

    When the header and the contacts come before the interactions (kinship's own layout, and
    what ``json.dump`` of it gives in any indentation) the read stops at the interactions: they
    and the state are read once, as they stream (``InteractionStream``), and ``state`` and
    ``interactions`` are None. Otherwise the whole file is read here. Raises DataError for a
    file that is not a kinship JSON export of a version this kinship reads, is not valid JSON
    in the part read, or holds a malformed contact or state object.
    """
    contacts: list[Contact] = []
    state: Any = None
    count = 0
    header: dict[str, Any] = {}
    contacts_seen = whole = False
    for section, number, value in iter_export(handle, label):
        if section == "interactions":
            if number == 0 and contacts_seen and "kinship_export" in header:
                break  # the rest streams once, in the import itself
            count += number > 0
        elif section == "contacts":
            contacts_seen = True
            if number:
                contacts.append(contact_from_json(value, f"{label}: contact {number}"))
        elif section == "header":
            header[value[0]] = value[1]
        else:
            state = value
    else:
        whole = True
    version = header.get("kinship_export")
    if version is None:
        raise DataError(f"{label}: not a kinship JSON export (no kinship_export key)", "pass --format")
    if type(version) is not int:
        raise DataError(
            f"{label}: not a kinship JSON export (kinship_export is {json.dumps(version)[:20]}, not a version number)",
            _HINT,
        )
    if version != EXPORT_VERSION:
        raise DataError(
            f"{label}: export version {version} is not one this kinship reads",
            "upgrade kinship (pip install -U kinship-cli)",
        )
    if not whole:
        return ExportHead(tuple(contacts), None, None)
    return ExportHead(tuple(contacts), state_from_json(state, label), count)


class InteractionStream:
    """The interactions of an export, decoded one at a time; its state once they have passed."""

    def __init__(self, handle: IO[str], label: str) -> None:
        self.handle = handle
        self.label = label
        self.state: tuple[StateRecord, ...] = ()

    def __iter__(self) -> Iterator[tuple[int, Interaction]]:
        """Yield (number, interaction) in file order; read the state on the way."""
        label = self.label
        for section, number, value in iter_export(self.handle, label):
            if section == "interactions":
                if number:
                    yield number, interaction_from_json(value, f"{label}: interaction {number}")
            elif section == "state":
                self.state = state_from_json(value, label)
