"""iCalendar (.ics) files to ``InteractionRecord`` values, one per event occurrence up to ``now``.

icalendar parses; recurrences (RRULE, RDATE, EXDATE) expand with ``dateutil.rrule`` in the
event's own time zone, so a weekly 09:00 stays 09:00 across DST, and only then convert to the
local zone. Rules expand by date up to now, never cut at a count; ``recurrence.check_rule``
refuses a rule that can never match or would pass 100,000 occurrences before dateutil runs.
RECURRENCE-ID overrides move an occurrence and EXDATE drops one, matched by date whatever form
their value takes (Outlook gives an all-day series' occurrence as local midnight in a named
zone); STATUS:CANCELLED drops one (or the whole event). All-day events land on their day at
12:00 local; one spanning several days is one record per day (up to ``MAX_SPAN_DAYS``).
Windows zone names (``W. Europe Standard Time``) map to IANA zones through icalendar's
maintained table; a VTIMEZONE block that cannot be read (Apple's historic ``TZOFFSETFROM:+5328``)
is dropped, so its TZID is read as a zone name. Calendar system addresses (group, resource and
room calendars, noreply senders, mailing lists) are never attendees.
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
from kinship.importers.records import (
    MAX_MINUTES,
    InteractionRecord,
    LeftOut,
    Participant,
    stable_hash,
    wall_to_local,
)
from kinship.models import Channel

MAX_SPAN_DAYS = 14
"""A multi-day all-day event counts each of its days, up to this many."""

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
_SKIPPED_CUTYPE = frozenset({"ROOM", "RESOURCE", "GROUP"})
_ONLY_A_LINK = re.compile(r"^\s*<?(?:https?://|www\.)\S+?>?\s*$", re.IGNORECASE)
_SYSTEM_DOMAINS = re.compile(
    r"(^|\.)(group|resource|import|holiday|virtual)\.calendar\.google\.com$"
    r"|(^|\.)(calendar\.google\.com|googlegroups\.com|lists?\..+|calendar\.icloud\.com|resource\..+)$",
    re.IGNORECASE,
)
_SYSTEM_LOCALS = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|noreply[-+.].*|.*[-+.]noreply|"
    r"calendar-notification|mailer-daemon|postmaster|bounces?|.*-(list|request|owner|bounces)|"
    r"(room|resource|conf|meetingroom)[-_.].*)$",
    re.IGNORECASE,
)


def is_system_address(email: str) -> bool:
    """Return True for an address that is a calendar, room, list or robot, never a person."""
    local, _, domain = email.strip().lower().rpartition("@")
    return bool(local) and bool(_SYSTEM_DOMAINS.search(domain) or _SYSTEM_LOCALS.match(local))


@dataclass(frozen=True)
class _Occurrence:
    key: str
    """The original start (RECURRENCE-ID form): an instant in UTC, or a date."""
    start: dt.datetime | dt.date
    event: Any


def _named_zone(tzid: str | None) -> dt.tzinfo | None:
    """Return the zone a TZID names: a Windows name through icalendar's table, or an IANA name."""
    from icalendar.timezone.windows_to_olson import (  # type: ignore[import-untyped,unused-ignore]
        WINDOWS_TO_OLSON,
    )

    if not tzid:
        return None
    name = tzid.strip().strip('"')
    iana = WINDOWS_TO_OLSON.get(name)
    try:
        if iana is not None:
            return ZoneInfo(iana)
        if name and "/" in name and ".." not in name:
            return ZoneInfo(name.lstrip("/"))
    except (KeyError, ValueError, OSError):
        return None
    return None


def _zone_for(value: dt.datetime, tzid: str | None) -> dt.datetime:
    """Re-attach a Windows zone named by TZID; keep icalendar's zone for others."""
    from icalendar.timezone.windows_to_olson import (  # type: ignore[import-untyped,unused-ignore]
        WINDOWS_TO_OLSON,
    )

    if not tzid or tzid.strip().strip('"') not in WINDOWS_TO_OLSON:
        return value
    named = _named_zone(tzid)
    return value if named is None else value.replace(tzinfo=named)


