"""Telegram Desktop JSON exports (one chat, or the whole account) to chat ``InteractionRecord`` values.

A single-chat export is ``{"name", "type", "id", "messages": [...]}``; a full export holds its
chats under ``{"chats": {"list": [...]}}`` and the owner under ``personal_information``. Messages
(``type: "message"``) count per sender and day; ``phone_call`` service entries become calls with
their minutes. ``date_unixtime`` (UTC seconds) is preferred to ``date`` (local wall time). The file
is read whole (``json``): Telegram exports split media into separate files, so the JSON stays
small next to a WhatsApp history.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kinship.dates import fold_text
from kinship.errors import DataError, UsageError
from kinship.importers._chat import DayTally, chat_records
from kinship.importers.records import (
    InteractionRecord,
    LeftOut,
    Participant,
    person_key,
    stable_hash,
    wall_to_local,
)

_HINT = "export again from Telegram Desktop as machine-readable JSON, or pass --format"
_SKIPPED_TYPES = frozenset({"saved_messages", "bot_chat", "private_channel", "public_channel"})
_CALL_ACTIONS = frozenset({"phone_call", "group_call"})


def _sender_id(value: object) -> str | None:
    """Return a sender id as newer exports write it: ``user123`` (older ones write ``123``)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    return f"user{text}" if text.lstrip("-").isdigit() else text


def _when(message: dict[str, Any], zone: dt.tzinfo) -> dt.datetime | None:
    stamp = message.get("date_unixtime")
    try:
        if stamp is not None:
            return dt.datetime.fromtimestamp(int(stamp), dt.UTC).astimezone(zone)
        text = message.get("date")
        if isinstance(text, str):
            wall = dt.datetime.fromisoformat(text)
            return wall.astimezone(zone) if wall.tzinfo else wall_to_local(wall, zone)
    except (ValueError, TypeError, OverflowError, OSError):
        return None
    return None


def _chats(document: Any, label: str) -> tuple[list[dict[str, Any]], set[str], str | None]:
    """Return the chats, the owner's ids and the owner's name found in the file."""
    if not isinstance(document, dict):
        raise DataError(f"{label}: line 1: not a Telegram export (the top level is not an object)", _HINT)
    owner_ids: set[str] = set()
    owner_name = None
    info = document.get("personal_information")
    if isinstance(info, dict):
        owner_id = _sender_id(info.get("user_id"))
        if owner_id is not None:
            owner_ids.add(owner_id)
        names = [str(info.get(key) or "").strip() for key in ("first_name", "last_name")]
        owner_name = " ".join(name for name in names if name) or None
    chats = document.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        found = [chat for chat in chats["list"] if isinstance(chat, dict)]
    elif isinstance(document.get("messages"), list):
        found = [document]
    else:
        raise DataError(f"{label}: line 1: not a Telegram export (no messages or chats list)", _HINT)
    return found, owner_ids, owner_name


