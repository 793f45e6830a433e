"""Channel words: what a person types after ``--via`` and the channel it means (SPEC §4).

Pure and light (``kinship log`` reads it on every run): the six channels by their own names,
and the everyday words people use for them, compared case-insensitively with spaces, dashes and
underscores alike (``In Person``, ``in_person`` and ``face-to-face`` all mean in-person).
"""

from __future__ import annotations

from kinship.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.models import Channel

CHANNEL_NAMES: tuple[str, ...] = ("in-person", "call", "video", "message", "email", "social")
"""The channels, in the order help and completion list them (the values of ``models.Channel``)."""

WORDS: dict[str, str] = {
    "irl": "in-person",
    "f2f": "in-person",
    "face-to-face": "in-person",
    "in person": "in-person",
    "phone": "call",
    "facetime": "video",
    "zoom": "video",
    "meet": "video",
    "teams": "video",
    "text": "message",
    "sms": "message",
    "chat": "message",
    "whatsapp": "message",
    "signal": "message",
    "telegram": "message",
    "mail": "email",
    "dm": "social",
}
"""The everyday words, each with the channel it means."""


def _key(text: str) -> str:
    """Return ``text`` as compared: lower-case, ``-``/``_``/runs of spaces read as one dash."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


_BY_KEY: dict[str, str] = {_key(name): name for name in CHANNEL_NAMES} | {
    _key(word): channel for word, channel in WORDS.items()
}


def channel_name(text: str) -> str | None:
    """Return the channel name ``text`` means (``"whatsapp"`` -> ``"message"``), or None."""
    return _BY_KEY.get(_key(text))


def choices_hint() -> str:
    """Return the hint that lists the channels and the everyday words."""
    words = ", ".join(f"{word} ({channel})" for word, channel in WORDS.items())
    return f"use one of: {', '.join(CHANNEL_NAMES)}; or an everyday word: {words}"


def channel_from_word(text: str) -> Channel:
    """Return the channel ``text`` names, by its own name or an everyday word.

    Raises UsageError (exit 2) listing the channels and the words for anything else.
    """
    from kinship.models import Channel

    name = channel_name(text)
    if name is None:
        from kinship.errors import UsageError

        raise UsageError(f"unknown channel {text!r}", choices_hint())
    return Channel(name)


def complete_words(incomplete: str) -> list[str]:
    """Return the channels that start with ``incomplete``, then (once something is typed) the
    everyday words that do: completion offers the six channels, and ``wh`` still finds whatsapp."""
    typed = incomplete.strip().lower()
    words = (*CHANNEL_NAMES, *WORDS) if typed else CHANNEL_NAMES
    return [word for word in words if word.startswith(typed) and " " not in word]
