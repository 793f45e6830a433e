"""The pure weekly review: one ISO week's contact summed up, with a trend and kind suggestions.

Built from the week's interactions, weekly counts and the engine's nudges; renders to JSON, plain
text (for a pipe or an email: ASCII only, no colour) and Markdown. No clock, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kinship.dates import iso_week, week_start, weeks_back
from kinship.engine import (
    BIRTHDAY,
    ISOLATION,
    MONTH_NAMES,
    RHYTHM_KINDS,
    WEEKDAY_NAMES,
    CrowdedVerdict,
    crowded_verdict,
    long_day,
    nudge_json,
    round_half_up,
)
from kinship.lean import NamedTuple
from kinship.models import CIRCLES, ContactRef, Interaction, Mode, Nudge, Settings, WeekCount

TREND_WEEKS = 12
TOP_PEOPLE = 5
MAX_SUGGESTIONS = 2
FACE_BAR = "#"
DIGITAL_BAR = "="


BEFORE_LOG_SUGGESTION = (
    "Log who you see and talk to as it happens (`kinship log ana`, `kinship log ben --via call`); "
    "the review fills in from there."
)

NUDGES_SHOWN = 10
"""The default ``review_budget``: the text and Markdown reviews show the highest-scoring nudges;
the JSON has all of them."""


class PersonCount(NamedTuple):
    """A contact and the number of interactions with them in the week."""

    id: str
    name: str
    interactions: int
    """How many interactions with them the week had (``count`` in JSON)."""


class Review(NamedTuple):
    """Everything the weekly review shows for ISO week ``week`` (SPEC §7)."""

    week: str
    start: dt.date
    end: dt.date
    face_to_face: int
    digital: int
    minutes_face_to_face: int
    minutes_digital: int
    people: int
    verdict: CrowdedVerdict
    """The engine's crowded-week verdict, holding the baseline (None without one)."""
    circles: Mapping[str, int]
    groups: Mapping[str, int]
    feel_face_to_face: float | None
    feel_digital: float | None
    top_people: tuple[PersonCount, ...]
    new_people: tuple[ContactRef, ...]
    nudges: tuple[Nudge, ...]
    trend: tuple[WeekCount, ...]
    suggestions: tuple[str, ...]
    saw_most: tuple[PersonCount, ...] = ()
    """Like ``top_people``, counting face-to-face interactions only: seeing someone."""
    so_far_days: int | None = None
    """For a week still running (``--week this``), how many of its days have passed; else None."""
    log_start: dt.date | None = None
    """The day of the first interaction in the log (None when nothing is logged)."""
    before_log: bool = False
    """The week ended before the log's first interaction (or nothing is logged at all)."""
    budget: int = NUDGES_SHOWN
    """How many nudges the text and Markdown show (``review_budget``)."""
    as_of: dt.date | None = None
    """The last day the review covers (the week's end, or the as-of day inside it)."""

    @property
    def crowded(self) -> bool:
        """Return whether digital contact crowded out face to face in the week (never so far)."""
        return self.verdict.crowded and self.so_far_days is None

    @property
    def first_full_week(self) -> str | None:
        """Return the first ISO week wholly inside the log (None when nothing is logged)."""
        if self.log_start is None:
            return None
        monday = self.log_start - dt.timedelta(days=self.log_start.weekday())
        if monday < self.log_start:
            monday += dt.timedelta(days=7)
        return iso_week(monday)

    @property
    def baseline_face_to_face(self) -> float | None:
        """Return the median face-to-face count of the baseline weeks, None without a baseline."""
        return self.verdict.baseline_face_to_face

    @property
    def baseline_digital(self) -> float | None:
        """Return the median digital count of the baseline weeks, None without a baseline."""
        return self.verdict.baseline_digital

    @property
    def share_face_to_face(self) -> float | None:
        """Return the face-to-face share of the week's interactions (0..1), None for an empty week."""
        total = self.face_to_face + self.digital
        return None if total == 0 else round_half_up(self.face_to_face / total, 2)

    @property
    def share_digital(self) -> float | None:
        """Return the digital share of the week's interactions (0..1), None for an empty week."""
        total = self.face_to_face + self.digital
        return None if total == 0 else round_half_up(self.digital / total, 2)


