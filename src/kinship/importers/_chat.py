"""Turning per-day, per-person chat tallies into records: shared by every chat format.

A one-to-one chat gives its partner one ``message`` record per day with the day's messages from
both sides; a group chat gives each other sender a record for the days they wrote, with their own
count. Calls give ``call`` (voice) or ``video`` records with their minutes when known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from kinship.importers.records import MAX_MINUTES, InteractionRecord, Participant
from kinship.models import Channel


@dataclass
class DayTally:
    """What one sender did in one chat on one local day."""

    when: dt.datetime
    messages: int = 0
    calls: int = 0
    call_minutes: int = 0
    videos: int = 0
    video_minutes: int = 0

    def add(self, other: DayTally) -> None:
        """Fold ``other`` into this tally, keeping the earlier time."""
        self.when = min(self.when, other.when)
        self.messages += other.messages
        self.calls += other.calls
        self.call_minutes += other.call_minutes
        self.videos += other.videos
        self.video_minutes += other.video_minutes


def chat_records(
    *,
    prefix: str,
    group: bool,
    partner: str | None,
    owner_keys: frozenset[str],
    tallies: Mapping[tuple[dt.date, str], DayTally],
    people: Mapping[str, Participant],
    person_ids: Mapping[str, str],
) -> list[InteractionRecord]:
    """Return the records of one chat, ordered by day then source id.

    ``tallies`` is keyed by (local day, sender key); ``people`` and ``person_ids`` map a sender
    key to its participant and to the short id used in source ids; ``partner`` is the other
    person of a one-to-one chat (every sender's tally counts toward them); ``prefix`` starts each
    source id, e.g. ``whatsapp:ana``.
    """
    merged: dict[tuple[dt.date, str], DayTally] = {}
    for (day, sender), tally in tallies.items():
        if group:
            if sender in owner_keys:
                continue
            person = sender
        else:
            if partner is None:
                continue
            person = partner
        target = merged.get((day, person))
        if target is None:
            merged[(day, person)] = DayTally(
                tally.when, tally.messages, tally.calls, tally.call_minutes, tally.videos, tally.video_minutes
            )
        else:
            target.add(tally)
    records: list[InteractionRecord] = []
    for (day, person), tally in merged.items():
        base = f"{prefix}:{day.isoformat()}:{person_ids[person]}"
        for channel, suffix, count, minutes in (
            (Channel.MESSAGE, "", tally.messages, 0),
            (Channel.CALL, ":call", tally.calls, tally.call_minutes),
            (Channel.VIDEO, ":video", tally.videos, tally.video_minutes),
        ):
            if count == 0:
                continue
            records.append(
                InteractionRecord(
                    source_id=base + suffix,
                    when=tally.when,
                    day=day,
                    channel=channel,
                    participants=(people[person],),
                    kind="chat",
                    messages=count if channel is Channel.MESSAGE else None,
                    minutes=(min(minutes, MAX_MINUTES) or None) if channel is not Channel.MESSAGE else None,
                    group_chat=group,
                )
            )
    records.sort(key=lambda record: (record.day, record.source_id))
    return records
