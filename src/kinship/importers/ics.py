"""iCalendar (.ics) files to ``InteractionRecord`` values, one per event occurrence up to ``now``.

icalendar parses; recurrences (RRULE, RDATE, EXDATE) expand with ``dateutil.rrule`` in the
event's own time zone, so a weekly 09:00 stays 09:00 across DST, and only then convert to the
local zone. RECURRENCE-ID overrides move an occurrence; STATUS:CANCELLED drops one (or the whole
event). All-day events land on their day at 12:00 local. Windows zone names (``W. Europe
Standard Time``) map to IANA zones; other unknown TZIDs use the file's VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from kinship.dates import NOON, fold_text
from kinship.errors import DataError
from kinship.importers.records import InteractionRecord, Participant, stable_hash, wall_to_local
from kinship.models import Channel

MAX_OCCURRENCES = 20_000
"""Occurrences kept per recurring event, so a FREQ=MINUTELY rule cannot run away."""

_HINT = "export the calendar again as .ics, or pass --format"
_VIDEO_LINK = re.compile(
    r"(zoom\.us/|meet\.google\.com/|teams\.microsoft\.com/|teams\.live\.com/|webex\.com/|whereby\.com/"
    r"|meet\.jit\.si/|jitsi|gotomeeting\.com/|facetime\.apple\.com/|join\.skype\.com/|skype:|bluejeans\.com/"
    r"|chime\.aws/|signal\.group/|wa\.me/|discord\.gg/)",
    re.IGNORECASE,
)
_ONLINE_FIELDS = (
    "LOCATION",
    "DESCRIPTION",
    "URL",
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
)
_VIDEO_WORDS = frozenset(
    {"online", "video", "zoom", "teams", "skype", "webex", "jitsi", "facetime", "virtual"}
)
_CALL_WORDS = frozenset({"call", "phone", "telephone", "tel"})
_SKIPPED_PARTSTAT = frozenset({"DECLINED", "DELEGATED"})
_SKIPPED_CUTYPE = frozenset({"ROOM", "RESOURCE"})


@dataclass(frozen=True)
class _Occurrence:
    key: str
    """The original start (RECURRENCE-ID form): an instant in UTC, or a date."""
    start: dt.datetime | dt.date
    event: Any


def _zone_for(value: dt.datetime, tzid: str | None) -> dt.datetime:
    """Re-attach a Windows or IANA zone named by TZID; keep icalendar's VTIMEZONE zone otherwise."""
    from icalendar.timezone.windows_to_olson import (  # type: ignore[import-untyped,unused-ignore]
        WINDOWS_TO_OLSON,
    )

    if value.tzinfo is None or not tzid:
        return value
    name = tzid.strip().strip('"')
    iana = WINDOWS_TO_OLSON.get(name)
    if iana is None:
        return value
    try:
        return value.replace(tzinfo=ZoneInfo(iana))
    except (KeyError, ValueError, OSError):
        return value


def _normalise(value: object, tzid: str | None, zone: dt.tzinfo) -> dt.datetime | dt.date | None:
    """Return a date, or an aware datetime (floating times take the local zone)."""
    if isinstance(value, tuple):  # PERIOD: (start, end or duration)
        value = value[0]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return wall_to_local(value, zone)
        return _zone_for(value, tzid)
    if isinstance(value, dt.date):
        return value
    return None


def _key(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _tzid(prop: Any) -> str | None:
    params = getattr(prop, "params", None)
    if params is None:
        return None
    tzid = params.get("TZID")
    return str(tzid) if tzid else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _date_list(event: Any, name: str, zone: dt.tzinfo) -> list[dt.datetime | dt.date]:
    values: list[dt.datetime | dt.date] = []
    for prop in _as_list(event.get(name)):
        tzid = _tzid(prop)
        for item in getattr(prop, "dts", []):
            normal = _normalise(getattr(item, "dt", None), tzid, zone)
            if normal is not None:
                values.append(normal)
    return values


def _until_text(until: Any, start: dt.datetime | dt.date, tzid: str | None) -> str:
    """Return an UNTIL value that dateutil accepts next to ``start`` (aware wants UTC)."""
    if isinstance(start, dt.datetime):
        if isinstance(until, dt.datetime):
            aware = until if until.tzinfo is not None else until.replace(tzinfo=start.tzinfo)
        else:
            aware = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=start.tzinfo)
        return aware.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    day = until.date() if isinstance(until, dt.datetime) else until
    return day.strftime("%Y%m%dT235959")


