"""The nudge engine's rules, pinned with plain values: every kind, its thresholds and its edges."""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

import pytest

from kinship.engine import (
    NO_BASELINE_MIN_DIGITAL,
    assign_handles,
    compute_nudges,
    contact_status,
    crowded_verdict,
    due_reminders,
    every_words,
    face_to_face_rhythm,
    group_rhythm,
    key_hash,
    match_handle,
    median_count,
    median_days,
    next_birthday,
    nudge_board,
    nudge_json,
    parse_birthday_text,
    reminder_digest,
    rhythm,
    round_half_up,
)
from kinship.models import (
    ContactRef,
    ContactSummary,
    Dismissal,
    GroupSummary,
    Nudge,
    NudgeState,
    Reminder,
    Settings,
    Snooze,
    WeekCount,
)

SETTINGS = Settings()
AS_OF = dt.date(2026, 3, 1)  # a Sunday: the week last ended is 2026-W09
ANA = ContactRef("c-ana", "Ana Lima")
BEN = ContactRef("c-ben", "Ben Ode")
NO_STATE = NudgeState()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ago(days: int, as_of: dt.date = AS_OF) -> dt.date:
    return as_of - dt.timedelta(days=days)


def summary(
    contact: ContactRef = ANA,
    *,
    days: tuple[dt.date, ...] = (),
    face_to_face_days: tuple[dt.date, ...] | None = None,
    circle: str | None = None,
    every_days: int | None = None,
    birthday: str | None = None,
    archived: bool = False,
    created_day: dt.date = dt.date(2024, 1, 1),
    digital_since_face_to_face: int = 0,
) -> ContactSummary:
    """Return a summary whose last days follow from ``days`` and ``face_to_face_days`` (dates here,
    day ordinals in the summary, as the store gives them)."""
    ordered = tuple(sorted(set(days)))
    face = tuple(sorted(set(ordered if face_to_face_days is None else face_to_face_days)))
    return ContactSummary(
        contact=contact,
        circle=circle,
        every_days=every_days,
        birthday=birthday,
        archived=archived,
        created_day=created_day,
        days=tuple(map(dt.date.toordinal, ordered)),
        face_to_face_days=tuple(map(dt.date.toordinal, face)),
        last_day=ordered[-1] if ordered else None,
        last_face_to_face_day=face[-1] if face else None,
        digital_since_face_to_face=digital_since_face_to_face,
    )


def spaced(last: dt.date, gaps: list[int]) -> tuple[dt.date, ...]:
    """Return days ending on ``last`` whose consecutive gaps are ``gaps`` (oldest gap first)."""
    result = [last]
    for gap in reversed(gaps):
        result.append(result[-1] - dt.timedelta(days=gap))
    return tuple(sorted(result))


def nudges_for(
    summaries: list[ContactSummary],
    *,
    weeks: dict[str, WeekCount] | None = None,
    last_face_to_face_day: dt.date | None = None,
    state: NudgeState = NO_STATE,
    settings: Settings = SETTINGS,
    as_of: dt.date = AS_OF,
    groups: list[GroupSummary] | None = None,
) -> list[Nudge]:
    return compute_nudges(summaries, weeks or {}, last_face_to_face_day, state, settings, as_of, groups or [])


def kinds(nudges: list[Nudge]) -> list[str]:
    return [nudge.kind for nudge in nudges]


def only(nudges: list[Nudge], kind: str) -> Nudge:
    matching = [nudge for nudge in nudges if nudge.kind == kind]
    assert len(matching) == 1, nudges
    return matching[0]


# --- medians and rounding --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gaps", "expected"),
    [
        ([], None),
        ([5], 5),
        ([3, 1, 2], 2),
        ([1, 3], 2),
        ([1, 2], 2),  # 1.5 rounds half up
        ([2, 3], 3),  # 2.5 rounds half up, not to even
        ([1, 4], 3),
        ([10, 20, 30, 40], 25),
        ([40, 10, 30, 20, 50], 30),
        ([11, 13, 12, 10], 12),  # 11.5 -> 12
    ],
)
def test_median_days_takes_the_middle_and_rounds_halves_up(gaps: list[int], expected: int | None) -> None:
    assert median_days(gaps) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([3], 3.0), ([0, 0, 1, 2], 0.5), ([4, 4, 4, 0, 0, 0, 0, 4], 2.0), ([1, 9, 2], 2.0)],
)
def test_median_count_is_the_plain_median(values: list[int], expected: float | None) -> None:
    assert median_count(values) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(2.5833, 2, 2.58), (1.125, 2, 1.13), (0.925, 2, 0.93), (4.25, 1, 4.3), (31 / 12, 2, 2.58)],
)
def test_round_half_up(value: float, places: int, expected: float) -> None:
    assert round_half_up(value, places) == expected


# --- rhythm ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"every_days": 10, "days": spaced(ago(1), [3, 3, 3]), "circle": "family"}, (10, "explicit")),
        ({"days": spaced(ago(1), [10, 14, 12])}, (12, "learned")),
        ({"days": spaced(ago(1), [10, 14, 12]), "circle": "community"}, (12, "learned")),
        ({"days": spaced(ago(1), [10, 11, 12, 13])}, (12, "learned")),  # even: 11.5 -> 12
        ({"days": spaced(ago(1), [10, 12]), "circle": "friends"}, (30, "circle")),  # 3 days < 4
        ({"days": spaced(ago(1), [10, 12])}, (None, None)),
        ({"circle": "family"}, (14, "circle")),
        ({"circle": "community"}, (60, "circle")),
        ({"circle": "unknown-circle"}, (None, None)),
        ({}, (None, None)),
        ({"every_days": 0, "circle": "friends"}, (30, "circle")),
    ],
)
def test_rhythm_is_explicit_then_learned_then_circle(
    case: dict[str, Any], expected: tuple[int | None, str | None]
) -> None:
    assert rhythm(summary(**case), SETTINGS) == expected


def test_learned_rhythm_needs_learn_min_days_distinct_days() -> None:
    three_days = summary(days=spaced(ago(1), [9, 11]), circle="friends")
    assert rhythm(three_days, SETTINGS) == (30, "circle")
    assert rhythm(three_days, Settings(learn_min_days=3)) == (10, "learned")


