"""The weekly review: counts, people, circles, feel, trend, suggestions and its three renderings."""

from __future__ import annotations

import datetime as dt

import pytest

from kinship.dates import weeks_back
from kinship.engine import compute_nudges
from kinship.models import Channel, ContactRef, Interaction, Nudge, NudgeState, Settings, WeekCount
from kinship.review import Review, build_review, review_json, review_markdown, review_text, trend_chart

SETTINGS = Settings()
WEEK = "2026-W08"  # Monday 16 February .. Sunday 22 February 2026
MONDAY = dt.date(2026, 2, 16)
ANA = ContactRef("c-ana", "Ana Lima")
BEN = ContactRef("c-ben", "Ben Ode")
CY = ContactRef("c-cy", "Cy Park")
DEE = ContactRef("c-dee", "Dee Moss")
CIRCLES = {"c-ana": "friends", "c-ben": "family", "c-cy": "friends", "c-dee": None}
OFFSET = dt.timezone(dt.timedelta(hours=1))


def interaction(
    number: int,
    weekday: int,
    channel: Channel,
    *people: ContactRef,
    minutes: int | None = None,
    feel: int | None = None,
    group: str | None = None,
) -> Interaction:
    day = MONDAY + dt.timedelta(days=weekday)
    return Interaction(
        id=f"i-{number}",
        when=dt.datetime.combine(day, dt.time(18, 0), OFFSET),
        day=day,
        channel=channel,
        people=people,
        minutes=minutes,
        feel=feel,
        group=group,
    )


WEEK_INTERACTIONS = [
    interaction(1, 0, Channel.IN_PERSON, ANA, CY, minutes=90, feel=5),
    interaction(2, 1, Channel.MESSAGE, ANA),
    interaction(3, 2, Channel.CALL, BEN, minutes=25, feel=4),
    interaction(4, 3, Channel.IN_PERSON, group="book club", minutes=120, feel=4),
    interaction(5, 4, Channel.VIDEO, BEN, DEE, minutes=40, feel=3),
    interaction(6, 5, Channel.IN_PERSON, ANA, minutes=60),
]

TREND = [(2, 3), (3, 2), (1, 4), (0, 6), (2, 2), (4, 1), (3, 3), (2, 5), (1, 2), (3, 4), (2, 3)]


def trend_weeks(current: tuple[int, int] | None = None) -> dict[str, WeekCount]:
    names = weeks_back(WEEK, 12)
    weeks = {
        name: WeekCount(name, face, digital) for name, (face, digital) in zip(names, TREND, strict=False)
    }
    if current is not None:
        weeks[WEEK] = WeekCount(WEEK, *current)
    return weeks


FADING_BEN = Nudge(
    key="fading:c-ben:2026-01-10",
    kind="fading",
    score=2.9,
    message="You usually see Ben Ode every 14 days; it has been 43 - a good week to reconnect.",
    contact=BEN,
    details={"days_since": 43, "rhythm_days": 14},
)


def sample_review(nudges: tuple[Nudge, ...] = (FADING_BEN,)) -> Review:
    return build_review(
        WEEK,
        WEEK_INTERACTIONS,
        trend_weeks(),
        CIRCLES,
        {
            "c-ana": dt.date(2025, 5, 1),
            "c-ben": dt.date(2024, 1, 1),
            "c-cy": MONDAY,
            "c-dee": MONDAY + dt.timedelta(4),
        },
        nudges,
        SETTINGS,
    )


EXPECTED_TEXT = """\
Weekly review 2026-W08 (Mon 16 Feb 2026 to Sun 22 Feb 2026)
===========================================================

Face to face:  3 (50%), 270 min
Digital:       3 (50%), 65 min
Usual week:    2 face to face, 3 digital
People:        4
Crowded week:  no
Circles:       family 2, friends 3
Groups:        book club 1
Feel:          face to face 4.5, digital 3.5
Saw most:      Ana Lima (2), Cy Park (1)
In touch most: Ana Lima (3), Ben Ode (2), Cy Park (1), Dee Moss (1)
New people:    Cy Park, Dee Moss

Trend, last 12 weeks
--------------------
           # face to face   = digital
2025-W49 2 ##
         3 ===
2025-W50 3 ###
         2 ==
2025-W51 1 #
         4 ====
2025-W52 0
         6 ======
2026-W01 2 ##
         2 ==
2026-W02 4 ####
         1 =
2026-W03 3 ###
         3 ===
2026-W04 2 ##
         5 =====
2026-W05 1 #
         2 ==
2026-W06 3 ###
         4 ====
2026-W07 2 ##
         3 ===
2026-W08 3 ###
         3 ===

Nudges
------
- You usually see Ben Ode every 14 days; it has been 43 - a good week to
  reconnect.

Suggestions
-----------
- Make a plan to see Ben Ode in person - a coffee, a walk or a meal is enough.
"""


