"""The one set of data rules (SPEC §5 "Validation") every way into the database goes through.

Hand commands (``add``, ``edit``, ``log``, ``amend``), every importer and kinship's own JSON
call these, so nothing invalid is stored whichever door it came in by. Each function is pure:
it returns the clean value or raises ``ValidationError`` naming the field and the rule. A hand
command lets it through (exit 2); an importer turns it into a DataError naming the record
(exit 5).

Error messages never echo a note's text (privacy); other values are shown shortened and with
control characters escaped.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from kinship.errors import ValidationError
from kinship.lean import TYPE_CHECKING, pattern
from kinship.models import CIRCLES

if TYPE_CHECKING:
    from kinship.models import Contact, Interaction

__all__ = [
    "CIRCLES",
    "FUTURE_SLACK",
    "ValidationError",
    "alias",
    "birthday",
    "circle",
    "contact_record",
    "day_matches",
    "email",
    "feel",
    "group_label",
    "interaction_record",
    "message_count",
    "minutes",
    "name",
    "note",
    "phone",
    "rhythm_days",
    "tag",
    "when",
    "whole_number",
]

NAME_MAX = 200
LABEL_MAX = 100  # aliases and group labels
TAG_MAX = 50
NOTE_MAX = 10_000
EMAIL_MAX = 254
PHONE_MAX = 40
PHONE_MIN_DIGITS = 3
RHYTHM_MAX_DAYS = 3650  # ten years
MINUTES_MAX = 1440  # one day
MESSAGES_MAX = 1_000_000  # per contact per day; far above any person, far below an overflow
FEEL_MIN, FEEL_MAX = 1, 5
FIRST_YEAR = 1900
FUTURE_SLACK = dt.timedelta(minutes=5)

# bidirectional overrides and isolates (trojan-source text) and the Unicode line separators
_FORBIDDEN_FORMAT = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_NOTE_WHITESPACE = frozenset("\n\r\t")
_EMAIL_RE = pattern(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[^@\s.\d][^@\s.]*$")
_PHONE_RE = pattern(r"(?i)^\+?[\d\s().\-/]+(?:\s*(?:ext\.?|x|#)\s*\d+)?$")
_ISO_DATE_RE = pattern(r"^(\d{4})-(\d{2})-(\d{2})$")
_PARTIAL_DATE_RE = pattern(r"^--(\d{2})-(\d{2})$")
FAX_WORDS = frozenset(["fax", "telefax", "workfax", "homefax"])


def shown(value: object, limit: int = 40) -> str:
    """Return ``value`` for an error message: repr-quoted, controls escaped, at most ``limit`` chars."""
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _FORBIDDEN_FORMAT


def unicode_text(text: str, field: str) -> str:
    """Return ``text`` when it can be stored (encodes as UTF-8: no lone surrogate such as a JSON
    ``"\\ud800"`` gives); raise ValidationError otherwise."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(field, "must be valid Unicode text (it holds a lone surrogate)") from None
    return text


def _line(text: object, field: str, most: int) -> str:
    """Return a one-line text trimmed with inner white space collapsed, 1..``most`` characters."""
    if not isinstance(text, str):
        raise ValidationError(field, "must be text", shown(text))
    unicode_text(text, field)
    if any(_is_control(char) for char in text):
        raise ValidationError(field, "must not contain control characters", shown(text))
    clean = " ".join(text.split())
    if not clean:
        raise ValidationError(field, "must not be empty")
    if len(clean) > most:
        raise ValidationError(field, f"must be at most {most} characters", f"{len(clean)}")
    return clean


def name(text: object, field: str = "name") -> str:
    """Return a contact's name trimmed (1–200 characters, no control characters)."""
    return _line(text, field, NAME_MAX)


def alias(text: object, field: str = "alias") -> str:
    """Return an alias trimmed (1–100 characters, no control characters)."""
    return _line(text, field, LABEL_MAX)


def group_label(text: object, field: str = "group") -> str:
    """Return a group activity's label trimmed (1–100 characters, no control characters)."""
    return _line(text, field, LABEL_MAX)


