"""The words a person types for a channel: ``phone`` is a call, ``whatsapp`` a message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kinship.cli.spec import CHANNELS

if TYPE_CHECKING:
    from kinship.models import Channel

CHANNEL_WORDS: dict[str, str] = {
    **{name: name for name in CHANNELS},
    "irl": "in-person",
    "f2f": "in-person",
    "face-to-face": "in-person",
    "face to face": "in-person",
    "in person": "in-person",
    "inperson": "in-person",
    "person": "in-person",
    "phone": "call",
    "phonecall": "call",
    "phone call": "call",
    "facetime": "video",
    "zoom": "video",
    "meet": "video",
    "teams": "video",
    "skype": "video",
    "videocall": "video",
    "video call": "video",
    "text": "message",
    "sms": "message",
    "chat": "message",
    "whatsapp": "message",
    "signal": "message",
    "telegram": "message",
    "imessage": "message",
    "messenger": "message",
    "msg": "message",
    "mail": "email",
    "e-mail": "email",
    "dm": "social",
    "instagram": "social",
    "facebook": "social",
    "mastodon": "social",
}


def channel(text: str) -> Channel:
    """Return the channel ``text`` names, by its name or an everyday word (exit 2 otherwise)."""
    from kinship.errors import UsageError
    from kinship.models import Channel

    word = " ".join(text.strip().lower().replace("_", "-").split())
    if word not in CHANNEL_WORDS:
        raise UsageError(
            f"unknown channel {text!r}",
            f"use one of: {', '.join(CHANNELS)} (or a word like phone, text, whatsapp, zoom, irl, mail, dm)",
        )
    return Channel(CHANNEL_WORDS[word])
