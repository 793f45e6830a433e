"""Every command as data: options and their types, help, examples, handler and store use.

The fast parser (``parse.py``), the typer app (``app.py``), the runner (``run.py``), the
pre-rendered help and the docs test all read this one table, so nothing is declared twice.
The entries live in ``cli/tables/`` by topic; the types in ``cli/spec.py``. Nothing heavy.
"""

from __future__ import annotations

from kinship.cli.spec import Command
from kinship.cli.tables import contacts, files, interactions, nudging, reading, setup

COMMANDS: tuple[Command, ...] = (
    *contacts.COMMANDS,
    *interactions.COMMANDS,
    *reading.COMMANDS,
    *nudging.COMMANDS,
    *files.COMMANDS,
    *setup.COMMANDS,
)

GROUPS = {"db": "Where the database is, its schema state, integrity checks and backups."}

BY_NAME: dict[str, Command] = {command.name: command for command in COMMANDS}


def find(words: list[str]) -> tuple[Command, int] | None:
    """Return the command the leading ``words`` name and how many words its name took."""
    if len(words) >= 2 and f"{words[0]} {words[1]}" in BY_NAME:
        return BY_NAME[f"{words[0]} {words[1]}"], 2
    if words and words[0] in BY_NAME:
        return BY_NAME[words[0]], 1
    return None