def _normalise(value: object, tzid: str | None, zone: dt.tzinfo) -> dt.datetime | dt.date | None:
    """Return a date, or an aware datetime (floating times take the TZID's zone, else the local one)."""
    if isinstance(value, tuple):  # PERIOD: (start, end or duration)
        value = value[0]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return wall_to_local(value, _named_zone(tzid) or zone)
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
    event: Any, start: dt.datetime | dt.date, now: dt.datetime, cut: list[bool]
) -> Iterator[dt.datetime | dt.date]:
    """Yield the rule's occurrences up to ``now``; set ``cut[0]`` when the rule goes on after it."""
    from dateutil.rrule import rrulestr

    from kinship.importers.recurrence import MAX_OCCURRENCES, RuleRefused, check_rule

    anchor = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    first_day = start.date() if isinstance(start, dt.datetime) else start
    for prop in _as_list(event.get("RRULE")):
        rule_text = prop.to_ical().decode("utf-8", errors="replace")
        untils = prop.get("UNTIL") or []
        rule_text = re.sub(r"(^|;)UNTIL=[^;]*", "", rule_text).strip(";")
        last_day = now.date()
        if untils:
            until_text = _until_text(untils[0], start, None)
            rule_text += ";UNTIL=" + until_text
            until_day = dt.datetime.strptime(until_text[:8], "%Y%m%d").date()
            last_day = min(last_day, until_day)
        check_rule(prop, first_day, last_day)
        rule = rrulestr(rule_text, dtstart=anchor)
        for count, occurrence in enumerate(rule, start=1):
            if (occurrence > now) if isinstance(start, dt.datetime) else (occurrence.date() > now.date()):
                cut[0] = True
                break
            if count > MAX_OCCURRENCES:
                raise RuleRefused(f"it repeats more than {MAX_OCCURRENCES:,} times up to today")
            yield occurrence if isinstance(start, dt.datetime) else occurrence.date()


def _started(value: dt.datetime | dt.date, now: dt.datetime) -> bool:
    if isinstance(value, dt.datetime):
        return value <= now
    return value <= now.date()


def _cancelled(event: Any) -> bool:
    return str(event.get("STATUS", "")).strip().upper() == "CANCELLED"


