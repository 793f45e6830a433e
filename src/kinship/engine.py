"""The pure nudge engine: rhythms, fading, online-only and see-in-person contacts, fading groups,
crowded weeks, isolation, birthdays; handles, hidden nudges and reminder digests.

Everything here is a function of plain values (contact summaries, weekly counts, nudge state,
settings and an as-of day). Nothing reads the clock, the environment or the database, so every
rule is tested with literal inputs and ``--as-of`` in the past gives the answer of that day.
The rules, their defaults and their config keys are described in ``docs/nudges.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Iterable, Mapping, Sequence

from kinship.dates import last_ended_week, weeks_back
from kinship.lean import NamedTuple
from kinship.models import ContactSummary, GroupSummary, Nudge, NudgeState, Settings, WeekCount

FADING = "fading"
ONLINE_ONLY = "online_only"
CROWDED_WEEK = "crowded_week"
ISOLATION = "isolation"
BIRTHDAY = "birthday"
SEE_IN_PERSON = "see_in_person"
GROUP_FADING = "group_fading"
KINDS: tuple[str, ...] = (
    FADING,
    ONLINE_ONLY,
    CROWDED_WEEK,
    ISOLATION,
    BIRTHDAY,
    SEE_IN_PERSON,
    GROUP_FADING,
)

RHYTHM_KINDS: frozenset[str] = frozenset({FADING, ONLINE_ONLY, SEE_IN_PERSON})
"""The kinds that ask to see or talk to one person (the review suggests meeting them)."""

HANDLE_MIN = 4
"""A handle is at least this many hex characters of the hash of a nudge's key."""

ISOLATION_GROUPS_SHOWN = 3

ONLINE_ONLY_MIN_FACE_TO_FACE_DAYS = 3
"""Face-to-face days in the last 365 that make a relationship one that used to be in person."""

ISOLATION_LOOKBACK_DAYS = 90
"""Some face-to-face contact must fall in these days before the quiet stretch for it to count."""

NO_BASELINE_MIN_DIGITAL = 5
"""Without a baseline, a week is crowded only with at least this many digital interactions and
no face-to-face one."""

SCORE_PLACES = 2

STATUSES: tuple[str, ...] = (
    "ok",
    "due",
    FADING,
    ONLINE_ONLY,
    SEE_IN_PERSON,
    "snoozed",
    "archived",
    "no_rhythm",
)


# --- small numeric helpers -------------------------------------------------------------------


def round_half_up(value: float, places: int) -> float:
    """Return ``value`` rounded to ``places`` decimals, halves away from zero (not banker's)."""
    # no decimal on the nudges path (its import costs start-up time); rounding the scaled value
    # to 9 places first removes the binary noise of values such as 2.675 (267.49999...)
    scale = 10**places
    scaled = round(abs(value) * scale, 9)
    whole = int(scaled + 0.5)
    return float(math.copysign(whole / scale, value)) if whole else 0.0


def median_days(gaps: Sequence[int]) -> int | None:
    """Return the median of whole-day gaps; an even count takes the mean of the middle two,
    rounded to the nearest day, halves up. None for no gaps."""
    if not gaps:
        return None
    ordered = sorted(gaps)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle] + 1) // 2