def workdays(last: dt.date) -> tuple[dt.date, ...]:
    """Return twelve weeks of workdays ending on ``last``: gaps of 1 and 3 days, median 1."""
    return tuple(
        last - dt.timedelta(days=n) for n in range(84) if (last - dt.timedelta(days=n)).weekday() < 5
    )


WORKDAYS = workdays(ago(2))  # AS_OF is a Sunday: the last workday is Friday


@pytest.mark.parametrize(
    ("case", "settings", "expected"),
    [
        ({"days": WORKDAYS}, SETTINGS, (7, "learned")),  # median 1, floored at min_rhythm_days
        ({"days": WORKDAYS}, Settings(min_rhythm_days=1), (1, "learned")),
        ({"days": WORKDAYS}, Settings(min_rhythm_days=3), (3, "learned")),
        ({"days": spaced(ago(1), [6, 6, 6])}, SETTINGS, (7, "learned")),  # one day under the floor
        ({"days": spaced(ago(1), [7, 7, 7])}, SETTINGS, (7, "learned")),  # at the floor
        ({"days": spaced(ago(1), [8, 8, 8])}, SETTINGS, (8, "learned")),  # one day over
        ({"days": WORKDAYS, "every_days": 2}, SETTINGS, (2, "explicit")),  # a wish is never floored
    ],
)
def test_learned_rhythm_is_never_below_min_rhythm_days(
    case: dict[str, Any], settings: Settings, expected: tuple[int, str]
) -> None:
    assert rhythm(summary(**case), settings) == expected


@pytest.mark.parametrize(("days_since", "fading"), [(10, False), (11, True)])
def test_a_workday_colleague_is_not_fading_after_a_week_off(days_since: int, fading: bool) -> None:
    finn = summary(days=workdays(ago(days_since)))  # both a Wednesday or Thursday
    assert finn.last_day == ago(days_since)
    assert ("fading" in kinds(nudges_for([finn]))) is fading  # 10 = 1.5 x 7 - 0.5; 11 > 10.5


def test_circle_rhythm_comes_from_the_circles_setting() -> None:
    assert rhythm(summary(circle="friends"), Settings(circles={"friends": 21})) == (21, "circle")


@pytest.mark.parametrize(
    ("face_days", "expected"),
    [
        ((), None),
        ((day("2026-01-01"),), None),
        ((day("2026-01-01"), day("2026-01-15")), 14),
        (spaced(day("2026-02-01"), [7, 8]), 8),  # 7.5 -> 8
        (spaced(day("2026-02-01"), [7, 21, 14]), 14),
    ],
)
def test_face_to_face_rhythm_is_the_median_gap(face_days: tuple[dt.date, ...], expected: int | None) -> None:
    assert face_to_face_rhythm(summary(days=face_days, face_to_face_days=face_days)) == expected


def test_days_across_a_dst_change_count_as_calendar_days() -> None:
    # Europe's clocks went forward on 2026-03-29 and back on 2026-10-25: a day is still a day.
    days = (day("2026-03-27"), day("2026-03-28"), day("2026-03-29"), day("2026-03-30"))
    assert rhythm(summary(days=days), Settings(min_rhythm_days=1)) == (1, "learned")
    autumn = summary(days=(day("2026-10-25"),), every_days=10)
    nudge = only(nudges_for([autumn], as_of=day("2026-11-10")), "fading")
    assert nudge.details["days_since"] == 16


# --- fading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rhythm_days", "days_since", "fading"),
    [
        (10, 15, False),  # exactly 1.5x is not fading
        (10, 16, True),
        (13, 19, False),  # 19 < 19.5
        (13, 20, True),
        (14, 21, False),
        (14, 22, True),
        (30, 0, False),
    ],
)
def test_fading_fires_strictly_above_fade_factor_times_rhythm(
    rhythm_days: int, days_since: int, fading: bool
) -> None:
    contact = summary(days=(ago(days_since),), every_days=rhythm_days)
    assert ("fading" in kinds(nudges_for([contact]))) is fading
    assert (contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "fading") is fading


def test_fading_nudge_carries_key_score_details_and_a_kind_message() -> None:
    days = spaced(ago(31), [12, 10, 14, 12])
    nudge = only(nudges_for([summary(days=days)]), "fading")
    assert nudge.key == f"fading:c-ana:{ago(31).isoformat()}"
    assert nudge.score == 2.58
    assert nudge.contact == ANA
    assert dict(nudge.details) == {"days_since": 31, "rhythm_days": 12}
    assert (
        nudge.message == "You usually see Ana Lima every 12 days; it has been 31 - a good week to reconnect."
    )
    assert "neglect" not in nudge.message


@pytest.mark.parametrize(
    ("case", "expected_words"),
    [
        ({"every_days": 7}, "You hoped to see Ana Lima every 7 days; it has been 40"),
        ({"circle": "family"}, "for family, about every 14 days"),
        (
            {"face_to_face_days": (), "days": spaced(ago(40), [9, 9, 9])},
            "You usually talk to Ana Lima every 9 days",
        ),
    ],
)
def test_fading_message_says_where_the_rhythm_comes_from(case: dict[str, Any], expected_words: str) -> None:
    case.setdefault("days", (ago(40),))
    nudge = only(nudges_for([summary(**case)]), "fading")
    assert expected_words in nudge.message


def test_learned_rhythm_fading_uses_the_learned_gap_not_the_circle() -> None:
    weekly = summary(days=spaced(ago(11), [7, 7, 7, 7]), circle="community")
    assert only(nudges_for([weekly]), "fading").details == {"days_since": 11, "rhythm_days": 7}


def test_contact_without_rhythm_is_never_nudged_for_rhythm() -> None:
    contact = summary(days=(ago(400), ago(300)), face_to_face_days=())
    assert nudges_for([contact]) == []
    assert contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "no_rhythm"


