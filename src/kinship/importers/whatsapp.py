"""WhatsApp chat exports (``.txt``) to one ``InteractionRecord`` per person per local day.

Reads Android lines (``12/31/20, 23:59 - Name: text``) and iOS lines (``[31.12.20, 23:59:59]
Name: text``) in any of the usual locales: 2- or 4-digit years, 12- or 24-hour clocks, seconds,
``AM``/``a. m.`` with ordinary, no-break or narrow no-break spaces, and the invisible direction
marks iOS puts before attachments. Lines without a timestamp continue the previous message.

It streams: lines are consumed one at a time and only counts per (day, sender) are kept, so a
chat of millions of lines needs memory in proportion to its days, not its lines. Whether dates
are day-first is only known at the end: a first field above 12 means day-first, a second field
above 12 month-first; a file where every date fits both reads the way its dates run forward
(fewer backward steps), and a tie is read day-first (most locales are).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kinship.dates import fold_text
from kinship.errors import DataError, UsageError
from kinship.importers._chat import DayTally, chat_records
from kinship.importers.records import (
    InteractionRecord,
    LeftOut,
    Participant,
    looks_like_phone,
    person_key,
    stable_hash,
    wall_to_local,
)

_HINT = "export the chat again from WhatsApp (Export chat, without media), or pass --format"
_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"
_AMPM = r"[AaPp]\.?\s?[Mm]\.?"
LINE_RE = re.compile(
    rf"^(?:\[(?P<d1>{_DATE})[,.]?\s+(?P<t1>{_TIME})(?:\s*(?P<a1>{_AMPM}))?\]\s?"
    rf"|(?P<d2>{_DATE})[,.]?\s+(?P<t2>{_TIME})(?:\s*(?P<a2>{_AMPM}))?\s+[-\u2013]\s)"
    r"(?P<rest>.*)$"
)
"""One message or system line; also used by format detection."""

_INVISIBLE = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)
_SPACES = {ord("\u202f"): " ", ord("\u00a0"): " ", ord("\u2009"): " "}
_CALL_RE = re.compile(
    r"^(?:(?P<missed>missed\s+)?(?:group\s+)?(?P<kind>voice|video)\s+call\b"
    # the same lines in other locales: German, Spanish, French, Portuguese, Italian, Dutch
    r"|(?P<missed_de>verpasster\s+)?(?P<kind_de>sprach|video)anruf(?P<missed_de2>\s+verpasst)?\b"
    r"|(?P<kind_es>llamada\s+de\s+voz|videollamada)(?P<missed_es>\s+perdida)?\b"
    r"|(?P<kind_es2>llamada)(?P<missed_es2>\s+perdida)\b"
    r"|(?P<kind_fr>appel\s+vocal|appel\s+vid[ée]o)(?P<missed_fr>\s+manqu[ée])?\b"
    r"|(?P<kind_pt>chamada\s+de\s+voz|chamada\s+de\s+v[íi]deo)(?P<missed_pt>\s+perdida)?\b"
    r"|(?P<kind_it>chiamata\s+vocale|videochiamata)(?P<missed_it>\s+persa)?\b"
    r"|(?P<missed_nl>gemiste\s+)?(?P<kind_nl>spraak|video)oproep\b)",
    re.IGNORECASE,
)


def _call_kind(call: re.Match[str]) -> tuple[bool, bool]:
    """Return (missed, video) for a matched call line in any of the known locales."""
    groups = call.groupdict()
    missed = any(value for name, value in groups.items() if name.startswith("missed"))
    kind = next(value for name, value in groups.items() if name.startswith("kind") and value)
    return missed, "vid" in kind.lower().replace("\u00ed", "i")  # "vídeo" in Portuguese


_DURATION_RE = re.compile(
    r"(\d+)\s*(hr|hrs|hours?|h|std|stunden?|min|mins|minutes?|minuten?|sec|secs|seconds?|sek|s)\b",
    re.IGNORECASE,
)
_GROUP_WORDS = re.compile(
    r"\bgroup\b|\bwere added\b|\badded\b|\bremoved\b|\bleft\b|\bjoined\b|changed the subject",
    re.IGNORECASE,
)
_TITLE_RE = re.compile(
    r"(?:created group|changed the subject (?:from \".*?\" )?to|changed (?:this|the) group's name to"
    r"|changed the group name to)\s+\"(?P<title>[^\"]+)\"",
    re.IGNORECASE,
)


@dataclass
class _Tally:
    """Counts of one sender on one day."""

    first_time: tuple[int, int, int]
    first_line: int
    messages: int = 0
    calls: int = 0
    call_minutes: int = 0
    videos: int = 0
    video_minutes: int = 0


def clean_line(line: str) -> str:
    """Return a chat line without direction marks, with odd spaces made plain."""
    return line.translate(_INVISIBLE).translate(_SPACES).rstrip("\r\n")


def _time(text: str, ampm: str | None, number: int, label: str) -> tuple[int, int, int]:
    parts = [int(part) for part in re.split(r"[:.]", text)]
    hour, minute, second = parts[0], parts[1], parts[2] if len(parts) > 2 else 0
    if ampm:
        if hour > 12:
            raise DataError(f"{label}: line {number}: hour {hour} with AM/PM", _HINT)
        hour = hour % 12 + (12 if ampm.strip().lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DataError(f"{label}: line {number}: no such time {text}", _HINT)
    return hour, minute, second


def _call_minutes(body: str) -> int:
    total = 0.0
    for amount, unit in _DURATION_RE.findall(body):
        unit = unit.lower()
        if unit.startswith(("h", "std", "stunde")):
            total += int(amount) * 60
        elif unit.startswith("m"):
            total += int(amount)
        else:
            total += int(amount) / 60
    return round(total)


class _ChatReader:
    """Consumes lines and keeps only per-day, per-sender tallies."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tallies: dict[tuple[tuple[int, int, int], str], _Tally] = {}
        self.names: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        """Sender as written -> folded key; as small as the number of senders."""
        self.group_hint = False
        self.title: str | None = None
        self.first_over_12 = False
        self.second_over_12 = False
        self.mixed_line: int | None = None
        self.year_first = False
        self.backward_day_first = 0
        self.backward_month_first = 0
        self.last_fields: tuple[int, int, int] | None = None
        self.seen_message_line = False
        self.missed_calls = 0

    def _fields(self, text: str, number: int) -> tuple[int, int, int]:
        raw = re.split(r"[./-]", text)
        values = (int(raw[0]), int(raw[1]), int(raw[2]))
        if len(raw[0]) == 4:
            self.year_first = True
            return values[1], values[2], values[0]  # (month, day, year) read as month-first below
        if values[0] > 12:
            self.first_over_12 = True
        if values[1] > 12:
            self.second_over_12 = True
        if self.first_over_12 and self.second_over_12 and self.mixed_line is None:
            self.mixed_line = number  # the line that made the order impossible
        if self.last_fields is not None and values != self.last_fields:
            a, b, year = values
            la, lb, lyear = self.last_fields
            if (year, b, a) < (lyear, lb, la):
                self.backward_day_first += 1
            if (year, a, b) < (lyear, la, lb):
                self.backward_month_first += 1
        self.last_fields = values
        return values

    def feed(self, number: int, line: str) -> None:
        text = clean_line(line)
        match = LINE_RE.match(text)
        if match is None:
            if not self.seen_message_line and text.strip():
                raise DataError(f"{self.label}: line {number}: not a WhatsApp chat line", _HINT)
            return  # a continuation of the previous message
        self.seen_message_line = True
        fields = self._fields(match["d1"] or match["d2"], number)
        clock = _time(match["t1"] or match["t2"], match["a1"] or match["a2"], number, self.label)
        rest = match["rest"]
        name, colon, body = rest.partition(":")
        name = name.strip()
        if not colon or not name or '"' in name:
            self._system(rest)
            return
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = fold_text(name) or name
            self.names.setdefault(key, name)
        call = _CALL_RE.match(body.strip())
        missed, video = _call_kind(call) if call is not None else (False, False)
        if missed:
            self.missed_calls += 1
            return  # a missed call is an attempt, not contact: it must not reset a fading tie
        tally = self.tallies.get((fields, key))
        if tally is None:
            tally = self.tallies[(fields, key)] = _Tally(first_time=clock, first_line=number)
        if call is None:
            tally.messages += 1
        elif video:
            tally.videos += 1
            tally.video_minutes += _call_minutes(body[call.end() :])
        else:
            tally.calls += 1
            tally.call_minutes += _call_minutes(body[call.end() :])

    def _system(self, text: str) -> None:
        if _GROUP_WORDS.search(text):
            self.group_hint = True
        if self.title is None:
            found = _TITLE_RE.search(text)
            if found:
                self.title = found["title"].strip()

    def day_first(self) -> bool:
        if self.first_over_12 and self.second_over_12:
            raise DataError(
                f"{self.label}: line {self.mixed_line or 1}: the dates mix day-first and month-first orders",
                _HINT,
            )
        if self.first_over_12:
            return True
        if self.second_over_12:
            return False
        return self.backward_day_first <= self.backward_month_first