def median_count(values: Sequence[int]) -> float | None:
    """Return the plain median of counts (the mean of the middle two for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


_ORDINAL = dt.date.toordinal


def gaps_between(days: Iterable[int]) -> list[int]:
    """Return the gaps in days between consecutive distinct day ordinals."""
    # whole numbers in C-level maps: far cheaper than timedeltas (this runs for every contact)
    ordered = sorted(days)
    gaps = list(map(operator.sub, ordered[1:], ordered[:-1]))
    return [gap for gap in gaps if gap] if 0 in gaps else gaps  # a zero gap is a repeated day


# --- rhythms ---------------------------------------------------------------------------------


def rhythm(summary: ContactSummary, settings: Settings) -> tuple[int | None, str | None]:
    """Return the contact's expected gap in days and where it comes from.

    The source is ``"explicit"`` (``--every``), ``"learned"`` (median gap between the distinct
    interaction days of the last 365, given at least ``learn_min_days`` of them, never below
    ``min_rhythm_days``), ``"circle"``
    (the circle's default) or None with a None rhythm when nothing applies.
    """
    if summary.every_days is not None and summary.every_days > 0:
        return summary.every_days, "explicit"
    days = summary.days
    if len(days) >= max(settings.learn_min_days, 2):  # else too few days, even all distinct
        # gaps_between and median_days inlined: this runs for most contacts; the day ordinals
        # arrive distinct and ascending, so the gaps are one C-level map (a summary made by hand
        # out of order or with a repeat is put in order first)
        gaps = list(map(operator.sub, days[1:], days[:-1]))
        if min(gaps) <= 0:
            ordered = sorted(set(days))
            gaps = list(map(operator.sub, ordered[1:], ordered[:-1]))
        if gaps and len(gaps) + 1 >= max(settings.learn_min_days, 2):
            gaps.sort()
            middle = len(gaps) // 2
            learned = gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle] + 1) // 2
            # a colleague seen every workday is not "fading" after a week's holiday
            return max(learned, settings.min_rhythm_days), "learned"
    if summary.circle is not None:
        circle_days = settings.circles.get(summary.circle)
        if circle_days is not None and circle_days > 0:
            return circle_days, "circle"
    return None, None


def face_to_face_rhythm(summary: ContactSummary) -> int | None:
    """Return the median gap between the contact's face-to-face days, None with fewer than two."""
    return median_days(gaps_between(summary.face_to_face_days))


# --- per-contact measurements shared by the nudges and the status ----------------------------


class Overdue(NamedTuple):
    """How long it has been against a contact's rhythm, measured from ``since``."""

    since: dt.date
    """The last interaction day, or the day the contact was added when never interacted with."""
    days_since: int
    rhythm_days: int
    source: str
    never_contacted: bool

    @property
    def ratio(self) -> float:
        """Return days since over rhythm."""
        return self.days_since / self.rhythm_days


def measure_overdue(
    summary: ContactSummary,
    settings: Settings,
    as_of: dt.date,
    *,
    known_rhythm: tuple[int | None, str | None] | None = None,
) -> Overdue | None:
    """Return the contact's days since against its rhythm, or None when it is not measured.

    None when the contact has no rhythm, or was never interacted with and its rhythm is only the
    circle default (so importing many contacts does not raise many nudges). ``known_rhythm`` is
    what ``rhythm(summary, settings)`` returned, when the caller already has it.
    """
    rhythm_days, source = rhythm(summary, settings) if known_rhythm is None else known_rhythm
    if rhythm_days is None or source is None:
        return None
    if summary.last_day is not None:
        since, never = summary.last_day, False
    elif source == "explicit":
        since, never = summary.created_day, True
    else:
        return None
    return Overdue(since, (as_of - since).days, rhythm_days, source, never)


def cannot_fade(summary: ContactSummary, settings: Settings, as_of: dt.date) -> bool:
    """Return True when the fading rule cannot fire whatever the learned rhythm is.

    A cheap test before the rhythm is learned (a sort of the gaps): a learned rhythm is never
    below ``min_rhythm_days`` (nor below a day), so a contact seen within ``fade_factor`` times
    the smallest rhythm it could have is not fading. An explicit rhythm, a contact never
    interacted with, or a negative factor are left to the full test (False).
    """
    last = summary.last_day
    if (
        last is None
        or settings.fade_factor < 0
        or (summary.every_days is not None and summary.every_days > 0)
    ):
        return False
    least = max(settings.min_rhythm_days, 1)
    if summary.circle is not None:
        circle_days = settings.circles.get(summary.circle)
        if circle_days is not None and circle_days > 0:
            least = min(least, circle_days)
    return (as_of - last).days <= settings.fade_factor * least


def is_fading(overdue: Overdue, settings: Settings) -> bool:
    """Return whether the days since exceed ``fade_factor`` times the rhythm (strictly)."""
    return overdue.days_since > settings.fade_factor * overdue.rhythm_days


def is_due(overdue: Overdue) -> bool:
    """Return whether the days since exceed the rhythm once (strictly)."""
    return overdue.days_since > overdue.rhythm_days


class OnlineOnly(NamedTuple):
    """A relationship that used to be face to face and has gone digital only."""

    last_face_to_face_day: dt.date
    days_since_face_to_face: int
    face_to_face_rhythm_days: int
    digital_since: int

    @property
    def ratio(self) -> float:
        """Return days since face to face over the face-to-face rhythm."""
        return self.days_since_face_to_face / self.face_to_face_rhythm_days


def measure_online_only(summary: ContactSummary, settings: Settings, as_of: dt.date) -> OnlineOnly | None:
    """Return the online-only measurement when the rule fires, else None."""
    last = summary.last_face_to_face_day
    if last is None or summary.digital_since_face_to_face < settings.online_only_min_digital:
        return None
    days_since = (as_of - last).days
    if days_since < settings.online_only_min_days:  # the cheap tests first: most contacts stop here
        return None
    if len(set(summary.face_to_face_days)) < ONLINE_ONLY_MIN_FACE_TO_FACE_DAYS:
        return None
    rhythm_days = face_to_face_rhythm(summary)
    if rhythm_days is None or days_since <= settings.online_only_factor * rhythm_days:
        return None
    return OnlineOnly(last, days_since, rhythm_days, summary.digital_since_face_to_face)


# --- nudge state -----------------------------------------------------------------------------


def contact_snoozed(contact_id: str, state: NudgeState, as_of: dt.date) -> bool:
    """Return whether a snooze of the whole contact is in force on ``as_of``."""
    return any(
        snooze.contact_id == contact_id and snooze.made <= as_of < snooze.until for snooze in state.snoozes
    )


def key_snoozed(key: str, state: NudgeState, as_of: dt.date) -> bool:
    """Return whether a snooze of this nudge key is in force on ``as_of``."""
    return any(snooze.key == key and snooze.made <= as_of < snooze.until for snooze in state.snoozes)


def key_dismissed(key: str, state: NudgeState, as_of: dt.date) -> bool:
    """Return whether this key was dismissed on or before ``as_of`` (and not yet taken back)."""
    return any(
        dismissal.key == key
        and dismissal.made <= as_of
        and (dismissal.until is None or as_of < dismissal.until)
        for dismissal in state.dismissals
    )


def is_quiet(nudge: Nudge, state: NudgeState, as_of: dt.date) -> bool:
    """Return whether a snooze or dismissal in force on ``as_of`` leaves this nudge out."""
    if key_snoozed(nudge.key, state, as_of) or key_dismissed(nudge.key, state, as_of):
        return True
    # SPEC §6: a snoozed contact is left out altogether, birthdays included
    return nudge.contact is not None and contact_snoozed(nudge.contact.id, state, as_of)


class Hidden(NamedTuple):
    """A nudge the rules raise that a dismissal or a snooze leaves out, and since when."""

    nudge: Nudge
    reason: str
    """``dismissed`` or ``snoozed``."""
    made: dt.date
    until: dt.date | None
    """The first day a snooze no longer applies (None for a dismissal)."""
    whole_contact: bool = False
    """The snooze is of the whole contact rather than of this one key."""


def quiet_reason(nudge: Nudge, state: NudgeState, as_of: dt.date) -> Hidden | None:
    """Return why this nudge is left out on ``as_of`` (a dismissal first), None when it is not."""
    for dismissal in state.dismissals:
        if (
            dismissal.key == nudge.key
            and dismissal.made <= as_of
            and (dismissal.until is None or as_of < dismissal.until)
        ):
            return Hidden(nudge, "dismissed", dismissal.made, None)
    contact_id = None if nudge.contact is None else nudge.contact.id
    snoozes = [
        snooze
        for snooze in state.snoozes
        if snooze.made <= as_of < snooze.until
        and (snooze.key == nudge.key or (contact_id is not None and snooze.contact_id == contact_id))
    ]
    if not snoozes:
        return None
    longest = max(snoozes, key=lambda snooze: (snooze.until, snooze.key is None))
    return Hidden(nudge, "snoozed", longest.made, longest.until, longest.key is None)


# --- the nudges of one contact ---------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _verb(summary: ContactSummary) -> str:
    """Return "see" for someone mostly met in person, else "talk to"."""
    face_days = len(set(summary.face_to_face_days))
    return "see" if face_days and 2 * face_days >= len(set(summary.days)) else "talk to"


def fading_key(contact_id: str, since: dt.date) -> str:
    """Return the key of a fading episode that started on ``since``."""
    return f"{FADING}:{contact_id}:{since.isoformat()}"


def online_only_key(contact_id: str, last_face_to_face_day: dt.date) -> str:
    """Return the key of an online-only episode that started on the last face-to-face day."""
    return f"{ONLINE_ONLY}:{contact_id}:{last_face_to_face_day.isoformat()}"


def _fading_nudge(summary: ContactSummary, overdue: Overdue) -> Nudge:
    name = summary.contact.name
    verb = _verb(summary)
    days = overdue.days_since
    if overdue.never_contacted:
        message = (
            f"You hoped to talk to {name} every {_plural(overdue.rhythm_days, 'day')}; "
            f"you added them {_plural(days, 'day')} ago and have not logged anything yet "
            "- a good week to reach out."
        )
    elif overdue.source == "explicit":
        message = (
            f"You hoped to {verb} {name} every {_plural(overdue.rhythm_days, 'day')}; "
            f"it has been {days} - a good week to reconnect."
        )
    elif overdue.source == "learned":
        message = (
            f"You usually {verb} {name} every {_plural(overdue.rhythm_days, 'day')}; "
            f"it has been {days} - a good week to reconnect."
        )
    else:
        circle = summary.circle or "this circle"
        message = (
            f"It has been {_plural(days, 'day')} since you were last in touch with {name}; "
            f"for {circle}, about every {_plural(overdue.rhythm_days, 'day')} feels right "
            "- a good week to reconnect."
        )
    return Nudge(
        key=fading_key(summary.contact.id, overdue.since),
        kind=FADING,
        score=round_half_up(overdue.ratio, SCORE_PLACES),
        message=message,
        contact=summary.contact,
        details={"days_since": days, "rhythm_days": overdue.rhythm_days},
    )


def _online_only_nudge(summary: ContactSummary, online: OnlineOnly) -> Nudge:
    name = summary.contact.name
    message = (
        f"You used to see {name} in person about every "
        f"{_plural(online.face_to_face_rhythm_days, 'day')}; it has been "
        f"{online.days_since_face_to_face} days, with {_plural(online.digital_since, 'digital contact')} "
        "since. Could the next one be a coffee or a walk?"
    )
    return Nudge(
        key=online_only_key(summary.contact.id, online.last_face_to_face_day),
        kind=ONLINE_ONLY,
        score=round_half_up(online.ratio, SCORE_PLACES),
        message=message,
        contact=summary.contact,
        details={
            "days_since_face_to_face": online.days_since_face_to_face,
            "face_to_face_rhythm_days": online.face_to_face_rhythm_days,
            "digital_since": online.digital_since,
        },
    )


# --- seeing someone in person ----------------------------------------------------------------


class SeeInPerson(NamedTuple):
    """A wished-for in-person rhythm that has been exceeded."""

    since: dt.date
    """The last face-to-face day, or the day the contact was added when never met in person."""
    days_since_face_to_face: int
    see_every_days: int
    digital_since: int
    never_met: bool

    @property
    def ratio(self) -> float:
        """Return days since face to face over the wished-for days."""
        return self.days_since_face_to_face / self.see_every_days


def measure_see_in_person(summary: ContactSummary, as_of: dt.date) -> SeeInPerson | None:
    """Return the measurement when the days since meeting in person exceed the wish, else None."""
    wish = summary.see_every_days
    if wish is None or wish <= 0:
        return None
    last = summary.last_face_to_face_day
    since = summary.created_day if last is None else last
    days = (as_of - since).days
    if days <= wish:
        return None
    return SeeInPerson(since, days, wish, summary.digital_since_face_to_face, last is None)


def see_in_person_key(contact_id: str, since: dt.date) -> str:
    """Return the key of a see-in-person episode measured from ``since``."""
    return f"{SEE_IN_PERSON}:{contact_id}:{since.isoformat()}"


def every_words(days: int) -> str:
    """Return a rhythm in the words a person would use: ``2 months``, ``week``, ``10 days``."""
    for size, unit in ((365, "year"), (30, "month"), (7, "week")):
        if days % size == 0:
            count = days // size
            return unit if count == 1 else f"{count} {unit}s"
    return "day" if days == 1 else f"{days} days"


def _see_in_person_nudge(summary: ContactSummary, see: SeeInPerson) -> Nudge:
    name = summary.contact.name
    wish = f"You wanted to see {name} in person every {every_words(see.see_every_days)}"
    digital = see.digital_since
    since = f", with {_plural(digital, 'digital contact')} since" if digital else ""
    if see.never_met:
        message = (
            f"{wish}; you added them {see.days_since_face_to_face} days ago and have not met yet{since}"
            " - could you plan a visit?"
        )
    else:
        message = f"{wish}; it has been {see.days_since_face_to_face} days{since} - could you plan a visit?"
    return Nudge(
        key=see_in_person_key(summary.contact.id, see.since),
        kind=SEE_IN_PERSON,
        score=round_half_up(see.ratio, SCORE_PLACES),
        message=message,
        contact=summary.contact,
        details={
            "days_since_face_to_face": see.days_since_face_to_face,
            "see_every_days": see.see_every_days,
            "digital_since": digital,
        },
    )


# --- groups ----------------------------------------------------------------------------------


def group_rhythm(group: GroupSummary, settings: Settings) -> int | None:
    """Return a group's learned rhythm: the median gap between the days it met in the last 365,
    given at least ``learn_min_days`` of them, never below ``min_rhythm_days``; else None."""
    if len(set(group.days)) < max(settings.learn_min_days, 2):
        return None
    learned = median_days(gaps_between(map(_ORDINAL, group.days)))
    return None if learned is None else max(learned, settings.min_rhythm_days)


def group_fading_key(group_key: str, last_day: dt.date) -> str:
    """Return the key of a group's fading episode that started on its last day."""
    return f"{GROUP_FADING}:{group_key}:{last_day.isoformat()}"


def _group_nudge(group: GroupSummary, settings: Settings, as_of: dt.date) -> Nudge | None:
    rhythm_days = group_rhythm(group, settings)
    if rhythm_days is None or group.last_day is None:
        return None
    days = (as_of - group.last_day).days
    if days <= settings.fade_factor * rhythm_days:
        return None
    return Nudge(
        key=group_fading_key(group.key, group.last_day),
        kind=GROUP_FADING,
        score=round_half_up(days / rhythm_days, SCORE_PLACES),
        message=(
            f"You usually go to {group.label} every {_plural(rhythm_days, 'day')}; it has been {days}"
            " - the people there would likely be glad to see you again."
        ),
        details={"group": group.label, "days_since": days, "rhythm_days": rhythm_days},
    )


def ago_words(days: int) -> str:
    """Return how long ago in rounded words: ``3 days``, ``5 weeks``, ``4 months``."""
    if days < 14:
        return _plural(days, "day")
    if days < 61:
        return _plural(days // 7, "week")
    if days < 730:
        return _plural(days // 30, "month")
    return _plural(days // 365, "year")


# --- birthdays -------------------------------------------------------------------------------


class Birthday(NamedTuple):
    """A birthday as stored: month and day, and the year when known."""

    year: int | None
    month: int
    day: int


WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_day(day: dt.date) -> str:
    """Return ``Wednesday 4 March``, independent of the process locale."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def parse_birthday_text(text: str | None) -> Birthday | None:
    """Return the birthday in ``YYYY-MM-DD`` or ``--MM-DD``, or None for anything else."""
    if not text:
        return None
    # read by hand, not by a regular expression: ``re`` costs the nudges' start-up more than
    # all the birthdays of a lifetime log (isdecimal is what \d matches)
    plain = text.strip()
    if len(plain) == 10 and plain[4] == "-" and plain[:4].isdecimal():
        year: int | None = int(plain[:4])
    elif len(plain) == 7 and plain[0] == "-":
        year = None
    else:
        return None
    month_text, dash, day_text = plain[-5:-3], plain[-3], plain[-2:]
    if plain[-6] != "-" or dash != "-" or not (month_text.isdecimal() and day_text.isdecimal()):
        return None
    month, day = int(month_text), int(day_text)
    try:
        dt.date(2000 if year is None else year, month, day)  # 2000 is a leap year: 29 February is valid
    except ValueError:
        return None
    return Birthday(year, month, day)


def birthday_in(birthday: Birthday, year: int) -> dt.date:
    """Return the day the birthday is kept in ``year``; 29 February is kept on 28 February in
    non-leap years."""
    try:
        return dt.date(year, birthday.month, birthday.day)
    except ValueError:
        return dt.date(year, 2, 28)


def next_birthday(birthday: Birthday, as_of: dt.date) -> dt.date | None:
    """Return the first birthday on or after ``as_of`` (None before the person was born)."""
    for year in (as_of.year, as_of.year + 1):
        occurrence = birthday_in(birthday, year)
        if occurrence >= as_of:
            if birthday.year is not None and occurrence.year <= birthday.year:
                return None
            return occurrence
    return None  # unreachable: next year's birthday is always after as_of


_BIRTHDAY_WINDOWS: dict[tuple[dt.date, int], frozenset[str] | None] = {}


def birthday_window(as_of: dt.date, days: int) -> frozenset[str] | None:
    """Return the ``MM-DD`` endings of every birthday kept within ``days`` of ``as_of`` (29
    February too when 28 February of a common year is among them); None when the window is a
    year or more (every birthday may be in it).

    A birthday text whose ASCII ending is not in this set raises no nudge, so most contacts
    are passed over without parsing their birthday.
    """
    window = _BIRTHDAY_WINDOWS.get((as_of, days))
    if window is None and (as_of, days) not in _BIRTHDAY_WINDOWS:
        if days < 365:
            endings = set()
            for offset in range(max(days + 1, 0)):
                day = as_of + dt.timedelta(days=offset)
                endings.add(f"{day.month:02d}-{day.day:02d}")
                if day.month == 2 and day.day == 28 and not calendar_leap(day.year):
                    endings.add("02-29")
            window = frozenset(endings)
        if len(_BIRTHDAY_WINDOWS) > 64:  # a long-running caller (tests) asks for many days
            _BIRTHDAY_WINDOWS.clear()
        _BIRTHDAY_WINDOWS[(as_of, days)] = window
    return window


def calendar_leap(year: int) -> bool:
    """Return whether ``year`` has a 29 February."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthday_nudge(summary: ContactSummary, settings: Settings, as_of: dt.date) -> Nudge | None:
    text = summary.birthday
    if not text:
        return None
    window = birthday_window(as_of, settings.birthday_days)
    if window is not None:
        ending = text.rstrip()[-5:]
        if ending.isascii() and ending not in window:  # the cheap test first: most stop here
            return None
    birthday = parse_birthday_text(text)
    if birthday is None:
        return None
    occurrence = next_birthday(birthday, as_of)
    if occurrence is None:
        return None
    days_to_go = (occurrence - as_of).days
    if days_to_go > settings.birthday_days:
        return None
    name = summary.contact.name
    age = f" (turning {occurrence.year - birthday.year})" if birthday.year is not None else ""
    weekday = long_day(occurrence)
    if days_to_go == 0:
        when = "today"
        message = f"It is {name}'s birthday today{age} - a call or a message would be welcome."
    else:
        when = "soon"
        lead = "tomorrow" if days_to_go == 1 else f"in {days_to_go} days"
        message = (
            f"{name}'s birthday is {lead}, on {weekday}{age} - time for a card, a call or a plan to meet."
        )
    horizon = max(settings.birthday_days, 1)
    return Nudge(
        key=f"{BIRTHDAY}:{summary.contact.id}:{occurrence.isoformat()}:{when}",
        kind=BIRTHDAY,
        score=round_half_up(1 + (horizon - days_to_go) / horizon, SCORE_PLACES),
        message=message,
        contact=summary.contact,
        details={"date": occurrence.isoformat()},
    )


def contact_nudges(summary: ContactSummary, settings: Settings, as_of: dt.date) -> list[Nudge]:
    """Return every nudge the rules raise for one contact, before snoozes and dismissals."""
    if summary.archived:
        return []
    nudges: list[Nudge] = []
    if not cannot_fade(summary, settings, as_of):  # most contacts seen lately stop here
        overdue = measure_overdue(summary, settings, as_of)
        if overdue is not None and is_fading(overdue, settings):
            nudges.append(_fading_nudge(summary, overdue))
    # each rule's cheapest test inline first: most contacts raise nothing
    see = None if summary.see_every_days is None else measure_see_in_person(summary, as_of)
    if see is not None:
        nudges.append(_see_in_person_nudge(summary, see))
    elif (  # SPEC §6: when see_in_person fires, online_only does not (one message about meeting)
        summary.last_face_to_face_day is not None
        and summary.digital_since_face_to_face >= settings.online_only_min_digital
    ):
        online = measure_online_only(summary, settings, as_of)
        if online is not None:
            nudges.append(_online_only_nudge(summary, online))
    if summary.birthday:
        birthday = _birthday_nudge(summary, settings, as_of)
        if birthday is not None:
            nudges.append(birthday)
    return nudges


# --- crowded weeks ---------------------------------------------------------------------------


class CrowdedVerdict(NamedTuple):
    """Week W's counts against its baseline, and whether digital crowded out face to face."""

    week: str
    face_to_face: int
    digital: int
    baseline_face_to_face: float | None
    baseline_digital: float | None
    crowded: bool

    @property
    def has_baseline(self) -> bool:
        """Return whether enough earlier weeks had interactions to make a baseline."""
        return self.baseline_face_to_face is not None and self.baseline_digital is not None


def crowded_verdict(week: str, weeks: Mapping[str, WeekCount], settings: Settings) -> CrowdedVerdict:
    """Return week W's counts, its baseline (None without one) and whether it was crowded.

    The baseline is the median over all ``baseline_weeks`` weeks before W, weeks missing from
    ``weeks`` counted as empty, provided at least ``baseline_min_weeks`` of them had any
    interaction. W is crowded when D >= ``crowded_min_digital``, D >= ``crowded_ratio`` x
    max(F, 1) and, with a baseline, F < its baseline and D > its baseline; without a baseline,
    D >= 5 and F = 0.
    """
    empty = WeekCount(week, 0, 0)
    current = weeks.get(week, empty)
    face, digital = current.face_to_face, current.digital
    previous = weeks_back(week, settings.baseline_weeks + 1)[:-1] if settings.baseline_weeks > 0 else []
    counts = [weeks.get(name, WeekCount(name, 0, 0)) for name in previous]
    active = sum(1 for count in counts if count.face_to_face + count.digital > 0)
    baseline_face: float | None = None
    baseline_digital: float | None = None
    if counts and active >= settings.baseline_min_weeks:
        baseline_face = median_count([count.face_to_face for count in counts])
        baseline_digital = median_count([count.digital for count in counts])
    crowded = digital >= settings.crowded_min_digital and digital >= settings.crowded_ratio * max(face, 1)
    if baseline_face is not None and baseline_digital is not None:
        crowded = crowded and face < baseline_face and digital > baseline_digital
    else:
        crowded = crowded and digital >= NO_BASELINE_MIN_DIGITAL and face == 0
    return CrowdedVerdict(week, face, digital, baseline_face, baseline_digital, crowded)


def _format_count(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _crowded_nudge(verdict: CrowdedVerdict) -> Nudge:
    face, digital = verdict.face_to_face, verdict.digital
    counts = f"In {verdict.week} you had {_plural(digital, 'digital contact')} and {face} face to face"
    if verdict.baseline_face_to_face is not None and verdict.baseline_digital is not None:
        usual = (
            f"; a usual week has about {_format_count(verdict.baseline_digital)} digital and "
            f"{_format_count(verdict.baseline_face_to_face)} face to face"
        )
    else:
        usual = ""
    message = (
        f"{counts}{usual}. Screens crowded out meeting in person - could one of those chats "
        "become a coffee, a walk or a club night?"
    )
    return Nudge(
        key=f"{CROWDED_WEEK}:{verdict.week}",
        kind=CROWDED_WEEK,
        score=round_half_up(digital / (digital + face), SCORE_PLACES),
        message=message,
        details={
            "week": verdict.week,
            "face_to_face": face,
            "digital": digital,
            "baseline_face_to_face": verdict.baseline_face_to_face,
            "baseline_digital": verdict.baseline_digital,
        },
    )


# --- isolation -------------------------------------------------------------------------------


def isolation_days(last_face_to_face_day: dt.date | None, settings: Settings, as_of: dt.date) -> int | None:
    """Return the days without face-to-face contact when the isolation rule fires, else None.

    It fires after ``isolation_days`` days without any face-to-face interaction (group
    activities included) when the last one fell in the 90 days before those days; someone who
    logs no face-to-face contact at all is not nagged.
    """
    if last_face_to_face_day is None:
        return None
    days = (as_of - last_face_to_face_day).days
    if days < settings.isolation_days or days >= settings.isolation_days + ISOLATION_LOOKBACK_DAYS:
        return None
    return days


def _isolation_nudge(
    last_face_to_face_day: dt.date,
    days: int,
    settings: Settings,
    groups: Sequence[GroupSummary] = (),
    as_of: dt.date | None = None,
) -> Nudge:
    met = sorted(
        (
            group
            for group in groups
            if group.last_day is not None and (as_of is None or group.last_day <= as_of)
        ),
        key=lambda group: (-(group.last_day or dt.date.min).toordinal(), group.key),
    )[:ISOLATION_GROUPS_SHOWN]
    if met and as_of is not None:
        own = ", ".join(
            f"{group.label} last met {ago_words((as_of - (group.last_day or as_of)).days)} ago"
            for group in met
        )
        message = (
            f"It has been {days} days since you last met anyone in person. Your own groups are an easy "
            f"way back: {own}. Or try something new - a club, a class or an hour of volunteering - "
            "or invite someone for a walk."
        )
    else:
        message = (
            f"It has been {days} days since you last met anyone in person. A club, a class or an hour "
            "of volunteering is an easy way back to seeing people - or invite someone for a walk."
        )
    return Nudge(
        key=f"{ISOLATION}:{last_face_to_face_day.isoformat()}",
        kind=ISOLATION,
        score=round_half_up(days / max(settings.isolation_days, 1), SCORE_PLACES),
        message=message,
        details={"days_since_face_to_face": days},
    )


# --- public entry points ---------------------------------------------------------------------


def _order(nudges: Iterable[Nudge]) -> list[Nudge]:
    return sorted(nudges, key=lambda nudge: (-nudge.score, nudge.key))


def candidate_nudges(
    summaries: Sequence[ContactSummary],
    weeks: Mapping[str, WeekCount],
    last_face_to_face_day: dt.date | None,
    settings: Settings,
    as_of: dt.date,
    groups: Sequence[GroupSummary] = (),
) -> list[Nudge]:
    """Return every nudge the rules raise at the end of ``as_of``, before snoozes and dismissals."""
    candidates: list[Nudge] = []
    for summary in summaries:
        candidates.extend(contact_nudges(summary, settings, as_of))
    for group in groups:
        nudge = _group_nudge(group, settings, as_of)
        if nudge is not None:
            candidates.append(nudge)
    verdict = crowded_verdict(last_ended_week(as_of), weeks, settings)
    if verdict.crowded:
        candidates.append(_crowded_nudge(verdict))
    days = isolation_days(last_face_to_face_day, settings, as_of)
    if days is not None and last_face_to_face_day is not None:
        candidates.append(_isolation_nudge(last_face_to_face_day, days, settings, groups, as_of))
    return _order(candidates)


def compute_nudges(
    summaries: Sequence[ContactSummary],
    weeks: Mapping[str, WeekCount],
    last_face_to_face_day: dt.date | None,
    state: NudgeState,
    settings: Settings,
    as_of: dt.date,
    groups: Sequence[GroupSummary] = (),
) -> list[Nudge]:
    """Return the nudges in force at the end of ``as_of``, highest score first, then by key.

    ``weeks`` maps ISO weeks to counts (missing weeks are empty) and must hold at least the week
    last ended by ``as_of`` and the ``baseline_weeks`` before it. ``last_face_to_face_day`` is
    the last face-to-face day of all (group activities included) on or before ``as_of``.
    Snoozes, dismissals and reminders made after ``as_of`` are ignored.
    """
    candidates = candidate_nudges(summaries, weeks, last_face_to_face_day, settings, as_of, groups)
    return [nudge for nudge in candidates if not is_quiet(nudge, state, as_of)]


class Board(NamedTuple):
    """The nudges in force and the ones a snooze or dismissal hides, all with their handles."""

    nudges: list[Nudge]
    hidden: list[Hidden]


def nudge_board(candidates: Sequence[Nudge], state: NudgeState, as_of: dt.date) -> Board:
    """Split ordered candidates into those in force and those hidden, and give each a handle."""
    shown: list[Nudge] = []
    hidden: list[Hidden] = []
    if state.snoozes or state.dismissals:
        for nudge in candidates:
            reason = quiet_reason(nudge, state, as_of)
            if reason is None:
                shown.append(nudge)
            else:
                hidden.append(reason)
    else:  # nothing quieted: every candidate is in force
        shown = list(candidates)
    handles = assign_handles([nudge.key for nudge in candidates])
    return Board(
        [_with_handle(nudge, handles[nudge.key]) for nudge in shown],
        [item._replace(nudge=_with_handle(item.nudge, handles[item.nudge.key])) for item in hidden],
    )


def _with_handle(nudge: Nudge, handle: str) -> Nudge:
    # the fields spelled out: NamedTuple._replace costs several times more, for every nudge
    return Nudge(nudge.key, nudge.kind, nudge.score, nudge.message, nudge.contact, nudge.details, handle)


# --- handles ---------------------------------------------------------------------------------


def key_hash(key: str) -> str:
    """Return the hex hash a handle is a prefix of; it depends on the key alone, so it never changes."""
    try:  # the built-in module: hashlib would load OpenSSL on the nudges path
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(key.encode("utf-8"), digest_size=16).hexdigest()


def _common_prefix(first: str, second: str) -> int:
    if first[:HANDLE_MIN] != second[:HANDLE_MIN]:
        return 0  # the usual case; any length under HANDLE_MIN gives the same handle
    length = 0
    for one, two in zip(first, second, strict=False):
        if one != two:
            break
        length += 1
    return length


def assign_handles(keys: Iterable[str]) -> dict[str, str]:
    """Return each key's handle: the shortest prefix (at least 4 characters) of its hash that no
    other key's hash shares."""
    try:  # once, not per key (as in key_hash)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    hashes = sorted({blake2b(key.encode("utf-8"), digest_size=16).hexdigest(): key for key in keys}.items())
    handles: dict[str, str] = {}
    heads = [digest[:HANDLE_MIN] for digest, _ in hashes]
    last = len(hashes) - 1
    for index, (digest, key) in enumerate(hashes):
        head = heads[index]
        # sorted hashes: only a neighbour can share more than the handle's least length, and it
        # can only when it shares those first characters (the usual case: neither does)
        if (index and heads[index - 1] == head) or (index < last and heads[index + 1] == head):
            shared = 0
            if index:
                shared = max(shared, _common_prefix(digest, hashes[index - 1][0]))
            if index < last:
                shared = max(shared, _common_prefix(digest, hashes[index + 1][0]))
            handles[key] = digest[: max(HANDLE_MIN, shared + 1)]
        else:
            handles[key] = head
    return handles


def match_handle(prefix: str, keys: Iterable[str]) -> list[str]:
    """Return the keys whose hash starts with ``prefix`` (at least 4 hex characters), in order."""
    clean = prefix.strip().lower()
    if len(clean) < HANDLE_MIN or any(char not in "0123456789abcdef" for char in clean):
        return []
    return [key for key in keys if key_hash(key).startswith(clean)]


def contact_status(
    summary: ContactSummary,
    state: NudgeState,
    settings: Settings,
    as_of: dt.date,
    *,
    known_rhythm: tuple[int | None, str | None] | None = None,
) -> str:
    """Return the contact's status for ``kinship people`` (``known_rhythm``: what ``rhythm`` gave).

    First that applies: ``archived``; ``snoozed`` (a contact snooze); ``see_in_person``; ``online_only``;
    ``no_rhythm``; ``fading``; ``snoozed`` (a key snooze of a rule that fires, when no later rule
    fires unsnoozed); ``due`` (past 1x rhythm); ``ok``. A contact never interacted with whose rhythm is only the circle default
    is ``ok``: it is not measured until the first interaction.
    """
    if summary.archived:
        return "archived"
    snoozes = bool(state.snoozes)  # without any snooze, no key to build and look up
    if snoozes and contact_snoozed(summary.contact.id, state, as_of):
        return "snoozed"
    key_snooze = False  # a key snooze of one rule lets the next rule speak (as the nudges do)
    see = None if summary.see_every_days is None else measure_see_in_person(summary, as_of)
    online = None if see is not None else measure_online_only(summary, settings, as_of)
    if see is not None:
        if not (snoozes and key_snoozed(see_in_person_key(summary.contact.id, see.since), state, as_of)):
            return SEE_IN_PERSON
        key_snooze = True
    if online is not None:
        if not (
            snoozes
            and key_snoozed(online_only_key(summary.contact.id, online.last_face_to_face_day), state, as_of)
        ):
            return ONLINE_ONLY
        key_snooze = True
    known = rhythm(summary, settings) if known_rhythm is None else known_rhythm
    if known[0] is None:
        return "snoozed" if key_snooze else "no_rhythm"
    overdue = measure_overdue(summary, settings, as_of, known_rhythm=known)
    if overdue is not None and is_fading(overdue, settings):
        if not (snoozes and key_snoozed(fading_key(summary.contact.id, overdue.since), state, as_of)):
            return FADING
        key_snooze = True
    if key_snooze:
        return "snoozed"
    return "due" if overdue is not None and is_due(overdue) else "ok"


def due_reminders(
    nudges: Sequence[Nudge], state: NudgeState, settings: Settings, as_of: dt.date
) -> list[Nudge]:
    """Return the nudges not reminded within the window, in the order given.

    A key reminded on day D (D <= ``as_of``) is due again from D + ``remind_repeat_days``;
    reminders recorded after ``as_of`` are ignored.
    """
    last_reminded: dict[str, dt.date] = {}
    for reminder in state.reminders:
        if reminder.day <= as_of and (
            reminder.key not in last_reminded or reminder.day > last_reminded[reminder.key]
        ):
            last_reminded[reminder.key] = reminder.day
    repeat = dt.timedelta(days=settings.remind_repeat_days)
    return [
        nudge
        for nudge in nudges
        if nudge.key not in last_reminded or as_of >= last_reminded[nudge.key] + repeat
    ]


def is_birthday_today(nudge: Nudge) -> bool:
    """Return whether this is a birthday nudge on the day itself (always told, SPEC §8)."""
    return nudge.kind == BIRTHDAY and nudge.key.endswith(":today")


def last_digest_day(state: NudgeState, as_of: dt.date) -> dt.date | None:
    """Return the last day on or before ``as_of`` that ``remind`` sent a digest.

    A birthday told alone on its day is not a digest, so it never delays the next one.
    """
    days = [
        reminder.day
        for reminder in state.reminders
        if reminder.day <= as_of
        and not (reminder.key.startswith(f"{BIRTHDAY}:") and reminder.key.endswith(":today"))
    ]
    return max(days, default=None)


class Digest(NamedTuple):
    """What one ``kinship remind`` run says: the nudges to send, and how many more are in force."""

    nudges: list[Nudge]
    more: int
    """Nudges due that the ``remind_budget`` leaves out ("and N more - kinship nudges")."""
    is_digest: bool
    """A digest is spoken (False: silent, or birthdays on their day alone)."""


def reminder_digest(
    nudges: Sequence[Nudge], state: NudgeState, settings: Settings, as_of: dt.date, *, budget: bool = True
) -> Digest:
    """Return what ``kinship remind`` sends at the end of ``as_of``.

    At most one digest per ``remind_repeat_days`` (counted from the last digest), holding the
    ``remind_budget`` highest nudges in force that were not reminded in that window, plus every
    birthday on its day; between digests only a birthday on its day is told, alone. Without
    ``budget`` (``--json``) a digest holds every nudge due.
    """
    due = due_reminders(nudges, state, settings, as_of)
    birthdays = [nudge for nudge in due if is_birthday_today(nudge)]
    last = last_digest_day(state, as_of)
    if last is not None and as_of < last + dt.timedelta(days=settings.remind_repeat_days):
        return Digest(birthdays, 0, False)
    chosen = {nudge.key for nudge in (due[: max(settings.remind_budget, 0)] if budget else due)}
    chosen.update(nudge.key for nudge in birthdays)
    shown = [nudge for nudge in due if nudge.key in chosen]
    return Digest(shown, len(due) - len(shown), bool(shown))


def nudge_json(nudge: Nudge) -> dict[str, object]:
    """Return the SPEC §6 JSON object of a nudge: key, handle, kind, score, message, contact, details."""
    payload: dict[str, object] = {
        "key": nudge.key,
        "handle": nudge.handle,
        "kind": nudge.kind,
        "score": nudge.score,
        "message": nudge.message,
    }
    if nudge.contact is not None:
        payload["contact"] = {"id": nudge.contact.id, "name": nudge.contact.name}
    for name, value in nudge.details.items():
        payload.setdefault(name, value)
    return payload


def hidden_json(item: Hidden) -> dict[str, object]:
    """Return a hidden nudge as JSON: the nudge's own fields, then ``hidden`` (``snoozed`` or
    ``dismissed``), ``since``, ``until`` (null for a dismissal) and ``whole_contact``."""
    payload = nudge_json(item.nudge)
    payload["hidden"] = item.reason
    payload["since"] = item.made.isoformat()
    payload["until"] = None if item.until is None else item.until.isoformat()
    payload["whole_contact"] = item.whole_contact
    return payload