def test_never_contacted_with_explicit_rhythm_is_measured_from_when_added() -> None:
    added = ago(20)
    contact = summary(every_days=10, created_day=added)
    nudge = only(nudges_for([contact]), "fading")
    assert nudge.key == f"fading:c-ana:{added.isoformat()}"
    assert nudge.details == {"days_since": 20, "rhythm_days": 10}
    assert "have not logged anything yet" in nudge.message
    assert contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "fading"
    recent = summary(every_days=10, created_day=ago(12))
    assert nudges_for([recent]) == []
    assert contact_status(recent, NO_STATE, SETTINGS, AS_OF) == "due"


def test_never_contacted_with_circle_rhythm_is_not_measured() -> None:
    imported = [
        summary(ContactRef(f"c-{n}", f"Person {n}"), circle="friends", created_day=ago(900))
        for n in range(50)
    ]
    assert nudges_for(imported) == []
    assert {contact_status(contact, NO_STATE, SETTINGS, AS_OF) for contact in imported} == {"ok"}


def test_archived_contact_gets_no_nudge_at_all() -> None:
    contact = summary(
        days=(ago(200),), every_days=7, birthday="--03-02", archived=True, digital_since_face_to_face=5
    )
    assert nudges_for([contact]) == []
    assert contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "archived"


# --- online only -----------------------------------------------------------------------------


def online(days_since_face: int, face_gap: int = 14, face_days: int = 3, digital: int = 2) -> ContactSummary:
    face = spaced(ago(days_since_face), [face_gap] * (face_days - 1))
    digital_days = (ago(1),) if digital else ()
    return summary(
        days=face + digital_days,
        face_to_face_days=face,
        circle="friends",
        digital_since_face_to_face=digital,
    )


@pytest.mark.parametrize(
    ("contact", "fires"),
    [
        (online(28), False),  # 28 is not above 2 x 14
        (online(29), True),
        (online(20, face_gap=7), False),  # above 2 x 7 but under 28 days
        (online(27, face_gap=7), False),
        (online(28, face_gap=7), True),  # 28 days is enough (>= 28)
        (online(60, face_days=2), False),  # only 2 face-to-face days
        (online(60, digital=1), False),  # one digital contact since is not enough
        (online(60, digital=0), False),
        (online(60, face_days=4), True),
    ],
)
def test_online_only_edges(contact: ContactSummary, fires: bool) -> None:
    assert ("online_only" in kinds(nudges_for([contact]))) is fires
    assert (contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "online_only") is fires


def test_online_only_nudge_fields() -> None:
    contact = online(63, digital=9)
    nudge = only(nudges_for([contact]), "online_only")
    assert nudge.key == f"online_only:c-ana:{ago(63).isoformat()}"
    assert nudge.score == 4.5
    assert dict(nudge.details) == {
        "days_since_face_to_face": 63,
        "face_to_face_rhythm_days": 14,
        "digital_since": 9,
    }
    assert "63 days" in nudge.message and "14 days" in nudge.message and "9 digital contacts" in nudge.message


def test_online_only_thresholds_are_configurable() -> None:
    contact = online(20, face_gap=7)
    settings = Settings(online_only_min_days=14, online_only_factor=2.5)
    assert "online_only" in kinds(nudges_for([contact], settings=settings))
    assert "online_only" not in kinds(nudges_for([contact], settings=Settings(online_only_min_digital=3)))


# --- crowded weeks ---------------------------------------------------------------------------

W = "2026-W09"  # last ended by AS_OF (Sunday 2026-03-01)
BASELINE_WEEKS = [
    "2026-W01",
    "2026-W02",
    "2026-W03",
    "2026-W04",
    "2026-W05",
    "2026-W06",
    "2026-W07",
    "2026-W08",
]


def weeks_with(
    face: int, digital: int, baseline: list[tuple[int, int]] | None = None
) -> dict[str, WeekCount]:
    weeks = {W: WeekCount(W, face, digital)}
    for name, (base_face, base_digital) in zip(BASELINE_WEEKS, baseline or [], strict=False):
        weeks[name] = WeekCount(name, base_face, base_digital)
    return weeks


USUAL = [(4, 3)] * 8


@pytest.mark.parametrize(
    ("face", "digital", "baseline", "crowded"),
    [
        (0, NO_BASELINE_MIN_DIGITAL, None, True),
        (0, 4, None, False),
        (1, 6, None, False),  # without a baseline F must be 0
        (0, 5, [(1, 1)] * 3, True),  # 3 active weeks: still no baseline
        (1, 12, USUAL, True),
        (4, 12, USUAL, False),  # F not below its baseline
        (1, 3, USUAL, False),  # D not above its baseline
        (0, 3, [(4, 2)] * 8, True),  # D >= 3 and >= 2 x max(F, 1)
        (2, 3, [(4, 2)] * 8, False),  # 3 < 2 x 2
        (2, 4, [(4, 2)] * 8, True),
        (0, 2, [(4, 1)] * 8, False),  # fewer than 3 digital
        (2, 4, [(0, 0)] * 4 + [(4, 3)] * 4, False),  # empty weeks count: baseline F is 2, D 1.5
        (1, 4, [(0, 0)] * 4 + [(4, 3)] * 4, True),
        (1, 4, [(4, 4)] * 8, False),  # the same week against eight busier weeks: D not above 4
    ],
)
def test_crowded_week_rule(
    face: int, digital: int, baseline: list[tuple[int, int]] | None, crowded: bool
) -> None:
    weeks = weeks_with(face, digital, baseline)
    assert crowded_verdict(W, weeks, SETTINGS).crowded is crowded
    assert ("crowded_week" in kinds(nudges_for([], weeks=weeks))) is crowded


def test_crowded_nudge_carries_counts_and_baselines() -> None:
    nudge = only(nudges_for([], weeks=weeks_with(1, 12, USUAL)), "crowded_week")
    assert nudge.key == "crowded_week:2026-W09"
    assert nudge.score == 0.92
    assert nudge.contact is None
    assert dict(nudge.details) == {
        "week": "2026-W09",
        "face_to_face": 1,
        "digital": 12,
        "baseline_face_to_face": 4.0,
        "baseline_digital": 3.0,
    }
    assert "12 digital contacts and 1 face to face" in nudge.message
    assert "about 3 digital and 4 face to face" in nudge.message