def test_review_text_at_width_80() -> None:
    assert review_text(sample_review(), width=80) == EXPECTED_TEXT


def test_review_counts_people_circles_groups_and_feel() -> None:
    review = sample_review()
    assert (review.start, review.end) == (MONDAY, dt.date(2026, 2, 22))
    assert (review.face_to_face, review.digital) == (3, 3)
    assert (review.minutes_face_to_face, review.minutes_digital) == (270, 65)
    assert review.people == 4
    assert dict(review.circles) == {"family": 2, "friends": 3}  # Ana and Cy together count once
    assert dict(review.groups) == {"book club": 1}
    assert (review.feel_face_to_face, review.feel_digital) == (4.5, 3.5)
    assert [(person.name, person.interactions) for person in review.top_people] == [
        ("Ana Lima", 3),
        ("Ben Ode", 2),
        ("Cy Park", 1),
        ("Dee Moss", 1),
    ]
    assert review.new_people == (CY, DEE)


def test_review_json_has_the_spec_fields() -> None:
    payload = review_json(sample_review())
    spec_fields = [
        "week",
        "start",
        "end",
        "face_to_face",
        "digital",
        "minutes",
        "people",
        "baseline",
        "crowded",
        "circles",
        "groups",
        "feel",
        "top_people",
        "new_people",
        "nudges",
        "trend",
        "suggestions",
    ]
    assert set(spec_fields) <= set(payload)
    assert payload["week"] == WEEK
    assert (payload["start"], payload["end"]) == ("2026-02-16", "2026-02-22")
    assert payload["minutes"] == {"face_to_face": 270, "digital": 65}
    assert payload["baseline"] == {"face_to_face": 2.0, "digital": 3.0}
    assert payload["crowded"] is False
    assert payload["feel"] == {"face_to_face": 4.5, "digital": 3.5}
    assert payload["top_people"][0] == {"id": "c-ana", "name": "Ana Lima", "count": 3}  # type: ignore[index]
    assert payload["new_people"] == [{"id": "c-cy", "name": "Cy Park"}, {"id": "c-dee", "name": "Dee Moss"}]
    assert payload["nudges"] == [
        {
            "key": "fading:c-ben:2026-01-10",
            "handle": None,
            "kind": "fading",
            "score": 2.9,
            "message": FADING_BEN.message,
            "contact": {"id": "c-ben", "name": "Ben Ode"},
            "days_since": 43,
            "rhythm_days": 14,
        }
    ]
    trend = payload["trend"]
    assert isinstance(trend, list) and len(trend) == 12
    assert trend[0] == {"week": "2025-W49", "face_to_face": 2, "digital": 3}
    assert trend[-1] == {"week": WEEK, "face_to_face": 3, "digital": 3}
    assert payload["suggestions"] == [
        "Make a plan to see Ben Ode in person - a coffee, a walk or a meal is enough."
    ]


def test_markdown_has_headings_facts_and_the_trend_table() -> None:
    markdown = review_markdown(sample_review())
    assert markdown.startswith("# Weekly review 2026-W08 (Mon 16 Feb 2026 to Sun 22 Feb 2026)\n")
    assert "- **Face to face:** 3 (50%), 270 min\n" in markdown
    assert "| Week | Face to face | Digital |\n|---|---:|---:|\n| 2025-W49 | 2 | 3 |\n" in markdown
    assert "| 2026-W08 | 3 | 3 |\n" in markdown
    assert "## Nudges\n\n- You usually see Ben Ode every 14 days" in markdown
    assert "## Suggestions\n\n- Make a plan to see Ben Ode in person" in markdown