WeekItem = tuple[bool, int | None, int | None, str | None, tuple[ContactRef, ...]]
"""One interaction of the week in the plain values the review counts: whether it was face to
face, its minutes, its feel, its group label and its people (the store reads these in one join)."""


def week_items(interactions: Sequence[Interaction]) -> list[WeekItem]:
    """Return the week's interactions as the plain values the review counts."""
    return [
        (item.mode is Mode.FACE_TO_FACE, item.minutes, item.feel, item.group, item.people)
        for item in interactions
    ]


def _average(rated: Sequence[int]) -> float | None:
    return round_half_up(sum(rated) / len(rated), 1) if rated else None


def _circle_order(circle: str) -> tuple[int, str]:
    return (CIRCLES.index(circle), "") if circle in CIRCLES else (len(CIRCLES), circle)


def _ranked(counts: Mapping[str, int], names: Mapping[str, str]) -> tuple[PersonCount, ...]:
    """Return up to five people with the most interactions, then by name."""
    ranked = sorted(
        counts, key=lambda person_id: (-counts[person_id], names[person_id].casefold(), person_id)
    )
    return tuple(
        PersonCount(person_id, names[person_id], counts[person_id]) for person_id in ranked[:TOP_PEOPLE]
    )


def _week_facts(
    items: Sequence[WeekItem],
    circles: Mapping[str, str | None],
    first_days: Mapping[str, dt.date],
    start: dt.date,
    end: dt.date,
) -> tuple[
    int,
    int,
    int,
    int,
    int,
    int,
    dict[str, int],
    dict[str, int],
    float | None,
    float | None,
    tuple[PersonCount, ...],
    tuple[PersonCount, ...],
    tuple[ContactRef, ...],
]:
    """Return the week's aggregates, counted in one pass: face to face, digital, their minutes,
    people, people seen, circles, groups, the two average feels, top people, saw most, new people."""
    face = digital = minutes_face = minutes_digital = 0
    feel_face: list[int] = []
    feel_digital: list[int] = []
    counts: dict[str, int] = {}  # interactions per person (a person counted once per interaction)
    seen: dict[str, int] = {}  # face-to-face interactions per person
    names: dict[str, str] = {}
    first_refs: dict[str, ContactRef] = {}
    circle_counts: dict[str, int] = {}
    group_counts: dict[str, int] = {}
    for is_face, minutes, feel, group, people in items:
        if is_face:
            face += 1
            if minutes:
                minutes_face += minutes
            if feel is not None:
                feel_face.append(feel)
        else:
            digital += 1
            if minutes:
                minutes_digital += minutes
            if feel is not None:
                feel_digital.append(feel)
        if group:
            group_counts[group] = group_counts.get(group, 0) + 1
        if not people:
            continue
        if len(people) == 1:  # the usual case, without the sets
            person = people[0]
            person_id = person.id
            if person_id not in first_refs:
                first_refs[person_id] = person
                names.setdefault(person_id, person.name)
            counts[person_id] = counts.get(person_id, 0) + 1
            if is_face:
                seen[person_id] = seen.get(person_id, 0) + 1
            circle = circles.get(person_id)
            if circle:
                circle_counts[circle] = circle_counts.get(circle, 0) + 1
            continue
        for person in people:
            first_refs.setdefault(person.id, person)
        reached: set[str] = set()
        for person in {person.id: person for person in people}.values():
            person_id = person.id
            counts[person_id] = counts.get(person_id, 0) + 1
            names.setdefault(person_id, person.name)
            if is_face:
                seen[person_id] = seen.get(person_id, 0) + 1
            circle = circles.get(person_id)
            if circle:
                reached.add(circle)
        for circle in reached:
            circle_counts[circle] = circle_counts.get(circle, 0) + 1
    fresh = [
        person
        for person_id, person in first_refs.items()
        if person_id in first_days and start <= first_days[person_id] <= end
    ]
    return (
        face,
        digital,
        minutes_face,
        minutes_digital,
        len(counts),
        len(seen),
        {circle: circle_counts[circle] for circle in sorted(circle_counts, key=_circle_order)},
        {
            label: group_counts[label]
            for label in sorted(group_counts, key=lambda label: (label.casefold(), label))
        },
        _average(feel_face),
        _average(feel_digital),
        _ranked(counts, names),
        _ranked(seen, names),
        tuple(sorted(fresh, key=lambda person: (first_days[person.id], person.name.casefold(), person.id))),
    )