def test_crowded_without_baseline_has_null_baselines() -> None:
    nudge = only(nudges_for([], weeks=weeks_with(0, 6)), "crowded_week")
    assert nudge.details["baseline_face_to_face"] is None
    assert nudge.details["baseline_digital"] is None
    assert nudge.score == 1.0
    assert nudge_json(nudge)["baseline_digital"] is None


def test_baseline_needs_baseline_min_weeks_with_any_interaction() -> None:
    three = weeks_with(1, 1, [(2, 0), (0, 1), (1, 1)])
    assert crowded_verdict(W, three, SETTINGS).has_baseline is False
    four = weeks_with(1, 1, [(2, 0), (0, 1), (1, 1), (0, 1)])
    verdict = crowded_verdict(W, four, SETTINGS)
    assert (verdict.baseline_face_to_face, verdict.baseline_digital) == (0.0, 0.0)
    assert crowded_verdict(W, three, Settings(baseline_min_weeks=3)).has_baseline is True


def test_weeks_before_the_baseline_window_are_ignored() -> None:
    weeks = weeks_with(1, 12)
    weeks.update({f"2025-W{n}": WeekCount(f"2025-W{n}", 4, 3) for n in range(40, 53)})
    assert crowded_verdict(W, weeks, SETTINGS).has_baseline is False


@pytest.mark.parametrize(
    ("as_of", "week"),
    [
        (day("2026-03-01"), "2026-W09"),  # a Sunday: this week has ended
        (day("2026-03-02"), "2026-W09"),  # a Monday: last week
        (day("2026-03-07"), "2026-W09"),
        (day("2021-01-03"), "2020-W53"),  # 2020 had 53 ISO weeks
        (day("2027-01-03"), "2026-W53"),  # so does 2026
        (day("2027-01-10"), "2027-W01"),
        (day("2026-01-04"), "2026-W01"),
        (day("2025-12-28"), "2025-W52"),
    ],
)
def test_crowded_week_is_the_week_last_ended_by_as_of(as_of: dt.date, week: str) -> None:
    nudges = nudges_for([], weeks={week: WeekCount(week, 0, 7)}, as_of=as_of)
    assert [nudge.key for nudge in nudges] == [f"crowded_week:{week}"]


def test_baseline_crosses_the_year_end() -> None:
    # 2027-W01's eight weeks before are 2026-W46 .. 2026-W53.
    baseline = {f"2026-W{n}": WeekCount(f"2026-W{n}", 4, 3) for n in range(46, 54)}
    weeks = {**baseline, "2027-W01": WeekCount("2027-W01", 1, 12)}
    verdict = crowded_verdict("2027-W01", weeks, SETTINGS)
    assert (verdict.baseline_face_to_face, verdict.baseline_digital, verdict.crowded) == (4.0, 3.0, True)
    without_w53 = {name: count for name, count in weeks.items() if name != "2026-W53"}
    assert crowded_verdict("2027-W01", without_w53, SETTINGS).baseline_digital == 3.0  # W53 empty


def test_next_week_is_a_new_crowded_episode() -> None:
    weeks = {"2026-W09": WeekCount("2026-W09", 0, 7), "2026-W10": WeekCount("2026-W10", 0, 8)}
    state = NudgeState(dismissals=(Dismissal("crowded_week:2026-W09", day("2026-03-01")),))
    assert nudges_for([], weeks=weeks, state=state) == []
    later = nudges_for([], weeks=weeks, state=state, as_of=day("2026-03-08"))
    assert [nudge.key for nudge in later] == ["crowded_week:2026-W10"]


# --- isolation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_since", "fires"),
    [(0, False), (13, False), (14, True), (50, True), (103, True), (104, False), (400, False)],
)
def test_isolation_edges(days_since: int, fires: bool) -> None:
    nudges = nudges_for([], last_face_to_face_day=ago(days_since))
    assert ("isolation" in kinds(nudges)) is fires


def test_no_face_to_face_ever_is_not_isolation() -> None:
    assert nudges_for([], last_face_to_face_day=None) == []


def test_isolation_nudge_fields_and_message() -> None:
    nudge = only(nudges_for([], last_face_to_face_day=ago(16)), "isolation")
    assert nudge.key == f"isolation:{ago(16).isoformat()}"
    assert nudge.score == 1.14
    assert nudge.details == {"days_since_face_to_face": 16}
    assert nudge.contact is None
    assert "16 days" in nudge.message
    assert "club" in nudge.message and "class" in nudge.message and "volunteering" in nudge.message


def test_isolation_days_is_configurable() -> None:
    nudge = only(
        nudges_for([], last_face_to_face_day=ago(7), settings=Settings(isolation_days=7)), "isolation"
    )
    assert nudge.score == 1.0
    assert nudges_for([], last_face_to_face_day=ago(6), settings=Settings(isolation_days=7)) == []


# --- birthdays -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthday", "as_of", "key_tail", "score"),
    [
        ("--03-04", "2026-03-01", "2026-03-04:soon", 1.57),
        ("1990-03-04", "2026-03-01", "2026-03-04:soon", 1.57),
        ("--03-04", "2026-03-04", "2026-03-04:today", 2.0),
        ("--03-04", "2026-03-03", "2026-03-04:soon", 1.86),
        ("--03-08", "2026-03-01", "2026-03-08:soon", 1.0),  # 7 days ahead
        ("--01-02", "2026-12-28", "2027-01-02:soon", 1.29),  # across the year end
        ("--01-01", "2026-12-31", "2027-01-01:soon", 1.86),
        ("--02-29", "2027-02-25", "2027-02-28:soon", 1.57),  # non-leap year: 28 February
        ("--02-29", "2028-02-25", "2028-02-29:soon", 1.43),
        ("2000-02-29", "2027-02-28", "2027-02-28:today", 2.0),
    ],
)
def test_birthday_soon_and_today(birthday: str, as_of: str, key_tail: str, score: float) -> None:
    contact = summary(birthday=birthday)
    nudge = only(nudges_for([contact], as_of=day(as_of)), "birthday")
    assert nudge.key == f"birthday:c-ana:{key_tail}"
    assert nudge.score == score
    assert nudge.details == {"date": key_tail.split(":")[0]}
    assert nudge.contact == ANA


