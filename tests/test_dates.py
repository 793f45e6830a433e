"""WHEN and DUR parsing: every form of the SPEC, past-biased, in several time zones."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from kinship import dates
from kinship.errors import UsageError

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
# Thursday 26 November 2026, 10:00 local
NOW_WALL = dt.datetime(2026, 11, 26, 10, 0)


def _now(zone: str) -> dt.datetime:
    return NOW_WALL.replace(tzinfo=ZoneInfo(zone))


WALL_CASES = [
    ("now", NOW_WALL),
    ("today", NOW_WALL),
    ("yesterday", dt.datetime(2026, 11, 25, 12, 0)),
    ("yesterday 7pm", dt.datetime(2026, 11, 25, 19, 0)),
    ("Yesterday 7 PM", dt.datetime(2026, 11, 25, 19, 0)),
    ("yesterday 19:30", dt.datetime(2026, 11, 25, 19, 30)),
    ("thursday", NOW_WALL),  # today is Thursday: today, and "today" means now
    ("friday", dt.datetime(2026, 11, 20, 12, 0)),  # never a future Friday
    ("monday", dt.datetime(2026, 11, 23, 12, 0)),
    ("last thursday", dt.datetime(2026, 11, 19, 12, 0)),
    ("last friday", dt.datetime(2026, 11, 20, 12, 0)),
    ("friday 8pm", dt.datetime(2026, 11, 20, 20, 0)),
    ("30min ago", dt.datetime(2026, 11, 26, 9, 30)),
    ("2h ago", dt.datetime(2026, 11, 26, 8, 0)),
    ("3d ago", dt.datetime(2026, 11, 23, 10, 0)),
    ("2w ago", dt.datetime(2026, 11, 12, 10, 0)),
    ("2026-11-20", dt.datetime(2026, 11, 20, 12, 0)),
    ("2026-11-20 18:30", dt.datetime(2026, 11, 20, 18, 30)),
    ("20 nov", dt.datetime(2026, 11, 20, 12, 0)),
    ("30 nov", dt.datetime(2025, 11, 30, 12, 0)),  # the most recent 30 November
    ("nov 20", dt.datetime(2026, 11, 20, 12, 0)),
    ("9:15", dt.datetime(2026, 11, 26, 9, 15)),
    ("November 3, 2026 5:45 PM", dt.datetime(2026, 11, 3, 17, 45)),
    ("2026-11-09T08:15", dt.datetime(2026, 11, 9, 8, 15)),  # ISO 8601, never read day-first
    # the everyday phrases of SPEC §4
    ("yesterday at 7pm", dt.datetime(2026, 11, 25, 19, 0)),
    ("yesterday at 19:30", dt.datetime(2026, 11, 25, 19, 30)),
    ("friday at 8 pm", dt.datetime(2026, 11, 20, 20, 0)),
    ("this morning", dt.datetime(2026, 11, 26, 9, 0)),
    ("yesterday evening", dt.datetime(2026, 11, 25, 19, 0)),
    ("yesterday afternoon", dt.datetime(2026, 11, 25, 15, 0)),
    ("yesterday noon", dt.datetime(2026, 11, 25, 12, 0)),
    ("yesterday at noon", dt.datetime(2026, 11, 25, 12, 0)),
    ("last night", dt.datetime(2026, 11, 25, 21, 0)),
    ("last friday evening", dt.datetime(2026, 11, 20, 19, 0)),
    ("an hour ago", dt.datetime(2026, 11, 26, 9, 0)),
    ("a day ago", dt.datetime(2026, 11, 25, 10, 0)),
    ("half an hour ago", dt.datetime(2026, 11, 26, 9, 30)),
]

# Thursday 26 November 2026, 20:00 local: late enough for every part of today
EVENING_CASES = [
    ("noon", dt.datetime(2026, 11, 26, 12, 0)),
    ("midday", dt.datetime(2026, 11, 26, 12, 0)),
    ("this morning", dt.datetime(2026, 11, 26, 9, 0)),
    ("this afternoon", dt.datetime(2026, 11, 26, 15, 0)),
    ("this evening", dt.datetime(2026, 11, 26, 19, 0)),
    ("tonight", dt.datetime(2026, 11, 26, 19, 0)),
    ("today at 7pm", dt.datetime(2026, 11, 26, 19, 0)),
]


@pytest.mark.parametrize(("text", "wall"), EVENING_CASES)
def test_parts_of_today(text: str, wall: dt.datetime) -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 11, 26, 20, 0, tzinfo=zone)
    assert dates.parse_when(text, now, zone).replace(tzinfo=None) == wall


@pytest.mark.parametrize(
    "text",
    ["tomorrow", "tomorrow 7pm", "next friday", "in 2 days", "tonight", "noon", "2026-11-27", "2030-01-01"],
)
def test_a_future_day_is_refused_as_in_the_future_not_as_unreadable(text: str) -> None:
    with pytest.raises(UsageError, match="in the future"):
        dates.parse_when(text, _now("Europe/Berlin"), ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("999999999d ago", "more than 100 years"),
        ("9" * 5000 + "d ago", "more than 100 years"),
        ("101y ago", "more than 100 years"),
        ("1899-12-31", "before 1900"),
        ("0001-01-01", "1900"),
        ("0001-01-01T00:00+14:00", "1900"),
        ("9999-12-31 23:59", "in the future|from 1900 to 5 minutes from now"),
        ("in 999999999 years", "more than 100 years"),
    ],
)
def test_times_out_of_range_name_the_limit(text: str, words: str) -> None:
    for zone in ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        with pytest.raises(UsageError, match=words):
            dates.parse_when(text, _now(zone), ZoneInfo(zone))


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_as_of_days_lie_in_the_years_1900_to_2999(text: str) -> None:
    with pytest.raises(UsageError, match=r"1900-2999|1900 to 2999"):
        dates.parse_day(text, _now("UTC"), ZoneInfo("UTC"))
    assert dates.parse_day("2999-12-31", _now("UTC"), ZoneInfo("UTC")) == dt.date(2999, 12, 31)
    assert dates.parse_day("tomorrow", _now("UTC"), ZoneInfo("UTC")) == dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    "text", ["2026-12-01", " 2026-12-01 ", "2026-12-1", "2026-12-01 09:00", "1 December 2026"]
)
def test_as_of_iso_days_read_the_same_with_or_without_the_fast_path(text: str) -> None:
    # YYYY-MM-DD skips the general reader; every other spelling of the day still reaches it
    for zone in ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        assert dates.parse_day(text, _now(zone), ZoneInfo(zone)) == dt.date(2026, 12, 1)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-1a-01"])
def test_as_of_impossible_iso_days_are_refused_by_the_general_reader(text: str) -> None:
    with pytest.raises(UsageError, match=re.escape(text)):
        dates.parse_day(text, _now("UTC"), ZoneInfo("UTC"))


@pytest.mark.parametrize("text", ["9999-W52", "0001-W01", "1899-W52", "3000-W01"])
def test_weeks_lie_in_the_years_1900_to_2999(text: str) -> None:
    with pytest.raises(UsageError, match="1900-2999"):
        dates.parse_week(text)
    assert dates.parse_week("2999w52") == "2999-W52"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2026-11-26T10:00", True),
        ("1900-01-01T00:00+00:00", True),
        ("0001-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_kinship_now_lies_in_the_years_1900_to_2999(text: str, ok: bool) -> None:
    if ok:
        assert dates.parse_now(text, ZoneInfo("UTC")).tzinfo is not None
    else:
        with pytest.raises(UsageError, match="KINSHIP_NOW"):
            dates.parse_now(text, ZoneInfo("UTC"))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("text", "wall"), WALL_CASES)
def test_when_forms_resolve_to_the_local_wall_time(zone: str, text: str, wall: dt.datetime) -> None:
    result = dates.parse_when(text, _now(zone), ZoneInfo(zone))
    assert result.tzinfo is not None
    assert result.replace(tzinfo=None) == wall


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    "text", ["bogus", "next friday", "yesterday 25:00", "2026-02-30", "", "3 parsecs ago", "05/06/2026"]
)
def test_unreadable_or_ambiguous_when_is_an_error_never_now(zone: str, text: str) -> None:
    with pytest.raises(UsageError):
        dates.parse_when(text, _now(zone), ZoneInfo(zone))


def test_ago_is_exact_elapsed_time_across_dst() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=zone)  # clocks went back at 03:00 that night
    result = dates.parse_when("24h ago", now, zone)
    utc = dt.UTC
    assert now.astimezone(utc) - result.astimezone(utc) == dt.timedelta(hours=24)
    assert result.replace(tzinfo=None) == dt.datetime(2026, 10, 24, 13, 0)
    # days are calendar days: the same wall time, whatever the clocks did
    assert dates.parse_when("1d ago", now, zone).replace(tzinfo=None) == dt.datetime(2026, 10, 24, 12, 0)


def test_iso_8601_with_an_offset_is_that_instant() -> None:
    zone = ZoneInfo("Europe/Berlin")
    result = dates.parse_when("2026-11-09T10:00:00+00:00", _now("Europe/Berlin"), zone)
    assert result.isoformat() == "2026-11-09T11:00:00+01:00"


def test_time_in_dst_overlap_gets_the_first_offset() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 10, 26, 9, 0, tzinfo=zone)
    result = dates.parse_when("2026-10-25 02:30", now, zone)
    assert result.utcoffset() == dt.timedelta(hours=2)
    assert result.isoformat() == "2026-10-25T02:30:00+02:00"


def test_time_in_dst_gap_is_refused_with_a_reason() -> None:
    zone = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 3, 30, 9, 0, tzinfo=zone)
    with pytest.raises(UsageError, match="does not exist"):
        dates.parse_when("2026-03-29 02:30", now, zone)


def test_lord_howe_half_hour_dst_gap_is_refused() -> None:
    zone = ZoneInfo("Australia/Lord_Howe")  # clocks jump 02:00 -> 02:30 on 4 October 2026
    now = dt.datetime(2026, 10, 5, 9, 0, tzinfo=zone)
    with pytest.raises(UsageError, match="does not exist"):
        dates.parse_when("2026-10-04 02:15", now, zone)
    assert dates.parse_when("2026-10-04 02:45", now, zone).utcoffset() == dt.timedelta(hours=11)


@pytest.mark.parametrize(
    ("text", "days"),
    [("3d", 3), ("2w", 14), ("1mo", 30), ("1y", 365), ("10 days", 10), ("2W", 14), ("6mo", 180)],
)
def test_durations(text: str, days: int) -> None:
    assert dates.parse_duration(text) == days


@pytest.mark.parametrize(
    "text", ["1m", "m", "0d", "2", "fortnight", "-3d", "3h", "101y", "99999999y", "9" * 5000 + "d"]
)
def test_bad_or_ambiguous_durations_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        dates.parse_duration(text)


@pytest.mark.parametrize(
    ("text", "birthday"),
    [
        ("1990-11-06", "1990-11-06"),
        ("--11-06", "--11-06"),
        ("11-06", "--11-06"),
        ("6 nov", "--11-06"),
        ("--02-29", "--02-29"),
    ],
)
def test_birthdays(text: str, birthday: str) -> None:
    assert dates.parse_birthday(text) == birthday


@pytest.mark.parametrize("text", ["--13-01", "1990-02-30", "someday"])
def test_bad_birthdays(text: str) -> None:
    with pytest.raises(UsageError):
        dates.parse_birthday(text)


@pytest.mark.parametrize(
    ("as_of", "week"),
    [
        (dt.date(2026, 11, 26), "2026-W47"),  # Thursday: the week before
        (dt.date(2026, 11, 29), "2026-W48"),  # Sunday: the week ending today
        (dt.date(2026, 11, 30), "2026-W48"),  # Monday
        (dt.date(2027, 1, 4), "2026-W53"),  # 2026 has 53 ISO weeks
        (dt.date(2021, 1, 4), "2020-W53"),
        (dt.date(2025, 12, 29), "2025-W52"),
    ],
)
def test_last_ended_week(as_of: dt.date, week: str) -> None:
    assert dates.last_ended_week(as_of) == week


def test_weeks_back_crosses_year_end() -> None:
    assert dates.weeks_back("2027-W02", 4) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]


def test_week_start_refuses_nonsense() -> None:
    assert dates.week_start("2026-W47") == dt.date(2026, 11, 16)
    with pytest.raises(UsageError):
        dates.week_start("2025-W53")
    with pytest.raises(UsageError):
        dates.week_start("week 47")


@pytest.mark.parametrize(
    "text", ["2026-W47", "2026-W01", "2026-W53", "2020-W53", "2026-w47", " 2026-W47", "2026W47", "2026-W4"]
)
def test_week_start_reads_iso_weeks_with_and_without_the_fast_path(text: str) -> None:
    # iso_week's own form skips the regular expression: both roads give the same Monday
    monday = dates.week_start(text)
    assert monday.weekday() == 0
    assert dates.iso_week(monday) == dates.parse_week(text)
    assert dates.week_start(dates.iso_week(monday)) == monday


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2025-W53", "2026-W4x", "2026-W470"])
def test_week_start_refuses_what_is_not_a_week(text: str) -> None:
    with pytest.raises(UsageError):
        dates.week_start(text)


def test_future_is_refused_beyond_five_minutes() -> None:
    zone = ZoneInfo("UTC")
    now = dt.datetime(2026, 11, 26, 10, 0, tzinfo=zone)
    dates.check_not_future(now + dt.timedelta(minutes=5), now)
    with pytest.raises(UsageError, match="future"):
        dates.check_not_future(now + dt.timedelta(minutes=6), now)
