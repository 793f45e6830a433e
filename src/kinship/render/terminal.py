"""Drawing for a terminal with rich: coloured tables, the nudges grouped, the review's chart.

Only used when stdout is a terminal and ``NO_COLOR`` is unset. Every string is handed to rich
as a ``Text`` (never as markup) after ``shown`` escaped its controls, and rich's own markup,
emoji codes and highlighting are off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from kinship.lean import TYPE_CHECKING
from kinship.render.safe import shown

if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console

    from kinship.models import WeekCount
    from kinship.review import Review

STATUS_STYLES = {
    "ok": "green",
    "due": "yellow",
    "fading": "bold red",
    "online_only": "magenta",
    "see_in_person": "cyan",
    "snoozed": "dim",
    "archived": "dim",
    "no_rhythm": "dim",
}
KIND_STYLES = {
    "fading": "bold red",
    "online_only": "magenta",
    "see_in_person": "cyan",
    "crowded_week": "yellow",
    "isolation": "bold yellow",
    "birthday": "green",
}
FACE_STYLE = "green"
DIGITAL_STYLE = "blue"


def width() -> int:
    """Return the terminal's width (80 when it reports 0 columns, as some do)."""
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return columns or 80


def console() -> Console:
    """Return a rich Console that reads no markup, no emoji codes and highlights nothing."""
    from rich.console import Console

    return Console(width=width(), markup=False, emoji=False, highlight=False)


def _cell_style(column: str, value: str) -> str | None:
    if column == "status":
        return STATUS_STYLES.get(value)
    if column == "via":
        return FACE_STYLE if value == "in-person" else DIGITAL_STYLE
    return None


def table(header: Sequence[str], cells: Sequence[Sequence[str]], *, title: str | None = None) -> None:
    """Print a rich table of safe cells, with status and mode in colour; ids never cut."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=title, header_style="bold")
    for column in header:
        grid.add_column(column, no_wrap=column in ("id", "when", "status"), overflow="fold")
    for row in cells:
        grid.add_row(
            *(
                Text(value, style=_cell_style(column, value) or "")
                for column, value in zip(header, row, strict=True)
            )
        )
    console().print(grid)


def nudges(found: Sequence[Any], titles: dict[str, str]) -> None:
    """Print the nudges grouped by kind, each group's title in its colour."""
    from rich.text import Text

    out = console()
    if not found:
        out.print(Text("Nothing to nudge about. Lovely.", style="green"))
        return
    groups: dict[str, list[Any]] = {}
    for nudge in found:
        groups.setdefault(nudge.kind, []).append(nudge)
    for number, (kind, items) in enumerate(groups.items()):
        if number:
            out.print()
        out.print(Text(f"{titles.get(kind, kind)}:", style=KIND_STYLES.get(kind, "bold")))
        for nudge in items:
            line = Text("  • ")
            line.append(shown(nudge.message))
            quiet = f"kinship dismiss {nudge.handle}" if getattr(nudge, "handle", None) else nudge.key
            line.append(f"  ({shown(quiet)})", style="dim")
            out.print(line)


def _bar(count: int, largest: int, room: int) -> int:
    if count <= 0:
        return 0
    if largest <= room:
        return count
    return max(1, round(count * room / largest))


def trend_chart(trend: Sequence[WeekCount], columns: int) -> list[Any]:
    """Return the 12-week trend as rich Text rows: per week a face-to-face and a digital bar."""
    from rich.text import Text

    label_width = max((len(count.week) for count in trend), default=8)
    largest = max((max(count.face_to_face, count.digital) for count in trend), default=0)
    digits = max(len(str(largest)), 1)
    room = max((columns - label_width - 2 * digits - 8) // 2, 4)
    rows = [Text(" " * (label_width + 2) + "face to face".ljust(room + digits + 3) + "digital", style="bold")]
    for count in trend:
        face = _bar(count.face_to_face, largest, room)
        digital = _bar(count.digital, largest, room)
        row = Text(count.week.ljust(label_width) + "  ")
        row.append("█" * face, style=FACE_STYLE)
        row.append(" " * (room - face) + f" {count.face_to_face:>{digits}}  ")
        row.append("█" * digital, style=DIGITAL_STYLE)
        row.append(" " * (room - digital) + f" {count.digital:>{digits}}")
        rows.append(row)
    return rows


def review(result: Review, plain: str) -> None:
    """Print the review: the plain text's sections in colour, with a real chart for the trend."""
    from rich.text import Text

    out = console()
    lines = plain.rstrip("\n").split("\n")
    section = ""
    index = 0
    while index < len(lines):
        line = shown(lines[index])
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if following and set(following) <= {"=", "-"} and len(following) >= min(len(line), 3):
            section = line
            out.print(Text(line, style="bold underline"))
            index += 2
            if line.startswith("Trend, last"):
                for row in trend_chart(result.trend, min(width(), 100)):
                    out.print(row)
                while index < len(lines) and lines[index].strip():
                    index += 1  # the plain chart, drawn above as a real one
            continue
        if section == "Nudges" and line.startswith("- "):
            out.print(Text("• ", style="yellow") + Text(line[2:]))
        elif line == "Nothing needs attention.":
            out.print(Text(line, style="green"))
        elif ":" in line[:16] and not line.startswith(" ") and section.startswith("Weekly review"):
            label, _, value = line.partition(":")
            out.print(Text(label + ":", style="bold") + Text(value))
        else:
            out.print(Text(line))
        index += 1