@pytest.mark.parametrize(
    ("birthday", "as_of"),
    [
        ("--03-09", "2026-03-01"),  # 8 days ahead
        ("--02-28", "2026-03-01"),  # yesterday
        ("2026-03-04", "2026-03-01"),  # not born yet
        ("2026-03-01", "2026-03-01"),  # the day of birth is no birthday
        ("not a date", "2026-03-01"),
        ("--13-01", "2026-03-01"),
        ("", "2026-03-01"),
        (None, "2026-03-01"),
    ],
)
def test_no_birthday_nudge(birthday: str | None, as_of: str) -> None:
    assert nudges_for([summary(birthday=birthday)], as_of=day(as_of)) == []


def test_birthday_messages() -> None:
    soon = only(nudges_for([summary(birthday="1990-03-04")]), "birthday")
    assert soon.message.startswith("Ana Lima's birthday is in 3 days, on Wednesday 4 March (turning 36)")
    tomorrow = only(nudges_for([summary(birthday="--03-02")]), "birthday")
    assert "tomorrow" in tomorrow.message and "turning" not in tomorrow.message
    today = only(nudges_for([summary(birthday="--03-01")]), "birthday")
    assert "birthday today" in today.message


def test_birthday_days_is_configurable() -> None:
    contact = summary(birthday="--03-15")
    assert nudges_for([contact]) == []
    nudge = only(nudges_for([contact], settings=Settings(birthday_days=14)), "birthday")
    assert nudge.score == 1.0


def test_birthday_comes_without_rhythm() -> None:
    assert kinds(nudges_for([summary(birthday="--03-03")])) == ["birthday"]


@pytest.mark.parametrize(
    ("text", "as_of", "expected"),
    [
        ("--12-31", "2026-12-31", "2026-12-31"),
        ("--01-01", "2026-12-31", "2027-01-01"),
        ("--02-29", "2026-03-01", "2027-02-28"),
        ("1999-06-01", "2026-06-02", "2027-06-01"),
    ],
)
def test_next_birthday(text: str, as_of: str, expected: str) -> None:
    birthday = parse_birthday_text(text)
    assert birthday is not None
    assert next_birthday(birthday, day(as_of)) == day(expected)


# --- snoozes, dismissals and their days ------------------------------------------------------


def fading_ana() -> ContactSummary:
    return summary(days=(ago(40),), every_days=10, birthday="--03-03")


FADING_KEY = f"fading:c-ana:{ago(40).isoformat()}"


@pytest.mark.parametrize(
    ("snooze", "quiet"),
    [
        (Snooze(made=ago(3), until=ago(-5), contact_id="c-ana"), True),
        (Snooze(made=AS_OF, until=ago(-1), contact_id="c-ana"), True),  # made today counts
        (Snooze(made=ago(10), until=AS_OF, contact_id="c-ana"), False),  # until is the first free day
        (Snooze(made=ago(-1), until=ago(-9), contact_id="c-ana"), False),  # made after as_of
        (Snooze(made=ago(3), until=ago(-5), contact_id="c-ben"), False),
        (Snooze(made=ago(3), until=ago(-5), key=FADING_KEY), True),
        (Snooze(made=ago(3), until=ago(-5), key="fading:c-ana:2020-01-01"), False),
    ],
)
def test_snooze_quiets_while_in_force(snooze: Snooze, quiet: bool) -> None:
    nudges = nudges_for([fading_ana()], state=NudgeState(snoozes=(snooze,)))
    assert ("fading" not in kinds(nudges)) is quiet
    # a contact snooze leaves the contact out altogether; a key snooze only its key
    assert ("birthday" in kinds(nudges)) is not (quiet and snooze.contact_id is not None)


def online_and_fading(circle: str | None = "friends") -> ContactSummary:
    face = spaced(ago(120), [14, 14])
    return summary(
        days=(*face, ago(100)),
        face_to_face_days=face,
        circle=circle,
        every_days=30,
        birthday="--03-02",
        digital_since_face_to_face=2,
    )


def test_contact_snooze_leaves_the_contact_out_birthdays_included() -> None:
    contact = online_and_fading()
    state = NudgeState(snoozes=(Snooze(made=ago(1), until=ago(-14), contact_id="c-ana"),))
    assert sorted(kinds(nudges_for([contact]))) == ["birthday", "fading", "online_only"]
    assert kinds(nudges_for([contact], state=state)) == []
    assert contact_status(contact, state, SETTINGS, AS_OF) == "snoozed"


def test_birthday_key_snooze_quiets_the_birthday() -> None:
    key = "birthday:c-ana:2026-03-03:soon"
    state = NudgeState(snoozes=(Snooze(made=ago(1), until=ago(-7), key=key),))
    assert "birthday" not in kinds(nudges_for([fading_ana()], state=state))


@pytest.mark.parametrize(
    ("dismissal", "quiet"),
    [
        (Dismissal(FADING_KEY, ago(5)), True),
        (Dismissal(FADING_KEY, AS_OF), True),
        (Dismissal(FADING_KEY, ago(-1)), False),  # made after as_of: not yet
        (Dismissal("fading:c-ana:2025-01-01", ago(5)), False),
    ],
)
def test_dismissal_quiets_its_key_from_the_day_it_was_made(dismissal: Dismissal, quiet: bool) -> None:
    nudges = nudges_for([fading_ana()], state=NudgeState(dismissals=(dismissal,)))
    assert ("fading" not in kinds(nudges)) is quiet


def test_a_new_interaction_starts_a_new_fading_episode() -> None:
    state = NudgeState(dismissals=(Dismissal(FADING_KEY, ago(5)),))
    assert nudges_for([summary(days=(ago(40),), every_days=10)], state=state) == []
    # a message 30 days ago does not fit the rhythm either: a new key, so it shows again
    newer = summary(days=(ago(40), ago(30)), every_days=10)
    nudge = only(nudges_for([newer], state=state), "fading")
    assert nudge.key == f"fading:c-ana:{ago(30).isoformat()}"


