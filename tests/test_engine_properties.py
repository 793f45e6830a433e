"""Properties of the nudge engine that hold for any contact, week and day (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinship.dates import last_ended_week, weeks_back
from kinship.engine import (
    birthday_window,
    cannot_fade,
    compute_nudges,
    contact_nudges,
    contact_status,
    crowded_verdict,
    gaps_between,
    is_fading,
    measure_overdue,
    median_days,
    next_birthday,
    parse_birthday_text,
    rhythm,
)
from kinship.models import CIRCLES, ContactRef, ContactSummary, NudgeState, Settings, WeekCount

SETTINGS = Settings()
NO_STATE = NudgeState()
FEW = settings(max_examples=100, deadline=None, database=None)

as_of_days = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2031, 12, 31))


@st.composite
def contact_summaries(draw: st.DrawFn, as_of: dt.date, index: int = 0) -> ContactSummary:
    """Draw a consistent summary of one contact as at ``as_of``."""
    offsets = draw(st.sets(st.integers(0, 364), max_size=12))
    days = tuple(sorted(as_of - dt.timedelta(days=offset) for offset in offsets))
    face_days = tuple(day for day in days if draw(st.booleans()))
    older = draw(st.none() | st.integers(365, 2000))
    last_day = days[-1] if days else (None if older is None else as_of - dt.timedelta(days=older))
    last_face = face_days[-1] if face_days else None
    digital_days = sum(1 for day in days if last_face is None or day > last_face) if days else 0
    birthday = draw(
        st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)).map(lambda day: day.isoformat())
    )
    if birthday is not None and draw(st.booleans()):
        birthday = "--" + birthday[5:]
    return ContactSummary(
        contact=ContactRef(f"c-{index:03d}", f"Person {index}"),
        circle=draw(st.none() | st.sampled_from(CIRCLES)),
        every_days=draw(st.none() | st.integers(1, 90)),
        birthday=birthday,
        archived=draw(st.booleans()),
        created_day=as_of - dt.timedelta(days=draw(st.integers(0, 2000))),
        days=tuple(map(dt.date.toordinal, days)),
        face_to_face_days=tuple(map(dt.date.toordinal, face_days)),
        last_day=last_day,
        last_face_to_face_day=last_face,
        digital_since_face_to_face=digital_days + draw(st.integers(0, 5)),
    )


@st.composite
def one_contact(draw: st.DrawFn) -> tuple[ContactSummary, dt.date]:
    as_of = draw(as_of_days)
    return draw(contact_summaries(as_of)), as_of


@st.composite
def many_contacts(draw: st.DrawFn) -> tuple[list[ContactSummary], dt.date]:
    as_of = draw(as_of_days)
    count = draw(st.integers(0, 8))
    return [draw(contact_summaries(as_of, index)) for index in range(count)], as_of


def meet_today(summary: ContactSummary, as_of: dt.date) -> ContactSummary:
    """Return the summary after a face-to-face interaction on ``as_of``."""
    return summary._replace(
        days=tuple(sorted({*summary.days, as_of.toordinal()})),
        face_to_face_days=tuple(sorted({*summary.face_to_face_days, as_of.toordinal()})),
        last_day=as_of,
        last_face_to_face_day=as_of,
        digital_since_face_to_face=0,
    )


@FEW
@given(one_contact())
def test_meeting_someone_today_never_leaves_them_fading_or_online_only(
    case: tuple[ContactSummary, dt.date],
) -> None:
    summary, as_of = case
    met = meet_today(summary, as_of)
    nudges = compute_nudges([met], {}, as_of, NO_STATE, SETTINGS, as_of)
    assert {nudge.kind for nudge in nudges} <= {"birthday"}
    assert contact_status(met, NO_STATE, SETTINGS, as_of) in {"ok", "archived", "no_rhythm"}


@FEW
@given(many_contacts(), st.randoms(use_true_random=False))
def test_nudges_do_not_depend_on_the_order_of_summaries(
    case: tuple[list[ContactSummary], dt.date], rng: random.Random
) -> None:
    summaries, as_of = case
    shuffled = list(summaries)
    rng.shuffle(shuffled)
    forward = compute_nudges(summaries, {}, None, NO_STATE, SETTINGS, as_of)
    assert compute_nudges(shuffled, {}, None, NO_STATE, SETTINGS, as_of) == forward
    assert compute_nudges(summaries[::-1], {}, None, NO_STATE, SETTINGS, as_of) == forward
    assert forward == sorted(forward, key=lambda nudge: (-nudge.score, nudge.key))
    assert all(round(nudge.score, 2) == nudge.score for nudge in forward)


@FEW
@given(one_contact())
def test_status_agrees_with_the_nudges(case: tuple[ContactSummary, dt.date]) -> None:
    summary, as_of = case
    kinds = {nudge.kind for nudge in compute_nudges([summary], {}, None, NO_STATE, SETTINGS, as_of)}
    status = contact_status(summary, NO_STATE, SETTINGS, as_of)
    assert (status == "online_only") == ("online_only" in kinds)
    if status != "online_only":
        assert (status == "fading") == ("fading" in kinds)
    if summary.archived:
        assert kinds == set()


week_counts = st.tuples(st.integers(0, 12), st.integers(0, 12))


@FEW
@given(as_of_days, st.lists(week_counts, min_size=8, max_size=8), week_counts, st.integers(1, 3))
def test_more_face_to_face_never_makes_a_week_crowded(
    as_of: dt.date, baseline: list[tuple[int, int]], current: tuple[int, int], extra: int
) -> None:
    week = last_ended_week(as_of)
    names = weeks_back(week, 9)
    weeks = {
        name: WeekCount(name, face, digital)
        for name, (face, digital) in zip(names[:-1], baseline, strict=True)
    }
    face, digital = current
    before = crowded_verdict(week, {**weeks, week: WeekCount(week, face, digital)}, SETTINGS)
    after = crowded_verdict(week, {**weeks, week: WeekCount(week, face + extra, digital)}, SETTINGS)
    assert not (after.crowded and not before.crowded)
    assert (before.baseline_face_to_face, before.baseline_digital) == (
        after.baseline_face_to_face,
        after.baseline_digital,
    )


fading_settings = st.builds(
    Settings,
    fade_factor=st.sampled_from((0.0, 0.5, 1.0, 1.5, 2.0, 3.0)),
    min_rhythm_days=st.integers(-2, 30),
    learn_min_days=st.integers(0, 6),
    circles=st.fixed_dictionaries({circle: st.integers(-1, 90) for circle in CIRCLES}),
)


@FEW
@given(one_contact(), fading_settings)
def test_the_cheap_fading_test_never_hides_a_fading_contact(
    case: tuple[ContactSummary, dt.date], chosen: Settings
) -> None:
    """``cannot_fade`` (tested before any rhythm is learned) only ever skips contacts the full
    rule leaves alone, and the status computed with a known rhythm is the status without it."""
    summary, as_of = case
    summary = summary._replace(archived=False)
    overdue = measure_overdue(summary, chosen, as_of)
    fading = overdue is not None and is_fading(overdue, chosen)
    if cannot_fade(summary, chosen, as_of):
        assert not fading
    assert any(nudge.kind == "fading" for nudge in contact_nudges(summary, chosen, as_of)) == fading
    known = rhythm(summary, chosen)
    assert contact_status(summary, NO_STATE, chosen, as_of, known_rhythm=known) == contact_status(
        summary, NO_STATE, chosen, as_of
    )


@FEW
@given(
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2031, 12, 31)),
    st.booleans(),
    as_of_days,
    st.integers(-1, 40),
    st.sampled_from(("", " ", "\n")),
)
def test_the_birthday_window_never_hides_a_birthday(
    born: dt.date, year_known: bool, as_of: dt.date, days: int, padding: str
) -> None:
    """The cheap ``MM-DD`` test before a birthday is parsed keeps every birthday the full rule
    raises (29 February kept on the 28th in common years included)."""
    text = (born.isoformat() if year_known else f"--{born.isoformat()[5:]}") + padding
    chosen = Settings(birthday_days=days)
    birthday = parse_birthday_text(text)
    assert birthday is not None
    occurrence = next_birthday(birthday, as_of)
    expected = occurrence is not None and (occurrence - as_of).days <= days
    summary = ContactSummary(
        contact=ContactRef("c-1", "Ana"),
        circle=None,
        every_days=None,
        birthday=text,
        archived=False,
        created_day=as_of,
        days=(),
        face_to_face_days=(),
        last_day=None,
        last_face_to_face_day=None,
        digital_since_face_to_face=0,
    )
    raised = [nudge for nudge in contact_nudges(summary, chosen, as_of) if nudge.kind == "birthday"]
    assert bool(raised) == expected


def test_the_birthday_window_holds_29_february_in_common_years() -> None:
    assert "02-29" in (birthday_window(dt.date(2027, 2, 27), 1) or ())
    assert "02-29" not in (birthday_window(dt.date(2028, 2, 27), 1) or ())
    assert birthday_window(dt.date(2027, 2, 27), 400) is None
    assert birthday_window(dt.date(2027, 2, 27), -1) == frozenset()


@FEW
@given(
    st.lists(st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31)), max_size=15),
    st.integers(0, 6),
    st.integers(-1, 20),
)
def test_the_learned_rhythm_is_the_median_gap_of_the_distinct_days(
    days: list[dt.date], learn_min_days: int, min_rhythm_days: int
) -> None:
    """``rhythm`` (its gaps and median inlined) agrees with ``gaps_between`` and ``median_days``,
    repeated and unordered days included."""
    chosen = Settings(learn_min_days=learn_min_days, min_rhythm_days=min_rhythm_days)
    summary = ContactSummary(
        contact=ContactRef("c-1", "Ana"),
        circle=None,
        every_days=None,
        birthday=None,
        archived=False,
        created_day=dt.date(2024, 1, 1),
        days=tuple(map(dt.date.toordinal, days)),
        face_to_face_days=(),
        last_day=max(days, default=None),
        last_face_to_face_day=None,
        digital_since_face_to_face=0,
    )
    gaps = gaps_between(map(dt.date.toordinal, days))
    learned = median_days(gaps) if len(gaps) + 1 >= max(learn_min_days, 2) else None
    expected = (None, None) if learned is None else (max(learned, min_rhythm_days), "learned")
    assert rhythm(summary, chosen) == expected


_BIRTHDAY_RE = re.compile(r"^(?:(?P<year>\d{4})|-)-(?P<month>\d{2})-(?P<day>\d{2})$")


def _birthday_by_pattern(text: str | None) -> tuple[int | None, int, int] | None:
    """The regular expression parse_birthday_text used before it read the text by hand."""
    match = _BIRTHDAY_RE.match(text.strip()) if text else None
    if not match:
        return None
    year = int(match["year"]) if match["year"] else None
    try:
        dt.date(2000 if year is None else year, int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    return year, int(match["month"]), int(match["day"])


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet="0123456789--- \n٤x", max_size=12) | st.dates().map(dt.date.isoformat))
def test_birthdays_read_by_hand_as_the_pattern_read_them(text: str) -> None:
    birthday = parse_birthday_text(text)
    expected = _birthday_by_pattern(text)
    assert (None if birthday is None else (birthday.year, birthday.month, birthday.day)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1990-03-04",
        "--03-04",
        " --02-29\n",
        "1990-3-04",
        "---03-04",
        "1990-02-30",
        "19900-03-04",
        "٢٠٠٠-01-02",
    ],
)
def test_birthday_spellings(text: str) -> None:
    birthday = parse_birthday_text(text)
    expected = _birthday_by_pattern(text)
    assert (None if birthday is None else (birthday.year, birthday.month, birthday.day)) == expected
