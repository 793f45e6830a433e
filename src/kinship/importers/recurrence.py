"""Recurrence rules expanded by date up to "now", with a guard that answers in milliseconds.

dateutil checks a rule's end only when it finds an occurrence, so a rule that can never match
(``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``) walks every day to the year 9999 (a minute of CPU),
and a sub-daily rule can yield millions of occurrences. Before expanding, ``check_rule`` looks at
the rule's day filters over a 28-year cycle (every weekday/leap-year pattern) and bounds the
number of occurrences up to the end; a rule that cannot match, or would pass
``MAX_OCCURRENCES``, is refused. Expansion (in ``ics``) stops at the first occurrence after now:
it is never cut at a count.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

MAX_OCCURRENCES = 100_000
"""More occurrences than this up to today is not a calendar a person keeps: refused."""

_CYCLE_START = dt.date(2000, 1, 1)
_CYCLE_DAYS = 28 * 366
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}


class RuleRefused(ValueError):
    """A recurrence rule that cannot be expanded; the message says why."""


def _ints(parts: Mapping[str, Sequence[Any]], key: str) -> list[int]:
    values: list[int] = []
    for value in parts.get(key) or ():
        try:
            values.append(int(str(value).lstrip("+")))
        except ValueError as exc:
            raise RuleRefused(f"{key}={value} is not a number") from exc
    return values


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - dt.date(year, month, 1)).days


def _day_filter(parts: Mapping[str, Sequence[Any]]) -> Any:
    """Return a predicate on dates: True when a day passes every day-level filter (a superset)."""
    months = set(_ints(parts, "BYMONTH"))
    monthdays = set(_ints(parts, "BYMONTHDAY"))
    yeardays = set(_ints(parts, "BYYEARDAY"))
    weeknos = set(_ints(parts, "BYWEEKNO"))
    weekdays: set[int] = set()
    for value in parts.get("BYDAY") or ():
        match = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", str(value).strip().upper())
        if match is None:
            raise RuleRefused(f"BYDAY={value} is not a weekday")
        weekdays.add(_WEEKDAYS.index(match[2]))

    def passes(day: dt.date) -> bool:
        if months and day.month not in months:
            return False
        if monthdays:
            length = _days_in_month(day.year, day.month)
            if day.day not in monthdays and day.day - length - 1 not in monthdays:
                return False
        if yeardays:
            length = 366 if _days_in_month(day.year, 2) == 29 else 365
            number = day.timetuple().tm_yday
            if number not in yeardays and number - length - 1 not in yeardays:
                return False
        if weeknos:
            week = day.isocalendar().week
            weeks = dt.date(day.year, 12, 28).isocalendar().week
            if week not in weeknos and week - weeks - 1 not in weeknos:
                return False
        return not weekdays or day.weekday() in weekdays

    return passes


def _slots_per_day(freq: str, interval: int, parts: Mapping[str, Sequence[Any]]) -> int:
    """Return at most how many times a day the rule can occur."""
    hours = len(set(_ints(parts, "BYHOUR"))) or (24 if freq in _SECONDS else 1)
    minutes = len(set(_ints(parts, "BYMINUTE"))) or (60 if freq in ("SECONDLY", "MINUTELY") else 1)
    seconds = len(set(_ints(parts, "BYSECOND"))) or (60 if freq == "SECONDLY" else 1)
    slots = hours * minutes * seconds
    if freq in _SECONDS:
        slots = min(slots, max(1, 86400 // (_SECONDS[freq] * interval)))
    return slots


def check_rule(parts: Mapping[str, Sequence[Any]], start: dt.date, end: dt.date) -> None:
    """Raise RuleRefused when the rule can never match or would pass MAX_OCCURRENCES by ``end``.

    ``parts`` is the rule as icalendar reads it (``{"FREQ": ["WEEKLY"], "BYDAY": ["MO"]…}``);
    ``start`` its first day, ``end`` the last day that counts (today, or UNTIL if earlier).
    """
    freq = str((parts.get("FREQ") or [""])[0]).upper()
    if freq not in (*_SECONDS, "DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise RuleRefused(f"FREQ={freq or '(none)'} is not a frequency")
    intervals = _ints(parts, "INTERVAL") or [1]
    interval = intervals[0]
    if interval < 1:
        raise RuleRefused(f"INTERVAL={interval} must be at least 1")
    passes = _day_filter(parts)
    if not any(passes(_CYCLE_START + dt.timedelta(days=offset)) for offset in range(_CYCLE_DAYS)):
        raise RuleRefused("it can never match a day (its BYMONTH/BYMONTHDAY/BYDAY… exclude every date)")
    counts = _ints(parts, "COUNT")
    if counts and counts[0] <= MAX_OCCURRENCES:
        return
    span = (end - start).days + 1
    if span <= 0:
        return
    slots = _slots_per_day(freq, interval, parts)
    if slots * span <= MAX_OCCURRENCES:
        return
    exact = not any(parts.get(key) for key in ("BYSETPOS", "BYWEEKNO", "BYYEARDAY")) and (
        freq in _SECONDS or (freq == "DAILY" and interval == 1)
    )
    if not exact:
        return  # the bound is loose: expansion counts for real
    days = sum(passes(start + dt.timedelta(days=offset)) for offset in range(span))
    if days * slots > MAX_OCCURRENCES:
        raise RuleRefused(f"it repeats more than {MAX_OCCURRENCES:,} times up to today")