def test_looking_back_gives_the_answer_of_that_day() -> None:
    state = NudgeState(
        snoozes=(Snooze(made=day("2026-03-05"), until=day("2026-03-20"), contact_id="c-ana"),),
        dismissals=(Dismissal("isolation:2026-02-01", day("2026-03-10")),),
    )
    contact = summary(days=(day("2026-02-01"),), every_days=10)
    before = nudges_for([contact], state=state, last_face_to_face_day=day("2026-02-01"))
    assert sorted(kinds(before)) == ["fading", "isolation"]
    during = nudges_for(
        [contact], state=state, last_face_to_face_day=day("2026-02-01"), as_of=day("2026-03-12")
    )
    assert during == []


@pytest.mark.parametrize(
    ("case", "state", "expected"),
    [
        ({"days": (ago(5),), "every_days": 10}, NO_STATE, "ok"),
        ({"days": (ago(10),), "every_days": 10}, NO_STATE, "ok"),
        ({"days": (ago(11),), "every_days": 10}, NO_STATE, "due"),
        ({"days": (ago(15),), "every_days": 10}, NO_STATE, "due"),
        ({"days": (ago(16),), "every_days": 10}, NO_STATE, "fading"),
        ({"days": (ago(16),)}, NO_STATE, "no_rhythm"),
        ({"circle": "friends"}, NO_STATE, "ok"),
        ({"every_days": 10, "created_day": ago(11)}, NO_STATE, "due"),
        ({"days": (ago(16),), "every_days": 10, "archived": True}, NO_STATE, "archived"),
        (
            {"days": (ago(16),), "every_days": 10},
            NudgeState(snoozes=(Snooze(ago(1), ago(-3), contact_id="c-ana"),)),
            "snoozed",
        ),
        (
            {"days": (ago(16),), "every_days": 10},
            NudgeState(snoozes=(Snooze(ago(1), ago(-3), key=f"fading:c-ana:{ago(16).isoformat()}"),)),
            "snoozed",
        ),
        (
            {"days": (ago(16),), "every_days": 10},
            NudgeState(dismissals=(Dismissal(f"fading:c-ana:{ago(16).isoformat()}", ago(1)),)),
            "fading",
        ),
        (
            {"days": (ago(16),), "every_days": 10},
            NudgeState(snoozes=(Snooze(ago(-1), ago(-3), contact_id="c-ana"),)),
            "fading",
        ),
    ],
)
def test_contact_status(case: dict[str, Any], state: NudgeState, expected: str) -> None:
    assert contact_status(summary(**case), state, SETTINGS, AS_OF) == expected


def test_online_only_status_wins_over_fading_and_no_rhythm() -> None:
    contact = online_and_fading()
    assert sorted(kinds(nudges_for([contact]))) == ["birthday", "fading", "online_only"]
    assert contact_status(contact, NO_STATE, SETTINGS, AS_OF) == "online_only"
    no_rhythm = online(120, face_days=3)
    no_rhythm = no_rhythm._replace(circle=None)
    assert rhythm(no_rhythm, Settings(learn_min_days=10)) == (None, None)
    assert contact_status(no_rhythm, NO_STATE, Settings(learn_min_days=10), AS_OF) == "online_only"


# --- ordering and JSON -----------------------------------------------------------------------


def test_nudges_are_ordered_by_score_then_key() -> None:
    contacts = [
        summary(BEN, days=(ago(20),), every_days=10),  # 2.0
        summary(ANA, days=(ago(20),), every_days=10),  # 2.0, key sorts first
        summary(ContactRef("c-cy", "Cy Park"), days=(ago(30),), every_days=10),  # 3.0
    ]
    nudges = nudges_for(contacts, last_face_to_face_day=ago(15))
    assert [(nudge.key.split(":")[1] if nudge.contact else nudge.kind, nudge.score) for nudge in nudges] == [
        ("c-cy", 3.0),
        ("c-ana", 2.0),
        ("c-ben", 2.0),
        ("isolation", 1.07),
    ]


def test_nudge_json_has_the_spec_shape() -> None:
    nudge = only(nudges_for([summary(days=spaced(ago(31), [12, 12, 12]))]), "fading")
    payload = nudge_json(nudge)
    assert list(payload) == [
        "key",
        "handle",
        "kind",
        "score",
        "message",
        "contact",
        "days_since",
        "rhythm_days",
    ]
    assert payload["contact"] == {"id": "c-ana", "name": "Ana Lima"}
    isolation = nudge_json(only(nudges_for([], last_face_to_face_day=ago(16)), "isolation"))
    assert list(isolation) == ["key", "handle", "kind", "score", "message", "days_since_face_to_face"]


# --- reminders -------------------------------------------------------------------------------


def some_nudge(key: str) -> Nudge:
    return Nudge(key=key, kind="fading", score=1.0, message="…")


@pytest.mark.parametrize(
    ("reminders", "due"),
    [
        ((), True),
        ((Reminder("k", ago(6)),), False),
        ((Reminder("k", ago(7)),), True),  # due again from D + 7
        ((Reminder("k", AS_OF),), False),
        ((Reminder("k", ago(-1)),), True),  # recorded after as_of: ignored
        ((Reminder("k", ago(30)), Reminder("k", ago(2))), False),  # the latest counts
        ((Reminder("other", ago(1)),), True),
    ],
)
def test_due_reminders(reminders: tuple[Reminder, ...], due: bool) -> None:
    result = due_reminders([some_nudge("k")], NudgeState(reminders=reminders), SETTINGS, AS_OF)
    assert (result == [some_nudge("k")]) is due


def test_remind_repeat_days_is_configurable_and_order_is_kept() -> None:
    nudges = [some_nudge("b"), some_nudge("a"), some_nudge("c")]
    state = NudgeState(reminders=(Reminder("a", ago(2)),))
    assert [n.key for n in due_reminders(nudges, state, Settings(remind_repeat_days=2), AS_OF)] == [
        "b",
        "a",
        "c",
    ]
    assert [n.key for n in due_reminders(nudges, state, Settings(remind_repeat_days=3), AS_OF)] == ["b", "c"]