def _date(fields: tuple[int, int, int], day_first: bool, year_first: bool) -> dt.date:
    a, b, year = fields
    if year < 100:
        year += 2000
    if year_first:
        return dt.date(year, a, b)
    return dt.date(year, b, a) if day_first else dt.date(year, a, b)


def _lines(lines: Iterable[str | bytes], label: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{label}: line {number}: not UTF-8 text", _HINT) from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        yield number, line


def parse_whatsapp(
    lines: Iterable[str | bytes],
    *,
    zone: dt.tzinfo,
    me: str | None,
    label: str,
    now: dt.datetime | None = None,
    left_out: LeftOut | None = None,
) -> list[InteractionRecord]:
    """Return one record per person (not ``me``) per local day and channel, ordered by day.

    A one-to-one chat gives its partner a ``message`` record for every day with messages, with
    the day's message count from both sides; a group chat gives each other sender a record for
    the days they wrote, with their own count. Voice calls give ``call`` records, video calls
    ``video`` ones, with minutes when the export says. Raises DataError naming ``label`` and the
    line for a file that is not a WhatsApp export, and UsageError when ``me`` is needed but not
    given (or names no sender of a two-person chat). Lines dated after ``now`` and a chat with
    only the owner's messages are left out and counted in ``left_out``.
    """
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    reader = _ChatReader(label)
    for number, line in _lines(lines, label):
        reader.feed(number, line)
    if not reader.seen_message_line:
        raise DataError(f"{label}: line 1: no WhatsApp messages in this file", _HINT)
    counts["missed_calls"] += reader.missed_calls
    if not reader.names:
        return []
    owner = fold_text(me) if me else None
    senders = set(reader.names)
    if owner is None:
        raise UsageError(
            f"{label}: cannot tell which sender in this chat is you",
            "pass --me 'Your Name' as WhatsApp shows it (or set me in the config)",
        )
    if not reader.group_hint and owner not in senders and len(senders) == 2:
        raise UsageError(
            f"{label}: neither sender is {me!r}", "pass --me with your name as WhatsApp shows it"
        )
    group = reader.group_hint or len(senders | {owner}) > 2
    others = sorted(senders - {owner})
    if not others:
        counts["owner_only"] += len({fields for fields, _ in reader.tallies})
        return []
    if group:
        chat_id = "group-" + (person_key(reader.title) if reader.title else stable_hash(*others))
    else:
        chat_id = person_key(reader.names[others[0]])
    day_first = reader.day_first()
    return _records(reader, chat_id, group, owner, zone, day_first, now, counts)


def _records(
    reader: _ChatReader,
    chat_id: str,
    group: bool,
    owner: str,
    zone: dt.tzinfo,
    day_first: bool,
    now: dt.datetime | None,
    left_out: LeftOut,
) -> list[InteractionRecord]:
    tallies: dict[tuple[dt.date, str], DayTally] = {}
    for (fields, sender), raw in reader.tallies.items():
        try:
            day = _date(fields, day_first, reader.year_first)
        except ValueError:
            raise DataError(f"{reader.label}: line {raw.first_line}: no such date", _HINT) from None
        hour, minute, second = raw.first_time
        when = wall_to_local(dt.datetime.combine(day, dt.time(hour, minute, second)), zone)
        if now is not None and when > now:
            left_out["after_now"] += raw.messages + raw.calls + raw.videos
            continue
        tally = DayTally(when, raw.messages, raw.calls, raw.call_minutes, raw.videos, raw.video_minutes)
        if (day, sender) in tallies:  # two spellings of one date, e.g. 1/2/20 and 01/02/2020
            tallies[(day, sender)].add(tally)
        else:
            tallies[(day, sender)] = tally
    people = {key: _participant(name) for key, name in reader.names.items()}
    partner = None if group else sorted(set(reader.names) - {owner})[0]
    return chat_records(
        prefix=f"whatsapp:{chat_id}",
        group=group,
        partner=partner,
        owner_keys=frozenset({owner}),
        tallies=tallies,
        people=people,
        person_ids={key: person_key(name) for key, name in reader.names.items()},
    )


def _participant(name: str) -> Participant:
    if looks_like_phone(name):
        return Participant(phone=name.strip(), source_id=f"whatsapp:name:{person_key(name)}")
    return Participant(name=name, source_id=f"whatsapp:name:{person_key(name)}")