def test_markdown_escapes_table_and_emphasis_characters() -> None:
    odd = ContactRef("c-odd", "A|B *star*")
    review = build_review(WEEK, [interaction(1, 0, Channel.IN_PERSON, odd)], {}, {}, {}, (), SETTINGS)
    assert "A\\|B \\*star\\* (1)" in review_markdown(review)


def test_review_text_is_plain_ascii_and_fits_the_width() -> None:
    for width in (60, 80, 100):
        text = review_text(sample_review(), width=width)
        assert text.isascii()
        assert max(len(line) for line in text.splitlines()) <= width


def test_group_interaction_with_several_people_counts_once() -> None:
    party = interaction(1, 5, Channel.IN_PERSON, ANA, BEN, CY, group="choir", minutes=100)
    review = build_review(WEEK, [party], {}, CIRCLES, {}, (), SETTINGS)
    assert (review.face_to_face, review.digital, review.minutes_face_to_face) == (1, 0, 100)
    assert review.people == 3
    assert dict(review.groups) == {"choir": 1}
    assert dict(review.circles) == {"family": 1, "friends": 1}
    assert review.trend[-1] == WeekCount(WEEK, 1, 0)


def test_top_people_are_five_at_most_ties_by_name() -> None:
    people = [ContactRef(f"c-{letter}", f"{letter.upper()} Person") for letter in "gfedcba"]
    items = [interaction(n, 0, Channel.MESSAGE, person) for n, person in enumerate(people)]
    items.append(interaction(99, 1, Channel.CALL, people[0]))
    review = build_review(WEEK, items, {}, {}, {}, (), SETTINGS)
    assert [person.name for person in review.top_people] == [
        "G Person",
        "A Person",
        "B Person",
        "C Person",
        "D Person",
    ]


def test_feel_is_none_when_unrated_and_rounded_to_one_decimal() -> None:
    items = [
        interaction(1, 0, Channel.IN_PERSON, ANA, feel=4),
        interaction(2, 1, Channel.IN_PERSON, ANA, feel=4),
        interaction(3, 2, Channel.IN_PERSON, ANA, feel=5),
        interaction(4, 3, Channel.CALL, ANA),
    ]
    review = build_review(WEEK, items, {}, {}, {}, (), SETTINGS)
    assert (review.feel_face_to_face, review.feel_digital) == (4.3, None)
    assert review_json(review)["feel"] == {"face_to_face": 4.3, "digital": None}


def test_empty_week() -> None:
    review = build_review(WEEK, [], {}, {}, {}, (), SETTINGS)
    payload = review_json(review)
    assert (payload["face_to_face"], payload["digital"], payload["people"]) == (0, 0, 0)
    assert payload["baseline"] is None
    assert payload["share"] == {"face_to_face": None, "digital": None}
    assert payload["suggestions"] == ["A quiet week is fine. Who would you enjoy seeing in the coming days?"]
    assert "Usual week:    not enough earlier weeks yet" in review_text(review)


def test_crowded_week_uses_the_week_interactions_and_the_baseline() -> None:
    chats = [interaction(n, n % 7, Channel.MESSAGE, ANA) for n in range(8)]
    weeks = {name: WeekCount(name, 4, 3) for name in weeks_back(WEEK, 9)[:-1]}
    weeks[WEEK] = WeekCount(WEEK, 99, 0)  # stale: the week's own interactions win
    review = build_review(WEEK, chats, weeks, CIRCLES, {}, (), SETTINGS)
    assert review.crowded is True
    assert (review.baseline_face_to_face, review.baseline_digital) == (4.0, 3.0)
    assert "group activity" in review.suggestions[0]
    assert review_json(review)["crowded"] is True


def test_trend_crosses_the_year_end_oldest_first() -> None:
    review = build_review("2027-W01", [], {"2026-W53": WeekCount("2026-W53", 2, 1)}, {}, {}, (), SETTINGS)
    assert [count.week for count in review.trend][-3:] == ["2026-W52", "2026-W53", "2027-W01"]
    assert review.trend[-2] == WeekCount("2026-W53", 2, 1)
    assert len(review.trend) == 12
    assert (review.start, review.end) == (dt.date(2027, 1, 4), dt.date(2027, 1, 10))