def test_status_shows_fading_when_only_the_online_only_key_is_snoozed() -> None:
    contact = online_and_fading()
    online_key = next(n.key for n in nudges_for([contact]) if n.kind == "online_only")
    state = NudgeState(snoozes=(Snooze(made=ago(1), until=ago(-14), key=online_key),))
    assert sorted(kinds(nudges_for([contact], state=state))) == ["birthday", "fading"]
    assert contact_status(contact, state, SETTINGS, AS_OF) == "fading"


# --- see in person ---------------------------------------------------------------------------


def mum(
    days_since_face: int, *, see_every: int = 60, digital: int = 6, never: bool = False
) -> ContactSummary:
    face = () if never else (ago(days_since_face),)
    calls = tuple(ago(n) for n in range(1, digital + 1))
    return summary(
        ContactRef("c-mum", "Mum"),
        days=face + calls,
        face_to_face_days=face,
        circle="family",
        created_day=ago(days_since_face),
        digital_since_face_to_face=digital,
    )._replace(see_every_days=see_every)


@pytest.mark.parametrize(
    ("days_since_face", "fires"),
    [(59, False), (60, False), (61, True), (75, True)],  # strictly more days than wished
)
def test_see_in_person_fires_past_the_wished_days(days_since_face: int, fires: bool) -> None:
    found = nudges_for([mum(days_since_face)])
    assert ("see_in_person" in kinds(found)) is fires
    status = contact_status(mum(days_since_face), NO_STATE, SETTINGS, AS_OF)
    assert (status == "see_in_person") is fires


def test_see_in_person_nudge_fields_and_message() -> None:
    nudge = only(nudges_for([mum(75)]), "see_in_person")
    assert nudge.key == f"see_in_person:c-mum:{ago(75).isoformat()}"
    assert nudge.score == 1.25
    assert dict(nudge.details) == {"days_since_face_to_face": 75, "see_every_days": 60, "digital_since": 6}
    assert nudge.message.startswith(
        "You wanted to see Mum in person every 2 months; it has been 75 days, with 6 digital contacts since"
    )
    assert "risk" not in nudge.message


def test_see_in_person_never_met_is_measured_from_when_added() -> None:
    nudge = only(nudges_for([mum(61, never=True, digital=0)]), "see_in_person")
    assert nudge.key == f"see_in_person:c-mum:{ago(61).isoformat()}"
    assert "you added them 61 days ago" in nudge.message
    assert nudges_for([mum(60, never=True, digital=0)]) == []


def test_see_in_person_silences_online_only_for_that_contact() -> None:
    ben = online(63)  # fires online_only on its own
    assert "online_only" in kinds(nudges_for([ben]))
    wished = ben._replace(see_every_days=30)
    assert "online_only" not in kinds(nudges_for([wished]))
    assert "see_in_person" in kinds(nudges_for([wished]))
    met_recently = ben._replace(see_every_days=90)  # the wish is kept: online_only may speak
    assert kinds(nudges_for([met_recently])).count("online_only") == 1


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "day"),
        (7, "week"),
        (14, "2 weeks"),
        (30, "month"),
        (60, "2 months"),
        (365, "year"),
        (10, "10 days"),
    ],
)
def test_every_words(days: int, words: str) -> None:
    assert every_words(days) == words


# --- groups ----------------------------------------------------------------------------------


def book_club(last_days_ago: int, gap: int = 14, meetings: int = 6, label: str = "Book club") -> GroupSummary:
    days = spaced(ago(last_days_ago), [gap] * (meetings - 1))
    return GroupSummary(key=label.casefold(), label=label, days=days, last_day=days[-1])


@pytest.mark.parametrize(
    ("gap", "last_days_ago", "fires"),
    [
        (14, 21, False),  # exactly 1.5 x 14
        (14, 22, True),
        (3, 10, False),  # a rhythm of 3 days is floored at 7: 10 < 10.5
        (3, 11, True),
    ],
)
def test_group_fading_edges(gap: int, last_days_ago: int, fires: bool) -> None:
    found = nudges_for([], last_face_to_face_day=ago(1), groups=[book_club(last_days_ago, gap)])
    assert ("group_fading" in kinds(found)) is fires


def test_group_fading_needs_four_days_and_carries_its_fields() -> None:
    three = book_club(40, meetings=3)
    assert group_rhythm(three, SETTINGS) is None
    assert nudges_for([], last_face_to_face_day=ago(1), groups=[three]) == []
    nudge = only(nudges_for([], last_face_to_face_day=ago(1), groups=[book_club(40)]), "group_fading")
    assert nudge.key == f"group_fading:book club:{ago(40).isoformat()}"
    assert nudge.score == 2.86
    assert dict(nudge.details) == {"group": "Book club", "days_since": 40, "rhythm_days": 14}
    assert nudge.message.startswith("You usually go to Book club every 14 days; it has been 40")


def test_isolation_names_the_own_groups_most_recent_first() -> None:
    groups = [book_club(35), book_club(100, gap=30, label="Choir"), book_club(20, gap=7, label="Parkrun")]
    nudge = only(nudges_for([], last_face_to_face_day=ago(20), groups=groups), "isolation")
    assert "Parkrun last met 2 weeks ago, Book club last met 5 weeks ago, Choir last met 3 months ago" in (
        nudge.message
    )
    assert nudge.message.index("Parkrun") < nudge.message.index("a club, a class")
    plain = only(nudges_for([], last_face_to_face_day=ago(20)), "isolation")
    assert "Your own groups" not in plain.message


# --- handles ---------------------------------------------------------------------------------


def test_handles_are_stable_prefixes_of_the_key_hash() -> None:
    keys = ["fading:c-ana:2026-01-01", "crowded_week:2026-W08", "isolation:2026-02-01"]
    handles = assign_handles(keys)
    for key in keys:
        assert len(handles[key]) == 4
        assert key_hash(key).startswith(handles[key])
    assert assign_handles(keys[:1]) == {keys[0]: handles[keys[0]]}  # another day, other nudges: same


