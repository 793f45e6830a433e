"""All output, one place: JSON objects (the contract), plain text, and rich for a terminal.

Every string from a person or a file goes through ``render.safe.shown`` before it is printed
(JSON keeps the exact strings); plain columns are aligned by display width
(``render.width``); rich is imported only by ``render.terminal``, when drawing for a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kinship.exportfmt import contact_json as contact_json
from kinship.exportfmt import interaction_json as interaction_json
from kinship.lean import TYPE_CHECKING
from kinship.models import Interaction
from kinship.render.safe import shown
from kinship.render.width import cell_width

if TYPE_CHECKING:
    from typing import Any

    from kinship.actions import PersonRow


def person_json(row: PersonRow) -> dict[str, Any]:
    """Return the ``people --json`` object of one contact (SPEC §4)."""
    result = contact_json(row.contact)
    result.update(
        {
            "rhythm_days": row.rhythm_days,
            "rhythm_source": row.rhythm_source,
            "last_seen": None if row.last_seen is None else row.last_seen.isoformat(),
            "last_contact": None if row.last_seen is None else row.last_seen.isoformat(),
            "last_face_to_face": None if row.last_face_to_face is None else row.last_face_to_face.isoformat(),
            "status": row.status,
        }
    )
    return result


def dumps(value: object) -> str:
    """Return JSON text as kinship prints it: indented, UTF-8 kept, steering characters escaped."""
    from kinship.render.output import dumps as output_dumps

    return output_dumps(value)


def _day(value: dt.date | None) -> str:
    return "-" if value is None else value.isoformat()


def describe_interaction(interaction: Interaction) -> str:
    """Return a one-line description: when, how, with whom."""
    who = ", ".join(person.name for person in interaction.people)
    if interaction.group:
        who = f"{who} ({interaction.group})" if who else interaction.group
    return shown(f"{interaction.when:%a %d %b %Y %H:%M} {interaction.channel.value} with {who or 'nobody'}")


def people_rows(rows: Sequence[PersonRow]) -> tuple[list[str], list[list[str]]]:
    """Return the header and cells of the people table."""
    header = ["name", "circle", "last contact", "last face-to-face", "rhythm", "status"]
    cells = []
    for row in rows:
        rhythm = "-" if row.rhythm_days is None else f"{row.rhythm_days}d ({row.rhythm_source})"
        cells.append(
            [
                shown(row.contact.name),
                row.contact.circle or "-",
                _day(row.last_seen),
                _day(row.last_face_to_face),
                rhythm,
                row.status,
            ]
        )
    return header, cells


def history_rows(interactions: Sequence[Interaction]) -> tuple[list[str], list[list[str]]]:
    """Return the header and cells of the history table."""
    header = ["id", "when", "via", "with", "min", "feel", "note"]
    cells = []
    for item in interactions:
        who = ", ".join(person.name for person in item.people)
        if item.group:
            who = f"{who} [{item.group}]" if who else f"[{item.group}]"
        cells.append(
            [
                item.id[:8],
                f"{item.when:%Y-%m-%d %H:%M}",
                item.channel.value,
                shown(who),
                "" if item.minutes is None else str(item.minutes),
                "" if item.feel is None else str(item.feel),
                shown(item.note or ("" if item.messages is None else f"{item.messages} messages")),
            ]
        )
    return header, cells


def plain_table(header: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """Return a plain-text table (no colour, no box drawing) aligned by display width.

    Cells must already be safe (``shown``): a raw control character has no width to align by.
    Each cell is measured once (``len`` for ASCII): ``people`` at 2,000 contacts lays out
    12,000 of them.
    """
    rows = [header, *cells]
    if any(len(row) != len(header) for row in cells):
        raise ValueError("every row of a table has one cell per column")
    measured = [[len(cell) if cell.isascii() else cell_width(cell) for cell in row] for row in rows]
    widths = [max(column) for column in zip(*measured, strict=True)]
    return "\n".join(
        "  ".join(
            cell + " " * (width - size) for cell, size, width in zip(row, sizes, widths, strict=True)
        ).rstrip()
        for row, sizes in zip(rows, measured, strict=True)
    )


def print_table(
    header: Sequence[str], cells: Sequence[Sequence[str]], *, rich_output: bool, title: str | None = None
) -> None:
    """Print a table of safe cells: rich (coloured) on a terminal, plain text otherwise."""
    if not rich_output:
        from kinship.render import output

        output.text(f"{title}\n{plain_table(header, cells)}" if title else plain_table(header, cells))
        return
    from kinship.render import terminal

    terminal.table(header, cells, title=title)


def contact_details(row: PersonRow) -> list[tuple[str, str]]:
    """Return label/value pairs describing one contact."""
    contact = row.contact
    rhythm = "-" if row.rhythm_days is None else f"every {row.rhythm_days} days ({row.rhythm_source})"
    pairs = [
        ("name", shown(contact.name)),
        ("id", contact.id),
        ("circle", contact.circle or "-"),
        ("rhythm", rhythm),
        ("status", row.status),
        ("last contact", _day(row.last_seen)),
        ("last face-to-face", _day(row.last_face_to_face)),
        ("birthday", contact.birthday or "-"),
    ]
    optional: Mapping[str, Sequence[str]] = {
        "aliases": contact.aliases,
        "tags": contact.tags,
        "emails": contact.emails,
        "phones": contact.phones,
    }
    if contact.see_every_days is not None:
        pairs.insert(4, ("see in person", f"every {contact.see_every_days} days"))
    together = row.time_together
    if together is not None:
        pairs.append(
            (
                "last 365 days",
                f"{together.hours_face_to_face:g} h face to face, {together.hours_digital:g} h digital"
                f" ({together.with_minutes} with minutes logged)",
            )
        )
    pairs += [(label, shown(", ".join(values))) for label, values in optional.items() if values]
    if contact.note:
        pairs.append(("note", shown(contact.note)))
    if contact.archived:
        pairs.append(("archived", "yes"))
    return pairs


KIND_TITLES = {
    "fading": "Reconnect",
    "online_only": "Only online lately",
    "crowded_week": "Screens crowded out meeting up",
    "isolation": "Time for some company",
    "birthday": "Birthdays",
    "see_in_person": "See in person",
    "group_fading": "Groups you used to go to",
}


def nudges_text(nudges: Sequence[Any]) -> str:
    """Return nudges grouped by kind as plain text, in score order within each kind."""
    if not nudges:
        return "Nothing to nudge about. Lovely."
    groups: dict[str, list[Any]] = {}
    for nudge in nudges:
        groups.setdefault(nudge.kind, []).append(nudge)
    lines: list[str] = []
    for kind, items in groups.items():
        if lines:
            lines.append("")
        lines.append(f"{KIND_TITLES.get(kind, kind)}:")
        lines.extend(f"  - {shown(nudge.message)}  ({_quiet_command(nudge)})" for nudge in items)
    return "\n".join(lines)


def _quiet_command(nudge: Any) -> str:
    return f"kinship dismiss {nudge.handle}" if nudge.handle else nudge.key


def reminder_text(nudges: Sequence[Any], more: int = 0) -> str:
    """Return reminders as plain lines for cron's email: no colour, no box drawing; each with the
    command that quiets it, and "and N more" when the budget left some out."""
    lines = [f"- {shown(nudge.message)} ({_quiet_command(nudge)})" for nudge in nudges]
    if more:
        lines.append(f"- and {more} more \u2014 kinship nudges")
    return "\n".join(lines)


def hidden_text(hidden: Sequence[Any], contacts: Sequence[Any]) -> str:
    """Return the snoozes and dismissals in force, each with the command that takes it back."""
    if not hidden and not contacts:
        return "Nothing is snoozed or dismissed."
    lines: list[str] = []
    for item in hidden:
        if item.reason == "snoozed":
            why, undo = f"snoozed until {_day(item.until)}", "unsnooze"
        else:
            why, undo = f"dismissed on {_day(item.made)}", "undismiss"
        lines.append(f"- {shown(item.nudge.message)}")
        lines.append(f"  {why} (kinship {undo} {item.nudge.handle})")
    listed = {item.nudge.contact.id for item in hidden if item.whole_contact and item.nudge.contact}
    for snoozed in contacts:
        if snoozed.contact.id not in listed:
            lines.append(
                f"- {snoozed.contact.name}: every nudge snoozed until {_day(snoozed.until)}"
                f" (kinship unsnooze '{snoozed.contact.name}')"
            )
    return "\n".join(lines)


def groups_rows(rows: Sequence[Any], as_of: dt.date) -> tuple[list[str], list[list[str]]]:
    """Return the header and cells of the groups table."""
    header = ["group", "days (365)", "last met", "rhythm", "people met there"]
    cells = []
    for row in rows:
        ago = (
            "-"
            if row.last_day is None
            else f"{row.last_day.isoformat()} ({(as_of - row.last_day).days}d ago)"
        )
        people = ", ".join(f"{person.name} ({count})" for person, count in row.people[:5])
        if len(row.people) > 5:
            people += f" and {len(row.people) - 5} more"
        rhythm = "-" if row.rhythm_days is None else f"every {row.rhythm_days}d"
        cells.append([row.label, str(row.meetings), ago, rhythm, people or "-"])
    return header, cells


def group_json(row: Any) -> dict[str, Any]:
    """Return the ``groups --json`` object of one group activity."""
    return {
        "group": row.label,
        "key": row.key,
        "days_last_365": row.meetings,
        "last_met": None if row.last_day is None else row.last_day.isoformat(),
        "rhythm_days": row.rhythm_days,
        "people": [{"id": person.id, "name": person.name, "count": count} for person, count in row.people],
    }