def _rule_starts(
    event: Any, start: dt.datetime | dt.date, now: dt.datetime
) -> Iterator[dt.datetime | dt.date]:
    from dateutil.rrule import rrulestr

    anchor = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    for prop in _as_list(event.get("RRULE")):
        rule_text = prop.to_ical().decode("utf-8", errors="replace")
        untils = prop.get("UNTIL") or []
        rule_text = re.sub(r"(^|;)UNTIL=[^;]*", "", rule_text).strip(";")
        if untils:
            rule_text += ";UNTIL=" + _until_text(untils[0], start, None)
        rule = rrulestr(rule_text, dtstart=anchor)
        for count, occurrence in enumerate(rule):
            if count >= MAX_OCCURRENCES:
                break
            if isinstance(start, dt.datetime):
                if occurrence > now:
                    break
                yield occurrence
            else:
                if occurrence.date() > now.date():
                    break
                yield occurrence.date()


def _started(value: dt.datetime | dt.date, now: dt.datetime) -> bool:
    if isinstance(value, dt.datetime):
        return value <= now
    return value <= now.date()


def _cancelled(event: Any) -> bool:
    return str(event.get("STATUS", "")).strip().upper() == "CANCELLED"


def _occurrences(master: Any, zone: dt.tzinfo, now: dt.datetime) -> dict[str, _Occurrence]:
    prop = master.get("DTSTART")
    start = _normalise(getattr(prop, "dt", None), _tzid(prop), zone)
    if start is None:
        return {}
    starts: list[dt.datetime | dt.date] = [start]
    starts.extend(_rule_starts(master, start, now))
    starts.extend(_date_list(master, "RDATE", zone))
    excluded = {_key(value) for value in _date_list(master, "EXDATE", zone)}
    found: dict[str, _Occurrence] = {}
    for value in starts:
        if isinstance(start, dt.datetime) and not isinstance(value, dt.datetime):
            continue
        key = _key(value)
        if key in excluded or key in found or not _started(value, now):
            continue
        found[key] = _Occurrence(key, value, master)
    return found


def _participants(event: Any, me: str | None) -> tuple[Participant, ...]:
    owner = fold_text(me) if me else None
    people: list[Participant] = []
    seen: set[str] = set()
    for attendee in _as_list(event.get("ATTENDEE")):
        params = getattr(attendee, "params", {}) or {}
        if str(params.get("PARTSTAT", "")).upper() in _SKIPPED_PARTSTAT:
            continue
        if str(params.get("CUTYPE", "")).upper() in _SKIPPED_CUTYPE:
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        address = str(attendee).strip()
        email = "".join(address[7:].split()) if address.lower().startswith("mailto:") else None
        if email is not None and "@" not in email:
            email = None
        name = str(params.get("CN", "")).strip().strip('"').strip() or None
        if owner and name and fold_text(name) == owner:
            continue
        if name is None and email is None:
            continue
        identity = (email or "").lower() or fold_text(name or "")
        if identity in seen:
            continue
        seen.add(identity)
        people.append(Participant(name=name, email=email))
    return tuple(people)


def _channel(event: Any) -> Channel:
    for field in _ONLINE_FIELDS:
        for value in _as_list(event.get(field)):
            if _VIDEO_LINK.search(str(value)):
                return Channel.VIDEO
    location = " ".join(str(value) for value in _as_list(event.get("LOCATION")))
    words = set(re.findall(r"\w+", fold_text(location)))
    if words & _VIDEO_WORDS:
        return Channel.VIDEO
    if words & _CALL_WORDS:
        return Channel.CALL
    return Channel.IN_PERSON