def tag(text: object, field: str = "tag") -> str:
    """Return a tag trimmed (1–50 characters, no control characters)."""
    return _line(text, field, TAG_MAX)


def note(text: object, field: str = "note") -> str:
    """Return a note as given (at most 10,000 characters; newlines and tabs allowed, other controls not).

    The note's text never appears in the error message.
    """
    if not isinstance(text, str):
        raise ValidationError(field, "must be text")
    unicode_text(text, field)
    if any(_is_control(char) and char not in _NOTE_WHITESPACE for char in text):
        raise ValidationError(field, "must not contain control characters other than newlines and tabs")
    if len(text) > NOTE_MAX:
        raise ValidationError(field, f"must be at most {NOTE_MAX:,} characters", f"{len(text):,}")
    return text


def circle(text: object, field: str = "circle") -> str | None:
    """Return the circle lower-cased, or None for ``none``/empty; refuse anything but the four."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValidationError(field, f"must be one of {', '.join(CIRCLES)}", shown(text))
    value = text.strip().lower()
    if value in ("", "none"):
        return None
    if value not in CIRCLES:
        raise ValidationError(
            field, f"must be one of {', '.join(CIRCLES)} (or none)", shown(text), "e.g. --circle friends"
        )
    return value


def whole_number(value: object, field: str, least: int, most: int, *, unit: str = "") -> int:
    """Return ``value`` as an int when it is a whole number from ``least`` to ``most``.

    Refuses bools, NaN, fractions and text; a float that is whole (``45.0``) is accepted.
    """
    suffix = f" {unit}" if unit else ""
    rule = f"must be a whole number from {least:,} to {most:,}{suffix}"
    if isinstance(value, bool):
        raise ValidationError(field, rule, shown(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise ValidationError(field, rule, shown(value))
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raise ValidationError(field, rule, shown(value))
    if not least <= number <= most:
        raise ValidationError(field, rule, shown(number, 24))
    return number


def rhythm_days(value: object, field: str = "every") -> int:
    """Return a rhythm in days: 1 day to 10 years (3650 days)."""
    return whole_number(value, field, 1, RHYTHM_MAX_DAYS, unit="days")


def minutes(value: object, field: str = "minutes") -> int:
    """Return how long one interaction took: 0–1440 minutes."""
    return whole_number(value, field, 0, MINUTES_MAX)


def message_count(value: object, field: str = "messages") -> int:
    """Return a day's message count: at least 1."""
    return whole_number(value, field, 1, MESSAGES_MAX)


def feel(value: object, field: str = "feel") -> int:
    """Return how an interaction felt: 1–5."""
    return whole_number(value, field, FEEL_MIN, FEEL_MAX)


def birthday(value: object, today: dt.date, field: str = "birthday") -> str:
    """Return a birthday ``YYYY-MM-DD`` (a real date, year 1900 to ``today``) or ``--MM-DD``.

    Takes the stored form (``dates.parse_birthday`` turns what people type into it).
    """
    rule = f"must be a real date from {FIRST_YEAR} to today (YYYY-MM-DD) or --MM-DD"
    if not isinstance(value, str):
        raise ValidationError(field, rule, shown(value))
    text = value.strip()
    partial = _PARTIAL_DATE_RE.match(text)
    if partial:
        try:
            dt.date(2000, int(partial[1]), int(partial[2]))  # a leap year: 29 February exists
        except ValueError:
            raise ValidationError(field, rule, shown(value)) from None
        return text
    full = _ISO_DATE_RE.match(text)
    if not full:
        raise ValidationError(field, rule, shown(value))
    try:
        day = dt.date(int(full[1]), int(full[2]), int(full[3]))
    except ValueError:
        raise ValidationError(field, rule, shown(value)) from None
    if day.year < FIRST_YEAR or day > today:
        raise ValidationError(field, rule, shown(value))
    return text


