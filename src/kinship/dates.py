"""Pure parsing of WHEN and DUR text against a given "now", local days and ISO weeks.

Nothing here reads the clock or the environment: the shell passes ``now`` (an aware datetime)
and the local zone in. ``dateutil.parser`` is imported only for text none of the quick forms
match, so ``kinship log`` does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

from kinship.errors import UsageError
from kinship.lean import pattern

NOON = dt.time(12, 0)
FUTURE_SLACK = dt.timedelta(minutes=5)
FIRST_YEAR = 1900
"""No time, as-of day or week before this year is accepted."""
LAST_YEAR = 2999
"""No as-of day, week or KINSHIP_NOW after this year is accepted."""
MAX_DURATION_DAYS = 36_500
"""A duration (a rhythm, a snooze) of at most 100 years."""
_MAX_NUMBER_DIGITS = 9  # far beyond any bound below, far below int()'s digit limit
TIMES_HINT = f"times run from {FIRST_YEAR} to 5 minutes from now"
DAYS_HINT = f"days and weeks run from {FIRST_YEAR} to {LAST_YEAR}"

PARTS_OF_DAY: dict[str, dt.time] = {
    "morning": dt.time(9, 0),
    "afternoon": dt.time(15, 0),
    "evening": dt.time(19, 0),
    "night": dt.time(21, 0),
}
"""The hour a part of the day stands for (``this morning``, ``yesterday evening``, ``last night``)."""

NAMED_TIMES: dict[str, dt.time] = {"noon": NOON, "midday": NOON, "midnight": dt.time(0, 0)}

WEEKDAYS: dict[str, int] = {
    name: index
    for index, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}

MONTHS: dict[str, int] = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_AGO_UNITS: dict[str, dt.timedelta] = {
    "min": dt.timedelta(minutes=1),
    "mins": dt.timedelta(minutes=1),
    "minute": dt.timedelta(minutes=1),
    "minutes": dt.timedelta(minutes=1),
    "h": dt.timedelta(hours=1),
    "hr": dt.timedelta(hours=1),
    "hrs": dt.timedelta(hours=1),
    "hour": dt.timedelta(hours=1),
    "hours": dt.timedelta(hours=1),
    "d": dt.timedelta(days=1),
    "day": dt.timedelta(days=1),
    "days": dt.timedelta(days=1),
    "w": dt.timedelta(weeks=1),
    "wk": dt.timedelta(weeks=1),
    "week": dt.timedelta(weeks=1),
    "weeks": dt.timedelta(weeks=1),
    "mo": dt.timedelta(days=30),
    "month": dt.timedelta(days=30),
    "months": dt.timedelta(days=30),
    "y": dt.timedelta(days=365),
    "year": dt.timedelta(days=365),
    "years": dt.timedelta(days=365),
}

_DUR_UNITS: dict[str, int] = {
    "d": 1,
    "day": 1,
    "days": 1,
    "w": 7,
    "wk": 7,
    "week": 7,
    "weeks": 7,
    "mo": 30,
    "month": 30,
    "months": 30,
    "y": 365,
    "year": 365,
    "years": 365,
}

_TIME_RE = pattern(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$")
_AGO_RE = pattern(r"^(?P<n>\d+|an?|half an?)\s*(?P<unit>[a-z]+)\s+ago$")
_IN_RE = pattern(r"^in\s+(?P<n>\d+|an?)\s*(?P<unit>[a-z]+)$")
_ISO_DAY_RE = pattern(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})$")
_DAY_MONTH_RE = pattern(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?$")
_MONTH_DAY_RE = pattern(r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?$")
_DUR_RE = pattern(r"^(?P<n>\d+)\s*(?P<unit>[a-z]+)$")
_WEEK_RE = pattern(r"^(?P<y>\d{4})-?w(?P<w>\d{1,2})$")


def local_zone(name: str | None) -> dt.tzinfo:
    """Return the zone called ``name``, or the system's local zone when ``name`` is None.

    The system zone comes from ``TZ`` semantics as the C library sees them, through
    ``/etc/localtime``; the shell resolves ``TZ`` to a name before calling this.
    """
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError subclass
            raise UsageError(f"unknown time zone {name!r}", "use an IANA name such as Europe/Berlin") from exc
        except KeyError as exc:
            raise UsageError(f"unknown time zone {name!r}", "use an IANA name such as Europe/Berlin") from exc
    try:
        return ZoneInfo.from_file(open("/etc/localtime", "rb"), key="localtime")
    except OSError:
        return dt.UTC


def fold_text(text: str) -> str:
    """Return ``text`` lower-cased with accents removed, for case/accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def localize(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Attach ``zone`` to a naive wall-clock time, with a definite offset.

    A time that happens twice (clocks going back) takes its first occurrence; a time that does
    not exist (clocks jumping forward) is refused with a message that says so.
    """
    aware = wall.replace(tzinfo=zone, fold=0)
    roundtrip = aware.astimezone(dt.UTC).astimezone(zone)
    if roundtrip.replace(tzinfo=None) != wall:
        raise UsageError(
            f"{wall:%Y-%m-%d %H:%M} does not exist in the local time zone (the clocks jumped forward)",
            f"use {roundtrip:%H:%M} instead",
        )
    return roundtrip


def _parse_time(text: str) -> dt.time | None:
    named = NAMED_TIMES.get(text.strip()) or PARTS_OF_DAY.get(text.strip())
    if named is not None:
        return named
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    second = int(match["s"] or 0)
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif match["m"] is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _most_recent(month: int, day: int, today: dt.date) -> dt.date:
    for year in (today.year, today.year - 1, today.year - 2, today.year - 3, today.year - 4):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise UsageError(f"no such day: {day} {month}", "check the day and month")


def _day_part(text: str, today: dt.date) -> dt.date | None:
    """Return the day a day-only phrase names, or None when it is not one."""
    if text == "yesterday":
        return today - dt.timedelta(days=1)
    if text in ("today", "this"):  # "this" as in "this morning"
        return today
    if text == "tomorrow":  # named so that it is refused as in the future, not as unreadable
        return today + dt.timedelta(days=1)
    if text in WEEKDAYS:
        return today - dt.timedelta(days=(today.weekday() - WEEKDAYS[text]) % 7)
    if text.startswith("next "):  # a future day: refused as such by parse_when
        name = text[5:].strip()
        if name in WEEKDAYS:
            return today + dt.timedelta(days=(WEEKDAYS[name] - today.weekday()) % 7 or 7)
        if name in ("week", "month", "year"):
            return today + dt.timedelta(days=7)
        return None
    if text.startswith("last "):
        name = text[5:].strip()
        if name in WEEKDAYS:
            back = (today.weekday() - WEEKDAYS[name]) % 7 or 7
            return today - dt.timedelta(days=back)
        if name == "week":
            return today - dt.timedelta(days=7)
        return None
    match = _ISO_DAY_RE.match(text)
    if match:
        try:
            return dt.date(int(match["y"]), int(match["mo"]), int(match["d"]))
        except ValueError as exc:
            raise UsageError(f"no such date: {text}", "write dates as YYYY-MM-DD") from exc
    match = _DAY_MONTH_RE.match(text) or _MONTH_DAY_RE.match(text)
    if match and match["mon"] in MONTHS:
        return _most_recent(MONTHS[match["mon"]], int(match["d"]), today)
    return None


def _split_day_time(text: str) -> tuple[str, dt.time | None]:
    """Split ``"friday 7pm"`` into ``("friday", 19:00)``; the time part is optional.

    ``yesterday at 7pm``, ``friday evening`` and ``last night`` (yesterday 21:00) read too.
    """
    if text == "last night":
        return "yesterday", PARTS_OF_DAY["night"]
    if text == "tonight":
        return "today", PARTS_OF_DAY["evening"]
    if " at " in text:
        day_text, _, time_text = text.rpartition(" at ")
        when = _parse_time(time_text)
        if when is not None:
            return day_text.strip(), when
    parts = text.rsplit(" ", 1)
    if len(parts) == 2:
        when = _parse_time(parts[1])
        if when is not None:
            return parts[0].strip(), when
        if parts[1] in ("am", "pm", "a.m.", "p.m."):
            head = parts[0].rsplit(" ", 1)
            if len(head) == 2:
                when = _parse_time(head[1] + parts[1])
                if when is not None:
                    return head[0].strip(), when
    return text, None


def _ago(amount: str, unit_text: str, text: str) -> dt.timedelta:
    """Return the time ``amount`` ``unit_text`` spans (``an hour``, ``3d``), at most 100 years."""
    unit = _AGO_UNITS.get(unit_text)
    if unit is None:
        raise UsageError(
            f"unknown unit in {text!r}",
            "use min, h, d, w, mo or y, e.g. '30min ago' or '3d ago'",
        )
    if amount.startswith("half"):
        return unit / 2
    if amount in ("a", "an"):
        return unit
    if len(amount) > _MAX_NUMBER_DIGITS or int(amount) * unit.total_seconds() > MAX_DURATION_DAYS * 86400:
        raise UsageError(f"{text!r} is more than 100 years", TIMES_HINT)
    return int(amount) * unit


def parse_when(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Return the aware local instant ``text`` names: from 1900 to 5 minutes after ``now``.

    ``now`` is aware. Raises UsageError for anything it cannot read unambiguously, and for a
    time out of that range (a future day such as ``tomorrow`` "is in the future").
    """
    moment = _parse_moment(text, now, zone)
    if moment.year < FIRST_YEAR:
        raise UsageError(f"{text.strip()!r} is before {FIRST_YEAR}", TIMES_HINT)
    if moment - now > FUTURE_SLACK:
        raise UsageError(
            f"{text.strip()!r} ({moment:%Y-%m-%d %H:%M}) is in the future",
            "name a time that has happened; " + TIMES_HINT,
        )
    return moment


def _parse_moment(text: str, now: dt.datetime, zone: dt.tzinfo, hint: str = TIMES_HINT) -> dt.datetime:
    """Return the instant ``text`` names, without bounds; an overflow is a UsageError naming ``hint``."""
    try:
        return _parse_unbounded(text, now, zone)
    except OverflowError as exc:
        raise UsageError(f"{text.strip()[:40]!r} is out of range ({hint})", hint) from exc


def _parse_unbounded(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise UsageError("an empty time", "try 'now', 'yesterday 7pm' or '2026-11-20 18:30'")
    now_local = now.astimezone(zone)
    today = now_local.date()
    if raw in ("now", "today", "just now"):
        return now_local
    match = _IN_RE.match(raw)
    if match:  # "in 2 days": a future time, refused as such by parse_when
        return now_local + _ago(match["n"], match["unit"], text)
    match = _AGO_RE.match(raw)
    if match:
        unit = _AGO_UNITS.get(match["unit"], dt.timedelta(0))
        delta = _ago(match["n"], match["unit"], text)
        if unit < dt.timedelta(days=1):  # minutes and hours are elapsed time
            return (now_local.astimezone(dt.UTC) - delta).astimezone(zone)
        wall = now_local.replace(tzinfo=None) - delta  # days and weeks are calendar days
        try:
            return localize(wall, zone)
        except UsageError:  # that wall time fell into a DST gap: use the elapsed time
            return (now_local.astimezone(dt.UTC) - delta).astimezone(zone)
    only_time = _parse_time(raw)
    if only_time is not None:
        return localize(dt.datetime.combine(today, only_time), zone)
    day_text, time_of_day = _split_day_time(raw)
    day = _day_part(day_text, today)
    if day is not None:
        if time_of_day is None:
            if day == today:
                return now_local
            time_of_day = NOON
        return localize(dt.datetime.combine(day, time_of_day), zone)
    try:  # ISO 8601 as it stands ("2026-11-20T18:30+01:00"); dateutil's dayfirst would swap it
        iso = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return _parse_with_dateutil(text.strip(), now_local, zone)
    return iso.astimezone(zone) if iso.tzinfo is not None else localize(iso, zone)


def _parse_with_dateutil(text: str, now_local: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    from dateutil import parser as date_parser  # only for unusual input: costly to import

    hint = "try 'yesterday 7pm', 'last friday', '3d ago' or '2026-11-20 18:30'"
    default = now_local.replace(hour=12, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        first = date_parser.parse(text, default=default, dayfirst=False)
        second = date_parser.parse(text, default=default, dayfirst=True)
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"cannot read the time {text!r}", hint) from exc
    if first != second:
        raise UsageError(
            f"{text!r} is ambiguous (day and month could be swapped)", "write dates as YYYY-MM-DD"
        )
    if first.tzinfo is not None:
        return first.astimezone(zone)
    return localize(first, zone)


def parse_day(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """Return the local day ``text`` names, for ``--as-of``: any day of the years 1900-2999."""
    plain = text.strip()
    if len(plain) == 10 and plain.isascii() and plain[4] == plain[7] == "-":
        try:  # YYYY-MM-DD, as cron lines and scripts write it: no regular expression
            return check_day(dt.date.fromisoformat(plain), plain)
        except ValueError:
            pass  # the general reader below says what is wrong with it
    day = _parse_moment(text, now, zone, DAYS_HINT).date()
    return check_day(day, text.strip())


def check_day(day: dt.date, shown: str | None = None) -> dt.date:
    """Return ``day`` when it lies in the years 1900-2999; else a UsageError naming the limit."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise UsageError(
            f"{shown or day.isoformat()!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}", DAYS_HINT
        )
    return day


def parse_now(text: str, zone: dt.tzinfo) -> dt.datetime:
    """Return the instant ``KINSHIP_NOW`` names (ISO 8601; local time when it has no offset).

    It must lie in the years 1900-2999 so that every day kinship derives from it exists.
    """
    hint = "e.g. KINSHIP_NOW=2026-11-26T09:00"
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"KINSHIP_NOW={text[:40]!r} is not an ISO 8601 date-time", hint) from exc
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise UsageError(f"KINSHIP_NOW={text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}", hint)
    if value.tzinfo is None:
        return localize(value, zone)
    return value.astimezone(zone)


def parse_duration(text: str) -> int:
    """Return the number of days in ``3d``, ``2w``, ``1mo`` or ``1y`` (a month is 30 days)."""
    raw = text.strip().lower()
    match = _DUR_RE.match(raw)
    hint = "use a number and d, w, mo or y, e.g. 3d, 2w, 1mo, 1y"
    if not match:
        raise UsageError(f"cannot read the duration {text!r}", hint)
    if len(match["n"]) > _MAX_NUMBER_DIGITS:
        raise UsageError(f"the duration {text!r} is more than 100 years", hint)
    unit = match["unit"]
    if unit == "m":
        raise UsageError(f"{text!r} is ambiguous: minutes or months?", "write 'mo' for months, e.g. 1mo")
    if unit not in _DUR_UNITS:
        raise UsageError(f"unknown unit in the duration {text!r}", hint)
    days = int(match["n"]) * _DUR_UNITS[unit]
    if days <= 0:
        raise UsageError(f"the duration {text!r} must be positive", hint)
    if days > MAX_DURATION_DAYS:
        raise UsageError(f"the duration {text!r} is more than 100 years ({MAX_DURATION_DAYS:,} days)", hint)
    return days


def parse_birthday(text: str) -> str:
    """Return a birthday as ``YYYY-MM-DD`` or ``--MM-DD``; accepts ``--11-06``, ``11-06``, ``6 nov``."""
    raw = " ".join(text.strip().lower().split())
    import re

    hint = "write YYYY-MM-DD, or --MM-DD when you do not know the year"
    match = re.match(r"^(?:--)?(\d{1,2})-(\d{1,2})$", raw)
    if match:
        month, day = int(match[1]), int(match[2])
        _check_month_day(month, day, text, hint)
        return f"--{month:02d}-{day:02d}"
    match = _ISO_DAY_RE.match(raw)
    if match:
        try:
            return dt.date(int(match["y"]), int(match["mo"]), int(match["d"])).isoformat()
        except ValueError as exc:
            raise UsageError(f"no such date: {text}", hint) from exc
    match = _DAY_MONTH_RE.match(raw) or _MONTH_DAY_RE.match(raw)
    if match and match["mon"] in MONTHS:
        month, day = MONTHS[match["mon"]], int(match["d"])
        _check_month_day(month, day, text, hint)
        return f"--{month:02d}-{day:02d}"
    raise UsageError(f"cannot read the birthday {text!r}", hint)


def _check_month_day(month: int, day: int, text: str, hint: str) -> None:
    try:
        dt.date(2000, month, day)  # a leap year, so 29 February is allowed
    except ValueError as exc:
        raise UsageError(f"no such day: {text}", hint) from exc


def iso_week(day: dt.date) -> str:
    """Return the ISO week of ``day`` as ``2026-W47``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> dt.date:
    """Return the Monday of an ISO week written ``2026-W47``."""
    if len(week) == 8 and week[4:6] == "-W" and week.isascii() and (week[:4] + week[6:]).isdigit():
        year, number = int(week[:4]), int(week[6:])  # as iso_week writes it: no regular expression
    else:
        match = _WEEK_RE.match(week.strip().lower())
        if not match:
            raise UsageError(f"cannot read the week {week!r}", "write ISO weeks as 2026-W47")
        year, number = int(match["y"]), int(match["w"])
    try:
        return dt.date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise UsageError(f"no such week: {week}", "ISO weeks run from W01 to W52 or W53") from exc


def parse_week(text: str) -> str:
    """Return the ISO week a person wrote (``2026-W47``, ``2026w47``), in the years 1900-2999."""
    match = _WEEK_RE.match(text.strip().lower())
    if match and not FIRST_YEAR <= int(match["y"]) <= LAST_YEAR:
        raise UsageError(
            f"the week {text.strip()!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}", DAYS_HINT
        )
    return iso_week(week_start(text))


def last_ended_week(as_of: dt.date) -> str:
    """Return the most recent ISO week that has ended by the end of ``as_of``."""
    sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
    return iso_week(sunday)


def weeks_back(week: str, count: int) -> list[str]:
    """Return the ``count`` ISO weeks ending with ``week``, oldest first."""
    monday = week_start(week)
    return [iso_week(monday - dt.timedelta(weeks=back)) for back in range(count - 1, -1, -1)]


def check_not_future(when: dt.datetime, now: dt.datetime) -> None:
    """Refuse a ``log`` time more than five minutes after ``now``."""
    if when - now > FUTURE_SLACK:
        raise UsageError(
            f"{when:%Y-%m-%d %H:%M} is in the future",
            "log what has happened; use --when for a past time",
        )


def format_offset(when: dt.datetime) -> int:
    """Return the UTC offset of an aware datetime in whole minutes."""
    offset = when.utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)