def parse_telegram(
    data: bytes | str,
    *,
    zone: dt.tzinfo,
    me: str | None,
    label: str,
    now: dt.datetime | None = None,
    left_out: LeftOut | None = None,
) -> list[InteractionRecord]:
    """Return one record per person (not the owner) per local day and channel, over all chats.

    The owner is known from ``personal_information`` (a full export), from a personal chat's own
    id (its partner; older exports write sender ids as bare numbers, newer ones as ``user123``),
    or from ``me``. Messages after ``now`` and chats with only the owner's messages are left out
    and counted in ``left_out``. Raises DataError naming ``label`` and the line for a file
    that is not a Telegram export, and UsageError when the owner of a chat cannot be told.
    """
    try:
        raw_text = data.removeprefix("\ufeff") if isinstance(data, str) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if isinstance(data, bytes) else 1
        raise DataError(f"{label}: line {line}: not UTF-8 text", _HINT) from None
    try:
        document = json.loads(raw_text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{label}: line {exc.lineno}: not valid JSON ({exc.msg})", _HINT) from None
    except (RecursionError, ValueError):
        raise DataError(f"{label}: line 1: not valid JSON text", _HINT) from None
    chats, owner_ids, owner_name = _chats(document, label)
    owner_names = {fold_text(name) for name in (me, owner_name) if name}
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    records: list[InteractionRecord] = []
    for index, chat in enumerate(chats):
        records.extend(_chat(chat, raw_text, index, zone, owner_ids, owner_names, label, now, counts))
    return records


def _line_of(raw_text: str, message_id: object) -> int:
    """Return the line where message ``message_id`` starts in the JSON text, else 1."""
    if not isinstance(message_id, int):
        return 1
    found = re.search(rf'"id"\s*:\s*{message_id}\b', raw_text)
    return raw_text.count("\n", 0, found.start()) + 1 if found else 1


def _chat(
    chat: dict[str, Any],
    raw_text: str,
    index: int,
    zone: dt.tzinfo,
    owner_ids: set[str],
    owner_names: set[str],
    label: str,
    now: dt.datetime | None,
    left_out: LeftOut,
) -> list[InteractionRecord]:
    kind = str(chat.get("type") or "")
    if kind in _SKIPPED_TYPES:
        left_out["skipped_chats"] += 1
        return []
    name = chat.get("name") if isinstance(chat.get("name"), str) else None
    partner_id = _sender_id(chat.get("id")) if kind == "personal_chat" else None
    tallies: dict[tuple[dt.date, str], DayTally] = {}
    people: dict[str, Participant] = {}
    person_ids: dict[str, str] = {}
    owners: set[str] = set()
    messages = chat.get("messages")
    if not isinstance(messages, list):
        return []
    for message in messages:
        if not isinstance(message, dict):
            continue
        entry_type = message.get("type")
        is_call = entry_type == "service" and message.get("action") in _CALL_ACTIONS
        if entry_type != "message" and not is_call:
            continue
        sender_name = message.get("actor" if is_call else "from")
        sender_id = message.get("actor_id" if is_call else "from_id")
        sender_name = sender_name.strip() if isinstance(sender_name, str) else None
        sender_id = _sender_id(sender_id)
        if not sender_name and not sender_id:
            continue
        key = sender_id or f"name:{fold_text(sender_name or '')}"
        when = _when(message, zone)
        if when is None:
            line = _line_of(raw_text, message.get("id"))
            raise DataError(
                f"{label}: line {line}: a message in chat {index + 1} has no readable date", _HINT
            )
        if now is not None and when > now:
            left_out["after_now"] += 1
            continue
        is_owner = (sender_id is not None and sender_id in owner_ids) or (
            sender_name is not None and fold_text(sender_name) in owner_names
        )
        if is_owner:
            owners.add(key)
        if key not in people:
            display = sender_name or (name if key == partner_id else None)
            people[key] = Participant(
                name=display or None, source_id=f"telegram:{sender_id}" if sender_id else None
            )
            person_ids[key] = sender_id or person_key(sender_name or "")
        tally = tallies.get((when.date(), key))
        if tally is None:
            tally = tallies[(when.date(), key)] = DayTally(when)
        tally.when = min(tally.when, when)
        if not is_call:
            tally.messages += 1
        else:
            tally.calls += 1
            seconds = message.get("duration_seconds")
            if isinstance(seconds, int | float) and seconds > 0:
                tally.call_minutes += round(seconds / 60)
    senders = set(people)
    if partner_id is not None and partner_id not in senders and not owners and name:
        named = {
            key for key, person in people.items() if person.name and fold_text(person.name) == fold_text(name)
        }
        partner_id = next(iter(named)) if len(named) == 1 else partner_id
    if partner_id is not None and (partner_id in senders or not owners):
        owners |= senders - {partner_id}  # in a personal chat whoever is not the partner is you
    others = sorted(senders - owners)
    if not others:
        left_out["owner_only"] += len({day for day, _ in tallies})
        return []
    chat_name = name or f"#{index + 1}"
    if "group" in kind:
        group = True
    elif partner_id is not None:
        group = False
    elif owners:
        group = len(senders) > 2
    else:
        hint = "pass --me 'Your Name' as Telegram shows it (or set me in the config)"
        if not owner_names:
            raise UsageError(f"{label}: cannot tell which sender in chat {chat_name!r} is you", hint)
        if len(senders) == 2:
            raise UsageError(f"{label}: neither sender in chat {chat_name!r} is you", hint)
        group = len(senders) > 1
    chat_key = (
        str(chat["id"])
        if chat.get("id") is not None
        else (person_key(name) if name else stable_hash(*others))
    )
    return chat_records(
        prefix=f"telegram:{chat_key}",
        group=group,
        partner=None if group else others[0],
        owner_keys=frozenset(owners),
        tallies=tallies,
        people=people,
        person_ids=person_ids,
    )