def email(text: object, field: str = "email") -> str:
    """Return an email address trimmed (``local@domain.tld``, without ``mailto:``)."""
    rule = "must be an address like name@example.org"
    if not isinstance(text, str):
        raise ValidationError(field, rule, shown(text))
    value = unicode_text(text, field).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if len(value) > EMAIL_MAX or any(_is_control(char) for char in value) or not _EMAIL_RE.match(value):
        raise ValidationError(field, rule, shown(text))
    return value


def is_fax(types: Iterable[str]) -> bool:
    """Return True when a phone's type labels (vCard TYPE, CSV label) say it is a fax."""
    import re

    return any(word in FAX_WORDS for label in types for word in re.split(r"[^a-z]+", label.lower()))


def phone(text: object, field: str = "phone", types: Iterable[str] = ()) -> str:
    """Return a phone number trimmed: at least 3 digits, only the characters numbers are written with.

    Labels (``MobilePhone``, ``Work``) and fax numbers (``types`` naming a fax) are not phones.
    """
    rule = f"must be a phone number with at least {PHONE_MIN_DIGITS} digits"
    if not isinstance(text, str):
        raise ValidationError(field, rule, shown(text))
    value = " ".join(text.split())
    if is_fax(types):
        raise ValidationError(field, "is a fax number, not a phone", shown(text))
    digits = sum(1 for char in value if char.isascii() and char.isdigit())
    if len(value) > PHONE_MAX or digits < PHONE_MIN_DIGITS or not _PHONE_RE.match(value):
        raise ValidationError(field, rule, shown(text), "use digits, e.g. +49 30 1234567")
    return value


def when(value: object, now: dt.datetime, field: str = "when") -> dt.datetime:
    """Return an aware time from 1900 to 5 minutes after ``now``; a time without UTC offset is refused."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, "must be a date and time", shown(value))
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must carry its UTC offset", value.isoformat())
    if value.year < FIRST_YEAR:
        raise ValidationError(field, f"must be in {FIRST_YEAR} or later", value.isoformat())
    if value - now > FUTURE_SLACK:
        raise ValidationError(
            field,
            "is in the future",
            f"{value:%Y-%m-%d %H:%M}",
            "log what has happened; use --when for a past time",
        )
    return value


def day_matches(moment: dt.datetime, day: object, field: str = "day") -> dt.date:
    """Return ``day`` when it is the local calendar day of ``moment`` (in its own UTC offset)."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError(field, "must be a date", shown(day))
    if moment.date() != day:
        raise ValidationError(
            field, f"must be the local day of its time ({moment.date().isoformat()})", day.isoformat()
        )
    return day


def contact_record(contact: Contact, today: dt.date) -> None:
    """Check every field of a contact (for importers and kinship JSON); raise ValidationError."""
    name(contact.name)
    circle(contact.circle)
    for value in contact.aliases:
        alias(value)
    for value in contact.tags:
        tag(value)
    for value in contact.emails:
        email(value)
    for value in contact.phones:
        phone(value)
    if contact.birthday is not None:
        birthday(contact.birthday, today)
    if contact.every_days is not None:
        rhythm_days(contact.every_days, "every_days")
    if contact.note is not None:
        note(contact.note)
    unicode_text(contact.id, "id")
    for value in contact.source_ids:
        unicode_text(value, "source_ids")


def interaction_record(interaction: Interaction, now: dt.datetime) -> None:
    """Check every field of an interaction (for importers and kinship JSON); raise ValidationError."""
    when(interaction.when, now)
    day_matches(interaction.when, interaction.day)
    if interaction.minutes is not None:
        minutes(interaction.minutes)
    if interaction.messages is not None:
        message_count(interaction.messages)
    if interaction.feel is not None:
        feel(interaction.feel)
    if interaction.note is not None:
        note(interaction.note)
    if interaction.group is not None:
        group_label(interaction.group)
    unicode_text(interaction.id, "id")
    if interaction.source is not None:
        unicode_text(interaction.source, "source")
    if not interaction.people and interaction.group is None:
        raise ValidationError("people", "must name at least one person, or the interaction a group")