def _join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def suggest(
    verdict: CrowdedVerdict, nudges: Sequence[Nudge], face_to_face: int, people_seen: int
) -> tuple[str, ...]:
    """Return one or two kind, concrete suggestions for the coming week.

    Each rule reads the ordered nudges only as far as what it shows (two names, one birthday),
    so the cost follows the suggestions, not the number of nudges.
    """
    suggestions: list[str] = []
    if verdict.crowded:
        suggestions.append(
            "Screens outweighed meeting in person this week. Turn one chat into a coffee or a walk, "
            "or try a group activity: a club, a class or an hour of volunteering."
        )
    elif any(nudge.kind == ISOLATION for nudge in nudges):
        suggestions.append(
            "It has been a while since you met anyone in person. A club, a class or volunteering "
            "is an easy, low-pressure way to be among people again."
        )
    to_see: list[str] = []
    for nudge in nudges:
        if nudge.kind in RHYTHM_KINDS and nudge.contact is not None and nudge.contact.name not in to_see:
            to_see.append(nudge.contact.name)
            if len(to_see) == 2:
                break
    if to_see:
        suggestions.append(
            f"Make a plan to see {_join_names(to_see)} in person - a coffee, a walk or a meal is enough."
        )
    if len(suggestions) < MAX_SUGGESTIONS:
        for nudge in nudges:
            if nudge.kind == BIRTHDAY and nudge.contact is not None:
                date = nudge.details.get("date")
                on = f" on {long_day(dt.date.fromisoformat(date))}" if isinstance(date, str) else " soon"
                suggestions.append(
                    f"{nudge.contact.name}'s birthday is{on} - a call or a card would be welcome."
                )
                if len(suggestions) >= MAX_SUGGESTIONS:
                    break
    if not suggestions:
        if face_to_face:
            suggestions.append(
                f"A good week: {face_to_face} face-to-face "
                f"{'meeting' if face_to_face == 1 else 'meetings'} with "
                f"{people_seen} {'person' if people_seen == 1 else 'people'}. Keep the rhythm going."
            )
        else:
            suggestions.append("A quiet week is fine. Who would you enjoy seeing in the coming days?")
    return tuple(suggestions[:MAX_SUGGESTIONS])


def build_review(
    week: str,
    interactions: Sequence[Interaction],
    weeks: Mapping[str, WeekCount],
    circles: Mapping[str, str | None],
    first_days: Mapping[str, dt.date],
    nudges: Sequence[Nudge],
    settings: Settings,
    *,
    as_of: dt.date | None = None,
    log_start: dt.date | None = None,
    empty_log: bool = False,
) -> Review:
    """Return the review of ISO week ``week``.

    ``interactions`` are exactly those whose local day falls in the week (up to ``as_of``);
    ``weeks`` holds counts for the 12 trend weeks ending at the week and the baseline weeks
    before it (missing weeks are empty; the week's own count is taken from ``interactions``);
    ``circles`` maps contact ids to circles; ``first_days`` maps contact ids to the day of their
    first interaction ever; ``nudges`` are the nudges in force at the end of the week (or of
    ``as_of``). An ``as_of`` inside the week makes it a week so far, never called crowded.
    ``log_start`` (the log's first day) leaves the weeks before it out of the trend;
    ``empty_log`` says nothing is logged at all.
    """
    return review_of_items(
        week,
        week_items(interactions),
        weeks,
        circles,
        first_days,
        nudges,
        settings,
        as_of=as_of,
        log_start=log_start,
        empty_log=empty_log,
    )


