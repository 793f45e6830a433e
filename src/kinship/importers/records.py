"""Plain frozen values every import parser returns, and the helpers they share.

A parser turns one file into ``ContactRecord`` and ``InteractionRecord`` values; the planner
(``importers.plan``) matches them against the existing contacts. Nothing here keeps a message
body; an event title rides along only so the planner can look for contact names in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from kinship.dates import fold_text
from kinship.models import Channel

RecordKind = Literal["calendar", "chat"]

LeftOut = Counter[str]
"""What a parser read but did not turn into records, counted by reason (``LEFT_OUT`` keys)."""

LEFT_OUT: dict[str, str] = {
    "owner_only": "days with messages from you only",
    "after_now": "events or messages after now",
    "system_addresses": "calendar system addresses (group, resource and room calendars, noreply, lists)",
    "recurrences_cut": "recurring events cut at today",
    "declined": "attendees who declined",
    "cancelled": "cancelled events or occurrences",
    "durations_clamped": "durations over 24 hours, counted as 24 hours",
    "fax_numbers": "fax numbers",
    "not_phones": "phone fields that hold no number",
    "rows_without_name": "rows with no name, email or phone",
    "skipped_chats": "chats that are not conversations (channels, bots, saved messages)",
    "missed_calls": "missed calls (an attempt, not contact)",
    "not_sent": "drafts, outbox and failed messages",
    "already_imported": "already imported",
    "hand_logged": "people already logged that day (by hand or from another chat)",
    "unknown_participants": "people who are not contacts (pass --new to add them)",
    "nobody_known": "events or chats with nobody who is a contact",
}
"""Reason keys (stable, in ``import --json``) and their wording in the summary."""

MAX_MINUTES = 1440
"""One interaction lasts at most a day (SPEC §5); longer durations are clamped and counted."""


@dataclass(frozen=True)
class ContactRecord:
    """One person read from a contacts file (vCard, Google CSV)."""

    source_id: str
    """Stable across exports of the same card: ``vcard:<UID>`` or ``vcard:sha1:<hex>``."""
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    birthday: str | None = None
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown."""
    note: str | None = None
    aliases: tuple[str, ...] = ()
    """Nicknames (and, for vCard 4, the name in other languages)."""
    added: dt.date | None = None
    """The day the person was added, when the file says (LinkedIn's "Connected On")."""


@dataclass(frozen=True)
class Participant:
    """Someone an interaction was with, as the file names them (never the owner)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    source_id: str | None = None
    """Stable id of this person in the source (``telegram:user42``, ``whatsapp:name:ana``), if any."""


@dataclass(frozen=True)
class InteractionRecord:
    """One interaction read from a calendar or a chat export.

    Chats give one record per participant per local day and channel; a calendar gives one record
    per occurrence with all its attendees.
    """

    source_id: str
    """Stable across re-imports: ``ics:<UID>:<occurrence>``, ``whatsapp:<chat>:<day>:<person>``…"""
    when: dt.datetime
    """Aware, with the local UTC offset in force then."""
    day: dt.date
    """The local calendar day."""
    channel: Channel
    participants: tuple[Participant, ...]
    kind: RecordKind
    """``calendar`` (only known attendees count unless --new) or ``chat``."""
    messages: int | None = None
    minutes: int | None = None
    group_chat: bool = False
    title: str | None = None
    """The event title, only for matching contact names in it; never to be stored."""


def stable_hash(*parts: str) -> str:
    """Return a short hex digest of ``parts``, folded, for source ids of things without an id."""
    joined = "\x1f".join(fold_text(part) for part in parts)
    return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def person_key(name: str) -> str:
    """Return a compact folded form of a name for use inside source ids."""
    return "-".join(fold_text(name).split())


def wall_to_local(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Attach ``zone`` to a naive wall time; a time skipped by DST moves forward, never fails."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(dt.UTC).astimezone(zone)


def decode_text(data: bytes, label: str) -> str:
    """Return ``data`` as text: UTF-8 (a BOM is dropped), else Windows-1252, as exports are."""
    from kinship.errors import DataError

    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise DataError(f"{label}: line 1: not valid UTF-16 text", "save it as UTF-8") from exc
        raise DataError(
            f"{label}: line 1: binary data, not a text export", "check the file, or pass --format"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_birthday_value(text: str) -> str | None:
    """Return a birthday as ``YYYY-MM-DD`` or ``--MM-DD`` from the forms exports use, else None.

    Accepts ``1990-11-06``, ``19901106``, ``--11-06``, ``--1106``, ``1990-11-06T00:00:00Z``;
    Apple's placeholder year 1604 means the year is unknown.
    """
    import re

    raw = text.strip()
    match = re.match(r"^--(\d{2})-?(\d{2})(?:$|T)", raw)
    year: int | None = None
    if match:
        month, day = int(match[1]), int(match[2])
    else:
        match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T ])", raw)
        if not match:
            return None
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        if year in (1604, 0):
            year = None
    try:
        dt.date(year or 2000, month, day)
    except ValueError:
        return None
    return f"--{month:02d}-{day:02d}" if year is None else f"{year:04d}-{month:02d}-{day:02d}"


MIN_PHONE_DIGITS = 3
"""A phone has at least this many digits (SPEC §5); a label such as ``MobilePhone`` has none."""


def clean_phone(value: str) -> str | None:
    """Return a phone value as a person would write it, or None when it is not a number.

    A ``tel:`` URI loses its scheme and its parameters (``;ext=102``, ``;phone-context=…``);
    a value with fewer than three digits (Outlook's ``BusinessPhone`` label) is no phone.
    """
    text = value.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].split(";", 1)[0]
    text = " ".join(text.split())
    if sum(char.isdigit() for char in text) < MIN_PHONE_DIGITS:
        return None
    return text


def looks_like_phone(text: str) -> bool:
    """Return True when a chat sender "name" is really a phone number (an unsaved contact)."""
    stripped = text.strip()
    return (
        bool(stripped)
        and all(char.isdigit() or char in "+-() ." for char in stripped)
        and (sum(char.isdigit() for char in stripped) >= 6)
    )


@dataclass(frozen=True)
class StateRecord:
    """A snooze, dismissal or reminder from kinship's JSON export, by its stable id."""

    id: str
    kind: Literal["snooze", "dismiss", "remind"] | str
    key: str | None
    contact_id: str | None
    """The exported contact's id (the planner maps it to the contact in the log)."""
    made_at: dt.datetime
    made_day: dt.date
    until: dt.date | None = None