def isolation_nudge() -> Nudge:
    return compute_nudges([], {}, dt.date(2026, 2, 1), NudgeState(), SETTINGS, dt.date(2026, 2, 22))[0]


def online_only_nudge(contact: ContactRef) -> Nudge:
    return Nudge(
        key=f"online_only:{contact.id}:2025-12-01",
        kind="online_only",
        score=2.0,
        message="…",
        contact=contact,
        details={},
    )


def birthday_nudge() -> Nudge:
    return Nudge(
        key="birthday:c-dee:2026-02-25:soon",
        kind="birthday",
        score=1.57,
        message="…",
        contact=DEE,
        details={"date": "2026-02-25"},
    )


@pytest.mark.parametrize(
    ("nudges", "expected"),
    [
        (
            (isolation_nudge(),),
            [
                "It has been a while since you met anyone in person. A club, a class or volunteering is an "
                "easy, low-pressure way to be among people again."
            ],
        ),
        (
            (FADING_BEN, online_only_nudge(CY), online_only_nudge(ANA)),
            ["Make a plan to see Ben Ode and Cy Park in person - a coffee, a walk or a meal is enough."],
        ),
        (
            (FADING_BEN, birthday_nudge()),
            [
                "Make a plan to see Ben Ode in person - a coffee, a walk or a meal is enough.",
                "Dee Moss's birthday is on Wednesday 25 February - a call or a card would be welcome.",
            ],
        ),
        ((), ["A good week: 3 face-to-face meetings with 2 people. Keep the rhythm going."]),
    ],
)
def test_suggestions_are_kind_and_concrete(nudges: tuple[Nudge, ...], expected: list[str]) -> None:
    review = build_review(WEEK, WEEK_INTERACTIONS, trend_weeks(), CIRCLES, {}, nudges, SETTINGS)
    assert list(review.suggestions) == expected
    assert all("neglect" not in suggestion for suggestion in review.suggestions)


def test_trend_chart_scales_down_to_the_width() -> None:
    trend = [WeekCount("2026-W01", 200, 100), WeekCount("2026-W02", 1, 0)]
    lines = trend_chart(trend, width=40)
    assert max(len(line) for line in lines) <= 40
    assert lines[1] == "2026-W01 200 " + "#" * 26  # 40 - label, count and spaces: 26 columns for 200
    assert lines[2] == "         100 " + "=" * 13
    assert lines[3].endswith(" #")  # a single interaction still shows
    assert lines[4].rstrip().endswith("0")


def test_text_and_markdown_list_the_top_ten_nudges_and_json_all() -> None:
    many = tuple(
        Nudge(
            f"fading:c{number:02d}:2026-10-01",
            "fading",
            3.0 - number / 100,
            f"Reconnect with person {number}.",
        )
        for number in range(13)
    )
    review = build_review(WEEK, [], {}, {}, {}, many, SETTINGS)
    text = review_text(review)
    assert "Reconnect with person 9." in text and "Reconnect with person 10." not in text
    assert "- and 3 more - kinship nudges" in text
    assert "- and 3 more \u2014 kinship nudges" in review_markdown(review)
    assert len(review_json(review)["nudges"]) == 13  # type: ignore[arg-type]


def test_saw_most_counts_face_to_face_only_and_in_touch_most_any_channel() -> None:
    payload = review_json(sample_review())
    assert payload["saw_most"] == [
        {"id": "c-ana", "name": "Ana Lima", "count": 2},
        {"id": "c-cy", "name": "Cy Park", "count": 1},
    ]
    messaged_only = build_review(WEEK, [interaction(1, 0, Channel.MESSAGE, BEN)], {}, {}, {}, (), SETTINGS)
    assert messaged_only.saw_most == ()
    text = review_text(messaged_only)
    assert "Saw most:      none" in text and "In touch most: Ben Ode (1)" in text