def review_of_items(
    week: str,
    items: Sequence[WeekItem],
    weeks: Mapping[str, WeekCount],
    circles: Mapping[str, str | None],
    first_days: Mapping[str, dt.date],
    nudges: Sequence[Nudge],
    settings: Settings,
    *,
    as_of: dt.date | None = None,
    log_start: dt.date | None = None,
    empty_log: bool = False,
) -> Review:
    """Return what ``build_review`` returns, from the week's interactions as plain values."""
    start = week_start(week)
    end = start + dt.timedelta(days=6)
    so_far = None if as_of is None or as_of >= end else (as_of - start).days + 1
    before_log = empty_log or (log_start is not None and end < log_start)
    (
        face,
        digital,
        minutes_face,
        minutes_digital,
        people,
        people_seen,
        circle_counts,
        group_counts,
        feel_face,
        feel_digital,
        top_people,
        saw_most,
        new_people,
    ) = _week_facts(items, circles, first_days, start, end)
    counts = dict(weeks)
    counts[week] = WeekCount(week, face, digital)
    verdict = crowded_verdict(week, counts, settings)
    trend = tuple(
        WeekCount(name, counts[name].face_to_face, counts[name].digital)
        if name in counts
        else WeekCount(name, 0, 0)
        for name in weeks_back(week, TREND_WEEKS)
        if not empty_log and (log_start is None or week_start(name) + dt.timedelta(days=6) >= log_start)
    )
    return Review(
        week=week,
        start=start,
        end=end,
        face_to_face=face,
        digital=digital,
        minutes_face_to_face=minutes_face,
        minutes_digital=minutes_digital,
        people=people,
        verdict=verdict,
        circles=circle_counts,
        groups=group_counts,
        feel_face_to_face=feel_face,
        feel_digital=feel_digital,
        top_people=top_people,
        new_people=new_people,
        nudges=tuple(nudges),
        trend=trend,
        suggestions=(BEFORE_LOG_SUGGESTION,)
        if before_log
        else suggest(
            verdict if so_far is None else verdict._replace(crowded=False),
            nudges,
            face,
            people_seen,
        ),
        saw_most=saw_most,
        so_far_days=so_far,
        log_start=log_start,
        before_log=before_log,
        budget=max(settings.review_budget, 0),
        as_of=as_of,
    )


def review_json(review: Review) -> dict[str, object]:
    """Return the SPEC §7 JSON object of a review (plus ``share``, an extra field)."""
    baseline: dict[str, float] | None = None
    if review.baseline_face_to_face is not None and review.baseline_digital is not None:
        baseline = {"face_to_face": review.baseline_face_to_face, "digital": review.baseline_digital}
    return {
        "week": review.week,
        "start": review.start.isoformat(),
        "end": review.end.isoformat(),
        "face_to_face": review.face_to_face,
        "digital": review.digital,
        "minutes": {"face_to_face": review.minutes_face_to_face, "digital": review.minutes_digital},
        "share": {"face_to_face": review.share_face_to_face, "digital": review.share_digital},
        "people": review.people,
        "baseline": baseline,
        "crowded": review.crowded,
        "circles": dict(review.circles),
        "groups": dict(review.groups),
        "feel": {"face_to_face": review.feel_face_to_face, "digital": review.feel_digital},
        "top_people": [
            {"id": person.id, "name": person.name, "count": person.interactions}
            for person in review.top_people
        ],
        "saw_most": [
            {"id": person.id, "name": person.name, "count": person.interactions} for person in review.saw_most
        ],
        "new_people": [{"id": person.id, "name": person.name} for person in review.new_people],
        "nudges": [nudge_json(nudge) for nudge in review.nudges],
        "trend": [
            {"week": count.week, "face_to_face": count.face_to_face, "digital": count.digital}
            for count in review.trend
        ],
        "suggestions": list(review.suggestions),
        "so_far_days": review.so_far_days,
        "log_start": None if review.log_start is None else review.log_start.isoformat(),
        "first_full_week": review.first_full_week,
    }


