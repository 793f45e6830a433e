"""Frozen value types shared by every layer: contacts, interactions, nudges, settings.

Imports nothing from kinship, so the pure core and the shell agree on one vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from kinship.lean import NamedTuple

CIRCLES: tuple[str, ...] = ("family", "friends", "colleagues", "community")


class Mode(StrEnum):
    """Whether an interaction happened face to face or through a screen or phone."""

    FACE_TO_FACE = "face_to_face"
    DIGITAL = "digital"


class Channel(StrEnum):
    """How an interaction happened; ``in-person`` is the only face-to-face channel."""

    IN_PERSON = "in-person"
    CALL = "call"
    VIDEO = "video"
    MESSAGE = "message"
    EMAIL = "email"
    SOCIAL = "social"

    @property
    def mode(self) -> Mode:
        """Return the mode this channel belongs to."""
        return Mode.FACE_TO_FACE if self is Channel.IN_PERSON else Mode.DIGITAL


CHANNEL_CODES: dict[Channel, int] = {channel: code for code, channel in enumerate(Channel)}
"""Small integer stored in the database for each channel (0 is in-person)."""


class ContactRef(NamedTuple):
    """The id and name of a contact, as interactions and nudges show it."""

    id: str
    name: str


class Contact(NamedTuple):
    """One person in the log."""

    id: str
    name: str
    circle: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    birthday: str | None = None
    """``YYYY-MM-DD``, or ``--MM-DD`` when the year is unknown."""
    every_days: int | None = None
    note: str | None = None
    archived: bool = False
    created: dt.datetime | None = None
    source_ids: tuple[str, ...] = ()
    see_every_days: int | None = None
    """The wished-for rhythm of meeting in person (``--see-every``), in days."""


class Interaction(NamedTuple):
    """One interaction with zero (a group activity) or more people."""

    id: str
    when: dt.datetime
    """Aware, carrying the local UTC offset in force when it was recorded."""
    day: dt.date
    """The local calendar day it was recorded on."""
    channel: Channel
    people: tuple[ContactRef, ...] = ()
    minutes: int | None = None
    note: str | None = None
    feel: int | None = None
    group: str | None = None
    source: str | None = None
    messages: int | None = None
    created: dt.datetime | None = None

    @property
    def mode(self) -> Mode:
        """Return face-to-face or digital, derived from the channel."""
        return self.channel.mode


class ContactSummary(NamedTuple):
    """What the nudge engine needs to know of one contact, as at an as-of day.

    The store computes it from its day lists; ``days`` and ``face_to_face_days`` hold the
    distinct local days with an interaction in the 365 days up to and including the as-of day,
    ascending, as day ordinals (``date.toordinal()``): the engine measures gaps in whole numbers
    and makes a ``date`` only for what it shows.
    """

    contact: ContactRef
    circle: str | None
    every_days: int | None
    birthday: str | None
    archived: bool
    created_day: dt.date
    days: tuple[int, ...]
    """Day ordinals (``date.toordinal()``), distinct and ascending."""
    face_to_face_days: tuple[int, ...]
    """The days of ``days`` with a face-to-face interaction (ordinals, ascending)."""
    last_day: dt.date | None
    """Last interaction day on or before the as-of day, however long ago."""
    last_face_to_face_day: dt.date | None
    digital_since_face_to_face: int
    """Digital interactions on days after ``last_face_to_face_day``, up to the as-of day."""
    see_every_days: int | None = None
    """The wished-for rhythm of meeting in person, None when unset."""


class GroupSummary(NamedTuple):
    """What the nudge engine needs to know of one group activity (a ``--group`` label).

    ``days`` are the distinct local days it met in the 365 days up to the as-of day, ascending.
    """

    key: str
    """The label compared case- and accent-insensitively (the same group however it was typed)."""
    label: str
    """The label as most recently typed."""
    days: tuple[dt.date, ...]
    last_day: dt.date | None
    """The last day it met on or before the as-of day, however long ago."""


class WeekCount(NamedTuple):
    """Interactions in one ISO week, a group interaction counted once."""

    week: str
    face_to_face: int
    digital: int


class Snooze(NamedTuple):
    """Quiets a contact (``contact_id``) or one nudge key (``key``) from ``made`` until ``until``."""

    made: dt.date
    until: dt.date
    """First day the snooze no longer applies."""
    contact_id: str | None = None
    key: str | None = None


class Dismissal(NamedTuple):
    """Quiets one nudge key from the day it was made on (until ``undismiss``, when given)."""

    key: str
    made: dt.date
    until: dt.date | None = None
    """The day ``undismiss`` took it back: the first day it no longer applies."""


class Reminder(NamedTuple):
    """A nudge key that ``kinship remind`` sent on ``day``."""

    key: str
    day: dt.date


class NudgeState(NamedTuple):
    """Everything a person did to quiet nudges, with when they did it."""

    snoozes: tuple[Snooze, ...] = ()
    dismissals: tuple[Dismissal, ...] = ()
    reminders: tuple[Reminder, ...] = ()


class Nudge(NamedTuple):
    """One suggestion from the engine; ``details`` holds the kind's own JSON fields."""

    key: str
    kind: str
    score: float
    message: str
    contact: ContactRef | None = None
    details: Mapping[str, int | float | str | None] = MappingProxyType({})
    handle: str | None = None
    """The short handle (a prefix of a hash of the key) that ``snooze``/``dismiss`` accept."""


DEFAULT_CIRCLE_DAYS: Mapping[str, int] = MappingProxyType(
    {"family": 14, "friends": 30, "colleagues": 30, "community": 60}
)


class Settings(NamedTuple):
    """Every configurable threshold, with the defaults of the SPEC."""

    db: str | None = None
    timezone: str | None = None
    me: str | None = None
    sync_dir: str | None = None
    fade_factor: float = 1.5
    online_only_factor: float = 2.0
    online_only_min_days: int = 28
    online_only_min_digital: int = 2
    crowded_min_digital: int = 3
    crowded_ratio: float = 2.0
    baseline_weeks: int = 8
    baseline_min_weeks: int = 4
    isolation_days: int = 14
    birthday_days: int = 7
    remind_repeat_days: int = 7
    learn_min_days: int = 4
    min_rhythm_days: int = 7
    """A learned rhythm (of a contact or a group) is never shorter than this."""
    remind_budget: int = 7
    """A reminder digest lists at most this many nudges (birthdays on the day always)."""
    review_budget: int = 10
    """The text and Markdown review show at most this many nudges."""
    circles: Mapping[str, int] = MappingProxyType(dict(DEFAULT_CIRCLE_DAYS))