def _day_named(value: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.date:
    """Return the day a RECURRENCE-ID or EXDATE names: its date, or a zoned time's own wall date.

    A time in UTC is read in the local zone (Google writes an all-day exception that way); one
    in a named zone keeps its wall date (Outlook writes local midnight in its Windows zone).
    """
    if not isinstance(value, dt.datetime):
        return value
    if value.utcoffset() == dt.timedelta(0) and value.tzname() in ("UTC", "Z", "GMT", None):
        return value.astimezone(zone).date()
    return value.date()


def _matching_keys(
    found: dict[str, _Occurrence], value: dt.datetime | dt.date, all_day: bool, zone: dt.tzinfo
) -> list[str]:
    """Return the keys of the occurrences ``value`` (a RECURRENCE-ID or EXDATE) names."""
    if all_day:
        key = _day_named(value, zone).isoformat()
        return [key] if key in found else []
    if isinstance(value, dt.datetime):
        key = _key(value)
        return [key] if key in found else []
    return [
        key
        for key, occurrence in found.items()
        if isinstance(occurrence.start, dt.datetime) and occurrence.start.date() == value
    ]


def _occurrence_key(value: dt.datetime | dt.date, all_day: bool, zone: dt.tzinfo) -> str:
    return _day_named(value, zone).isoformat() if all_day else _key(value)


def _occurrences(master: Any, zone: dt.tzinfo, now: dt.datetime, left_out: LeftOut) -> dict[str, _Occurrence]:
    prop = master.get("DTSTART")
    start = _normalise(getattr(prop, "dt", None), _tzid(prop), zone)
    if start is None:
        return {}
    all_day = not isinstance(start, dt.datetime)
    starts: list[dt.datetime | dt.date] = [start]
    cut = [False]
    starts.extend(_rule_starts(master, start, now, cut))
    left_out["recurrences_cut"] += cut[0]
    starts.extend(_date_list(master, "RDATE", zone))
    found: dict[str, _Occurrence] = {}
    for value in starts:
        if not all_day and not isinstance(value, dt.datetime):
            continue
        if all_day and isinstance(value, dt.datetime):
            value = _day_named(value, zone)
        key = _key(value)
        if key in found:
            continue
        if not _started(value, now):
            left_out["after_now"] += not cut[0]
            continue
        found[key] = _Occurrence(key, value, master)
    for excluded in _date_list(master, "EXDATE", zone):
        for key in _matching_keys(found, excluded, all_day, zone):
            del found[key]
    return found


def _participants(event: Any, me: str | None, left_out: LeftOut) -> tuple[Participant, ...]:
    owner = fold_text(me) if me else None
    people: list[Participant] = []
    seen: set[str] = set()
    for attendee in _as_list(event.get("ATTENDEE")):
        params = getattr(attendee, "params", {}) or {}
        if str(params.get("PARTSTAT", "")).upper() in _SKIPPED_PARTSTAT:
            continue
        if str(params.get("CUTYPE", "")).upper() in _SKIPPED_CUTYPE:
            left_out["system_addresses"] += 1
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        address = str(attendee).strip()
        email = "".join(address[7:].split()) if address.lower().startswith("mailto:") else None
        if email is not None and "@" not in email:
            email = None
        if email is not None and is_system_address(email):
            left_out["system_addresses"] += 1
            continue
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
    if _ONLY_A_LINK.match(location):
        return Channel.VIDEO  # a meeting whose place is a link is online, whoever hosts it
    words = set(re.findall(r"\w+", fold_text(location)))
    if words & _VIDEO_WORDS:
        return Channel.VIDEO
    if words & _CALL_WORDS:
        return Channel.CALL
    return Channel.IN_PERSON


def _minutes(event: Any) -> int | None:
    """Return the event's length in minutes (uncapped), None for all-day or unknown."""
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
    return int(min(length, dt.timedelta(minutes=MAX_MINUTES + 1)).total_seconds() // 60)


def _span_days(event: Any) -> int:
    """Return how many days an all-day event covers (DTEND is exclusive), 1 to MAX_SPAN_DAYS."""
    first = getattr(event.get("DTSTART"), "dt", None)
    end = getattr(event.get("DTEND"), "dt", None)
    days = 1
    if isinstance(end, dt.date) and not isinstance(end, dt.datetime) and isinstance(first, dt.date):
        days = (end - (first.date() if isinstance(first, dt.datetime) else first)).days
    else:
        duration = getattr(event.get("DURATION"), "dt", None)
        if isinstance(duration, dt.timedelta):
            days = duration.days
    return max(1, min(days, MAX_SPAN_DAYS))


@dataclass(frozen=True)
class _Facts:
    """What every occurrence of one event (a master or an override) shares, read once."""

    title: str | None
    channel: Channel
    people: tuple[Participant, ...]
    minutes: int | None
    span_days: int


def _facts(event: Any, me: str | None, left_out: LeftOut, cache: dict[int, _Facts]) -> _Facts:
    found = cache.get(id(event))
    if found is None:
        found = cache[id(event)] = _Facts(
            title=" ".join(str(event.get("SUMMARY", "")).split()) or None,
            channel=_channel(event),
            people=_participants(event, me, left_out),
            minutes=_minutes(event),
            span_days=_span_days(event),
        )
    return found


def _records(
    uid: str, occurrence: _Occurrence, zone: dt.tzinfo, now: dt.datetime, facts: _Facts, left_out: LeftOut
) -> list[InteractionRecord]:
    """Return the occurrence's record; an all-day event over several days gives one per day."""
    start = occurrence.start
    source_id = f"ics:{uid}:{occurrence.key}"
    if isinstance(start, dt.datetime):
        when = start.astimezone(zone)
        minutes = facts.minutes
        if minutes is not None and minutes > MAX_MINUTES:
            left_out["durations_clamped"] += 1
            minutes = MAX_MINUTES
        return [
            InteractionRecord(
                source_id=source_id,
                when=when,
                day=when.date(),
                channel=facts.channel,
                participants=facts.people,
                kind="calendar",
                minutes=minutes,
                title=facts.title,
            )
        ]
    records: list[InteractionRecord] = []
    for offset in range(facts.span_days):
        day = start + dt.timedelta(days=offset)
        if day > now.date():
            left_out["after_now"] += 1
            break
        records.append(
            InteractionRecord(
                source_id=source_id if offset == 0 else f"{source_id}+{offset}",
                when=wall_to_local(dt.datetime.combine(day, NOON), zone),
                day=day,
                channel=facts.channel,
                participants=facts.people,
                kind="calendar",
                title=facts.title,
            )
        )
    return records


def _bad_line(text: str) -> int:
    """Return the first line that is neither ``NAME…:value`` nor a continuation, else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip("\ufeff")
        if not stripped or stripped[0] in " \t":
            continue
        if not re.match(r"^[A-Za-z0-9-]+(?:;[^:]*)?:", stripped):
            return number
    return 1


def _readable_timezones(text: str) -> str:
    """Return ``text`` without the VTIMEZONE blocks icalendar cannot read.

    Apple writes historic local-mean-time offsets such as ``TZOFFSETFROM:+5328`` that icalendar
    refuses; without the block, its TZID (``Europe/Berlin``) is read as the zone it names.
    """
    import icalendar  # type: ignore[import-untyped,unused-ignore]

    if "BEGIN:VTIMEZONE" not in text.upper():
        return text
    kept: list[str] = []
    block: list[str] | None = None
    for line in text.splitlines(keepends=True):
        upper = line.strip().upper()
        if block is None:
            if upper == "BEGIN:VTIMEZONE":
                block = [line]
            else:
                kept.append(line)
            continue
        block.append(line)
        if upper == "END:VTIMEZONE":
            try:
                timezone: Any = icalendar.Timezone.from_ical("".join(block))
                timezone.to_tz()
            except Exception:  # any unreadable block falls back to the zone its TZID names
                kept.extend("\n" if item.strip() else item for item in block)  # keep line numbers
            else:
                kept.extend(block)
            block = None
    kept.extend(block or ())
    return "".join(kept)


def _event_line(text: str, uid: str) -> int:
    """Return the line of the event with ``uid`` (its UID line), else 1."""
    found = re.search(rf"^UID[^:\r\n]*:{re.escape(uid)}\s*$", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def parse_ics(
    data: bytes,
    *,
    zone: dt.tzinfo,
    now: dt.datetime,
    me: str | None = None,
    label: str,
    left_out: LeftOut | None = None,
) -> list[InteractionRecord]:
    """Return one record per event occurrence (per day, for all-day events) up to ``now``.

    ``zone`` is the local zone (floating times are read in it, results carry its offset);
    attendees named ``me`` are left out. What is read but not returned is counted in
    ``left_out``. Raises DataError naming ``label`` and a line when the file is not an
    iCalendar file, or naming the event when its repeat rule cannot be expanded.
    """
    import icalendar  # type: ignore[import-untyped,unused-ignore]

    from kinship.importers.recurrence import RuleRefused

    counts: LeftOut = left_out if left_out is not None else LeftOut()
    text = data.decode("utf-8-sig", errors="replace")
    if not re.match(r"^\s*BEGIN:(VCALENDAR|VEVENT)", text, re.IGNORECASE):
        raise DataError(f"{label}: line {_bad_line(text)}: not an iCalendar file (no BEGIN:VCALENDAR)", _HINT)
    uid = ""
    try:
        calendar = icalendar.Calendar.from_ical(_readable_timezones(text).encode("utf-8"))
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
        all_day: dict[str, bool] = {}
        for uid, master in masters.items():
            all_day[uid] = not isinstance(getattr(master.get("DTSTART"), "dt", None), dt.datetime)
            if _cancelled(master):
                counts["cancelled"] += 1
                occurrences[uid] = {}
            else:
                occurrences[uid] = _occurrences(master, zone, now, counts)
        for uid, override in overrides:
            if uid not in masters:  # an orphan override stands on its own
                found = {} if _cancelled(override) else _occurrences(override, zone, now, counts)
                occurrences.setdefault(uid, {}).update(found)
                continue
            recurrence = getattr(override.get("RECURRENCE-ID"), "dt", None)
            original = _normalise(recurrence, _tzid(override.get("RECURRENCE-ID")), zone)
            if original is None:
                continue
            series = occurrences[uid]
            matched = _matching_keys(series, original, all_day[uid], zone)
            key = matched[0] if matched else _occurrence_key(original, all_day[uid], zone)
            for old in matched:
                del series[old]
            prop = override.get("DTSTART")
            moved = _normalise(getattr(prop, "dt", None), _tzid(prop), zone)
            if moved is None or _cancelled(masters[uid]):
                continue
            if _cancelled(override):
                counts["cancelled"] += 1
                continue
            if not _started(moved, now):
                counts["after_now"] += 1
                continue
            series[key] = _Occurrence(key, moved, override)
        cache: dict[int, _Facts] = {}
        return [
            record
            for uid, found in occurrences.items()
            for occurrence in sorted(found.values(), key=lambda item: _key(item.start))
            for record in _records(
                uid, occurrence, zone, now, _facts(occurrence.event, me, counts, cache), counts
            )
        ]
    except DataError:
        raise
    except RuleRefused as exc:
        raise DataError(
            f"{label}: line {_event_line(text, uid)}: the repeat rule of event {uid!r} is refused: {exc}",
            "fix or delete that event in your calendar and export again",
        ) from None
    except Exception as exc:  # icalendar and dateutil raise ValueError, KeyError, TypeError…
        raise DataError(
            f"{label}: line {_bad_line(text)}: cannot read this calendar ({type(exc).__name__})", _HINT
        ) from None