def test_handles_grow_until_unique_under_collisions() -> None:
    keys = [f"fading:c-{n}:2026-01-01" for n in range(3000)]  # many keys: 4-character prefixes collide
    handles = assign_handles(keys)
    assert len(set(handles.values())) == len(keys)
    assert max(map(len, handles.values())) > 4
    ordered = sorted(map(key_hash, keys))  # each hash once: 3,000 x 3,000 would take a minute

    def matching(prefix: str) -> int:
        """Return how many keys' hashes start with ``prefix`` (hex digits sort below "g")."""
        return bisect.bisect_left(ordered, prefix + "g") - bisect.bisect_left(ordered, prefix)

    for key, handle in handles.items():
        assert key_hash(key).startswith(handle) and matching(handle) == 1
        shorter = handle[:-1]
        if len(shorter) >= 4:
            assert matching(shorter) > 1  # the shortest unique prefix
    for key in keys[::100]:  # and match_handle itself, which hashes every key it is given, agrees
        assert match_handle(handles[key], keys) == [key]


@pytest.mark.parametrize("text", ["abc", "xyz1", "", "fading:c-ana"])
def test_match_handle_needs_four_hex_characters(text: str) -> None:
    assert match_handle(text, ["fading:c-ana:2026-01-01"]) == []


def test_nudge_board_splits_hidden_and_gives_everyone_a_handle() -> None:
    contacts = [summary(ANA, days=(ago(20),), every_days=10), summary(BEN, days=(ago(30),), every_days=10)]
    candidates = nudges_for(contacts)
    ben_key = next(n.key for n in candidates if n.contact == BEN)
    state = NudgeState(dismissals=(Dismissal(ben_key, ago(2)),))
    board = nudge_board(candidates, state, AS_OF)
    assert [n.contact for n in board.nudges] == [ANA]
    assert [(h.nudge.key, h.reason) for h in board.hidden] == [(ben_key, "dismissed")]
    assert all(n.handle for n in board.nudges) and board.hidden[0].nudge.handle
    undone = NudgeState(dismissals=(Dismissal(ben_key, ago(2), until=AS_OF),))
    assert len(nudge_board(candidates, undone, AS_OF).nudges) == 2  # undismissed today
    assert len(nudge_board(candidates, undone, ago(1)).nudges) == 1  # as it stood yesterday
    snoozed = NudgeState(snoozes=(Snooze(made=ago(3), until=ago(-4), contact_id="c-ana"),))
    hidden = nudge_board(candidates, snoozed, AS_OF).hidden
    assert [(h.nudge.contact, h.reason, h.until, h.whole_contact) for h in hidden] == [
        (ANA, "snoozed", ago(-4), True)
    ]


# --- reminder digests ------------------------------------------------------------------------


def keyed(key: str, score: float = 1.0, kind: str = "fading") -> Nudge:
    return Nudge(key=key, kind=kind, score=score, message=key)


@pytest.mark.parametrize(
    ("last_digest", "speaks"),
    [(None, True), (6, False), (7, True), (1, False), (0, False)],  # days before AS_OF
)
def test_a_digest_comes_at_most_once_per_remind_repeat_days(last_digest: int | None, speaks: bool) -> None:
    state = NudgeState(reminders=() if last_digest is None else (Reminder("fading:old:x", ago(last_digest)),))
    digest = reminder_digest([keyed("fading:a:1")], state, SETTINGS, AS_OF)
    assert digest.is_digest is speaks
    assert [n.key for n in digest.nudges] == (["fading:a:1"] if speaks else [])


def test_a_birthday_on_its_day_is_told_alone_between_digests() -> None:
    birthday = keyed("birthday:c-ana:2026-03-01:today", 2.0, "birthday")
    state = NudgeState(reminders=(Reminder("fading:old:x", ago(2)),))
    digest = reminder_digest([birthday, keyed("fading:a:1")], state, SETTINGS, AS_OF)
    assert ([n.key for n in digest.nudges], digest.is_digest) == ([birthday.key], False)
    told = NudgeState(reminders=(*state.reminders, Reminder(birthday.key, AS_OF)))
    assert reminder_digest([birthday], told, SETTINGS, AS_OF).nudges == []  # a re-run: not twice
    tomorrow = NudgeState(reminders=(Reminder(birthday.key, ago(1)),))  # a birthday is no digest
    assert reminder_digest([keyed("fading:a:1")], tomorrow, SETTINGS, AS_OF).is_digest


@pytest.mark.parametrize(("budget", "shown", "more"), [(7, 7, 3), (10, 10, 0), (12, 10, 0), (1, 1, 9)])
def test_a_digest_keeps_to_remind_budget(budget: int, shown: int, more: int) -> None:
    nudges = [keyed(f"fading:{n:02d}:x", 10 - n) for n in range(10)]
    digest = reminder_digest(nudges, NO_STATE, Settings(remind_budget=budget), AS_OF)
    assert (len(digest.nudges), digest.more) == (shown, more)
    assert digest.nudges == nudges[:shown]  # the highest first


def test_a_birthday_on_its_day_is_always_in_the_digest() -> None:
    nudges = [keyed(f"fading:{n:02d}:x", 10 - n) for n in range(8)]
    birthday = keyed("birthday:c-ana:2026-03-01:today", 0.5, "birthday")
    digest = reminder_digest([*nudges, birthday], NO_STATE, SETTINGS, AS_OF)
    assert [n.key for n in digest.nudges] == [n.key for n in nudges[:7]] + [birthday.key]
    assert digest.more == 1


def test_hidden_json_says_why_since_and_until() -> None:
    from kinship.engine import hidden_json

    contacts = [summary(ANA, days=(ago(20),), every_days=10)]
    snoozed = NudgeState(snoozes=(Snooze(made=ago(3), until=ago(-4), contact_id="c-ana"),))
    (item,) = nudge_board(nudges_for(contacts), snoozed, AS_OF).hidden
    payload = hidden_json(item)
    assert list(payload)[:2] == ["key", "handle"]
    assert (payload["hidden"], payload["since"], payload["until"], payload["whole_contact"]) == (
        "snoozed",
        ago(3).isoformat(),
        ago(-4).isoformat(),
        True,
    )


def test_a_digest_without_budget_holds_every_nudge_due() -> None:
    nudges = [keyed(f"fading:{n:02d}:x", 10 - n) for n in range(10)]
    digest = reminder_digest(nudges, NO_STATE, SETTINGS, AS_OF, budget=False)
    assert (len(digest.nudges), digest.more) == (10, 0)