def _minutes(event: Any, start: dt.datetime | dt.date) -> int | None:
    if not isinstance(start, dt.datetime):
        return None
    first = getattr(event.get("DTSTART"), "dt", None)
    end = getattr(event.get("DTEND"), "dt", None)
    length: dt.timedelta | None = None
    if isinstance(first, dt.datetime) and isinstance(end, dt.datetime):
        try:
            length = end - first
        except TypeError:  # one floating, one zoned
            length = end.replace(tzinfo=None) - first.replace(tzinfo=None)
    else:
        duration = getattr(event.get("DURATION"), "dt", None)
        if isinstance(duration, dt.timedelta):
            length = duration
    if length is None or length <= dt.timedelta(0):
        return None
    return int(length.total_seconds() // 60)


def _record(uid: str, occurrence: _Occurrence, zone: dt.tzinfo, me: str | None) -> InteractionRecord:
    event = occurrence.event
    start = occurrence.start
    if isinstance(start, dt.datetime):
        when = start.astimezone(zone)
        day = when.date()
    else:
        day = start
        when = wall_to_local(dt.datetime.combine(start, NOON), zone)
    title = " ".join(str(event.get("SUMMARY", "")).split()) or None
    return InteractionRecord(
        source_id=f"ics:{uid}:{occurrence.key}",
        when=when,
        day=day,
        channel=_channel(event),
        participants=_participants(event, me),
        kind="calendar",
        minutes=_minutes(event, start),
        title=title,
    )


def _bad_line(text: str) -> int:
    """Return the first line that is neither ``NAME…:value`` nor a continuation, else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip("\ufeff")
        if not stripped or stripped[0] in " \t":
            continue
        if not re.match(r"^[A-Za-z0-9-]+(?:;[^:]*)?:", stripped):
            return number
    return 1


def parse_ics(
    data: bytes, *, zone: dt.tzinfo, now: dt.datetime, me: str | None = None, label: str
) -> list[InteractionRecord]:
    """Return one record per event occurrence that started by ``now``, in file order.

    ``zone`` is the local zone (floating times are read in it, results carry its offset);
    attendees named ``me`` are left out. Raises DataError naming ``label`` and a line when the
    file is not an iCalendar file.
    """
    import icalendar  # type: ignore[import-untyped,unused-ignore]

    text = data.decode("utf-8-sig", errors="replace")
    if not re.match(r"^\s*BEGIN:(VCALENDAR|VEVENT)", text, re.IGNORECASE):
        raise DataError(f"{label}: line {_bad_line(text)}: not an iCalendar file (no BEGIN:VCALENDAR)", _HINT)
    try:
        calendar = icalendar.Calendar.from_ical(text.encode("utf-8"))
        events = [event for event in calendar.walk("VEVENT")]
        masters: dict[str, Any] = {}
        overrides: list[tuple[str, Any]] = []
        for event in events:
            uid = str(event.get("UID", "")).strip()
            if not uid:
                uid = "sha1:" + stable_hash(str(event.get("SUMMARY", "")), str(event.get("DTSTART", "")))
            if event.get("RECURRENCE-ID") is not None:
                overrides.append((uid, event))
            elif uid not in masters:
                masters[uid] = event
        occurrences: dict[str, dict[str, _Occurrence]] = {}
        for uid, master in masters.items():
            occurrences[uid] = {} if _cancelled(master) else _occurrences(master, zone, now)
        for uid, override in overrides:
            if uid not in masters:  # an orphan override stands on its own
                found = {} if _cancelled(override) else _occurrences(override, zone, now)
                occurrences.setdefault(uid, {}).update(found)
                continue
            recurrence = getattr(override.get("RECURRENCE-ID"), "dt", None)
            original = _normalise(recurrence, _tzid(override.get("RECURRENCE-ID")), zone)
            if original is None:
                continue
            key = _key(original)
            occurrences[uid].pop(key, None)
            prop = override.get("DTSTART")
            moved = _normalise(getattr(prop, "dt", None), _tzid(prop), zone)
            if moved is None or _cancelled(override) or _cancelled(masters[uid]) or not _started(moved, now):
                continue
            occurrences[uid][key] = _Occurrence(key, moved, override)
        return [
            _record(uid, occurrence, zone, me)
            for uid, found in occurrences.items()
            for occurrence in sorted(found.values(), key=lambda item: _key(item.start))
        ]
    except DataError:
        raise
    except Exception as exc:  # icalendar and dateutil raise ValueError, KeyError, TypeError…
        raise DataError(
            f"{label}: line {_bad_line(text)}: cannot read this calendar ({type(exc).__name__})", _HINT
        ) from None