@pytest.mark.parametrize(("budget", "shown"), [(3, 3), (12, 12), (13, 13), (20, 13)])
def test_review_budget_sets_how_many_nudges_the_text_shows(budget: int, shown: int) -> None:
    many = tuple(
        Nudge(f"fading:c{n:02d}:2026-10-01", "fading", 3.0 - n / 100, f"Person {n}.", handle=f"{n:04x}")
        for n in range(13)
    )
    review = build_review(WEEK, [], {}, {}, {}, many, Settings(review_budget=budget))
    text = review_text(review)
    assert sum(line.startswith("- Person") for line in text.splitlines()) == shown
    assert ("more - kinship nudges" in text) is (shown < 13)
    assert "- Person 0. (kinship dismiss 0000)" in text  # the handle and the command that quiets it


@pytest.mark.parametrize(("day_of_week", "so_far"), [(0, 1), (2, 3), (5, 6), (6, None)])
def test_a_week_so_far_says_how_many_days_and_is_never_crowded(day_of_week: int, so_far: int | None) -> None:
    chats = [interaction(n, 0, Channel.MESSAGE, ANA) for n in range(8)]  # all on Monday: crowded
    as_of = MONDAY + dt.timedelta(days=day_of_week)
    review = build_review(
        WEEK, chats, {}, CIRCLES, {}, (), SETTINGS, as_of=as_of, log_start=dt.date(2025, 1, 1)
    )
    assert review.so_far_days == so_far
    assert review.crowded is (so_far is None)
    assert review_json(review)["so_far_days"] == so_far
    if so_far is not None:
        assert f"so far, {so_far} of 7 days" in review_text(review)
        assert "group activity" not in " ".join(review.suggestions)


@pytest.mark.parametrize(
    ("log_start", "first_full", "trend_weeks"),
    [
        (dt.date(2026, 2, 23), "2026-W09", 0),  # a Monday, the day after the week: before the log
        (dt.date(2026, 2, 25), "2026-W10", 0),
        (dt.date(2026, 2, 22), "2026-W09", 1),  # the week's Sunday: the log began in it
        (dt.date(2026, 2, 9), "2026-W07", 2),
    ],
)
def test_a_week_before_the_log_says_when_it_starts(
    log_start: dt.date, first_full: str, trend_weeks: int
) -> None:
    review = build_review(WEEK, [], trend_weeks_before(), {}, {}, (), SETTINGS, log_start=log_start)
    assert review.first_full_week == first_full
    assert len(review.trend) == trend_weeks  # the trend starts where the log does
    assert review.before_log is (trend_weeks == 0)
    text = " ".join(review_text(review).split())
    if review.before_log:
        assert f"Your log starts on {log_start:%a} {log_start.day}" in text
        assert f"The first full week, {first_full}, will be ready" in text
    else:
        assert "Your log starts" not in text


def test_a_review_with_nothing_logged_says_so() -> None:
    review = build_review(WEEK, [], {}, {}, {}, (), SETTINGS, empty_log=True)
    assert review.trend == ()
    assert "Nothing is logged yet" in review_text(review)
    assert review_json(review)["log_start"] is None


def trend_weeks_before() -> dict[str, WeekCount]:
    return {name: WeekCount(name, 0, 0) for name in weeks_back(WEEK, 12)}


def test_a_wish_to_see_someone_in_person_becomes_a_suggestion() -> None:
    mum = Nudge(
        "see_in_person:c-mum:2026-01-01",
        "see_in_person",
        1.25,
        "You wanted to see Mum...",
        ContactRef("c-mum", "Mum"),
    )
    review = build_review(WEEK, [], {}, {}, {}, (mum,), SETTINGS)
    assert review.suggestions[0].startswith("Make a plan to see Mum in person")


def test_a_week_long_before_the_log_points_to_the_first_full_week_when_it_is_ready() -> None:
    log_start = dt.date(2026, 3, 4)  # a Wednesday: the first full week is 2026-W11 (9 to 15 March)
    for as_of, ready in ((dt.date(2026, 3, 14), False), (dt.date(2026, 3, 15), True)):
        review = build_review(WEEK, [], {}, {}, {}, (), SETTINGS, as_of=as_of, log_start=log_start)
        text = " ".join(review_text(review).split())
        assert ("`kinship review --week 2026-W11`" in text) is ready
        assert ("will be ready to review after Sun 15 Mar 2026" in text) is not ready