# --- shared wording for the text and Markdown renderings -------------------------------------


def _short_day(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()][:3]} {day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{round_half_up(share * 100, 0):.0f}%"


def _listing(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def _facts(review: Review) -> list[tuple[str, str]]:
    """Return the review's facts as (label, value) pairs, in display order."""
    usual_face, usual_digital = review.baseline_face_to_face, review.baseline_digital
    if usual_face is not None and usual_digital is not None:
        baseline = f"{_number(usual_face)} face to face, {_number(usual_digital)} digital"
    else:
        baseline = "not enough earlier weeks yet"
    face = f"{review.face_to_face} ({_percent(review.share_face_to_face)}), {review.minutes_face_to_face} min"
    digital = f"{review.digital} ({_percent(review.share_digital)}), {review.minutes_digital} min"
    return [
        ("Face to face", face),
        ("Digital", digital),
        ("Usual week", baseline),
        ("People", str(review.people)),
        ("Crowded week", "yes" if review.crowded else "no"),
        ("Circles", _listing([f"{circle} {count}" for circle, count in review.circles.items()])),
        ("Groups", _listing([f"{label} {count}" for label, count in review.groups.items()])),
        (
            "Feel",
            f"face to face {_number(review.feel_face_to_face)}, digital {_number(review.feel_digital)}",
        ),
        ("Saw most", _listing([f"{person.name} ({person.interactions})" for person in review.saw_most])),
        (
            "In touch most",
            _listing([f"{person.name} ({person.interactions})" for person in review.top_people]),
        ),
        ("New people", _listing([person.name for person in review.new_people])),
    ]


def _title(review: Review) -> str:
    so_far = "" if review.so_far_days is None else f", so far, {review.so_far_days} of 7 days"
    return f"Weekly review {review.week} ({_short_day(review.start)} to {_short_day(review.end)}{so_far})"


def log_note(review: Review) -> str | None:
    """Return what a review of a week before the log began says instead of a review of nothing."""
    if not review.before_log:
        return None
    if review.log_start is None:
        return (
            "Nothing is logged yet. Log who you see and talk to (`kinship log ana`); the first "
            "review is ready at the end of the first full week."
        )
    first = review.first_full_week or review.week
    ready = week_start(first) + dt.timedelta(days=6)
    starts = f"Your log starts on {_short_day(review.log_start)}, after this week."
    if review.as_of is not None and review.as_of >= ready:
        return f"{starts} The first full week is {first}: `kinship review --week {first}`."
    return (
        f"{starts} The first full week, {first}, will be ready to review after {_short_day(ready)}; "
        "until then, `kinship review --week this` shows the week so far."
    )


def nudge_line(nudge: Nudge) -> str:
    """Return a nudge's message with the command that quiets it, when it has a handle."""
    return nudge.message if not nudge.handle else f"{nudge.message} (kinship dismiss {nudge.handle})"


def more_line(total: int, shown: int, dash: str = "\u2014") -> str:
    """Return "and N more - kinship nudges" for the nudges a budget leaves out."""
    return f"and {total - shown} more {dash} kinship nudges"


# --- plain text ------------------------------------------------------------------------------


def _bar_length(count: int, largest: int, room: int) -> int:
    if count <= 0:
        return 0
    if largest <= room:
        return count
    return max(1, int(round_half_up(count * room / largest, 0)))


def trend_chart(trend: Sequence[WeekCount], width: int = 80) -> list[str]:
    """Return the trend as ASCII lines: per week a ``#`` bar (face to face) and an ``=`` bar (digital).

    One character per interaction while it fits, scaled down to the width otherwise.
    """
    label_width = max((len(count.week) for count in trend), default=8)
    largest = max((max(count.face_to_face, count.digital) for count in trend), default=0)
    number_width = len(str(largest))
    room = max(width - label_width - number_width - 3, 1)
    lines = [f"{' ' * (label_width + number_width + 2)}{FACE_BAR} face to face   {DIGITAL_BAR} digital"]
    for count in trend:
        for label, value, mark in (
            (count.week, count.face_to_face, FACE_BAR),
            ("", count.digital, DIGITAL_BAR),
        ):
            bar = mark * _bar_length(value, largest, room)
            lines.append(f"{label:<{label_width}} {value:>{number_width}} {bar}".rstrip())
    return lines


def _wrapped(text: str, width: int, first: str, rest: str) -> list[str]:
    import textwrap

    return textwrap.wrap(
        text, width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    ) or [first.rstrip()]


def review_text(review: Review, width: int = 80) -> str:
    """Return the review as plain ASCII text (no colour, no box drawing), wrapped to ``width``."""
    width = max(width, 40)
    title = _title(review)
    lines = [title, "=" * min(len(title), width), ""]
    note = log_note(review)
    if note is not None:
        lines.extend(_wrapped(note, width, "", ""))
        lines.append("")
    facts = _facts(review)
    label_width = max(len(label) for label, _ in facts) + 2
    indent = " " * label_width
    for label, value in facts:
        lines.extend(_wrapped(value, width, f"{label + ':':<{label_width}}", indent))
    lines += [
        "",
        f"Trend, last {len(review.trend)} weeks",
        "-" * len(f"Trend, last {len(review.trend)} weeks"),
    ]
    lines.extend(trend_chart(review.trend, width))
    lines += ["", "Nudges", "------"]
    if review.nudges:
        for nudge in review.nudges[: review.budget]:
            lines.extend(_wrapped(nudge_line(nudge), width, "- ", "  "))
        if len(review.nudges) > review.budget:
            lines.append(f"- {more_line(len(review.nudges), review.budget, '-')}")
    else:
        lines.append("Nothing needs attention.")
    lines += ["", "Suggestions", "-----------"]
    for suggestion in review.suggestions:
        lines.extend(_wrapped(suggestion, width, "- ", "  "))
    return "\n".join(lines) + "\n"


# --- Markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape the characters that would break a Markdown table cell or emphasis."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def review_markdown(review: Review) -> str:
    """Return the review as Markdown: headings, a facts list, a trend table, nudges, suggestions."""
    lines = [f"# {_md(_title(review))}", ""]
    note = log_note(review)
    if note is not None:
        lines += [_md(note), ""]
    for label, value in _facts(review):
        lines.append(f"- **{label}:** {_md(value)}")
    lines += [
        "",
        f"## Trend, last {len(review.trend)} weeks",
        "",
        "| Week | Face to face | Digital |",
        "|---|---:|---:|",
    ]
    lines.extend(f"| {count.week} | {count.face_to_face} | {count.digital} |" for count in review.trend)
    lines += ["", "## Nudges", ""]
    if review.nudges:
        lines.extend(f"- {_md(nudge_line(nudge))}" for nudge in review.nudges[: review.budget])
        if len(review.nudges) > review.budget:
            lines.append(f"- {more_line(len(review.nudges), review.budget)}")
    else:
        lines.append("Nothing needs attention.")
    lines += ["", "## Suggestions", ""]
    lines.extend(f"- {_md(suggestion)}" for suggestion in review.suggestions)
    return "\n".join(lines) + "\n"
