"""The fast parser: plain invocations of every command, read from the command table, no typer.

typer alone costs several times Python's own start-up, and ``kinship log`` must feel instant.
This parser understands the plain, valid forms (``[--db PATH] COMMAND [ARGS] [--opt VALUE]``,
``--opt=VALUE``, short options, ``--``) and returns None for anything else — ``--help``, an
unknown or repeated option, a bad number, a wrong count of arguments, completion — which the
typer app (generated from the same table) then handles, so both give the same values and the
same errors. A hypothesis test feeds both the same argument lists and compares.
"""

from __future__ import annotations

import sys

from kinship.cli.spec import Command, Option
from kinship.lean import NamedTuple

TOPICS: dict[str, str] = {
    **dict.fromkeys(("add", "edit", "archive", "unarchive", "merge", "forget"), "contacts"),
    **dict.fromkeys(("log", "undo", "redo", "amend", "unlog"), "interactions"),
    **dict.fromkeys(("people", "show", "history"), "reading"),
    **dict.fromkeys(
        ("nudges", "review", "remind", "snooze", "dismiss", "unsnooze", "undismiss", "groups"), "nudging"
    ),
    **dict.fromkeys(("import", "export", "sync"), "files"),
    **dict.fromkeys(("demo", "cron", "config", "db path", "db status", "db check", "db backup"), "setup"),
}
"""Which ``cli/tables`` module declares each command, so that a run imports only that one.

A test keeps it equal to the table, and must: a one-word command missing here would still run
(``find`` then reads the whole table), but a missing two-word one whose first word is itself a
command (a future ``config set``) would be taken for that command and an argument."""


def find(words: list[str]) -> tuple[Command, int] | None:
    """Return the command the leading ``words`` name and how many words its name took."""
    for name, count in ((" ".join(words[:2]), 2), (words[0] if words else "", 1)):
        if count <= len(words) and name in TOPICS:
            module = f"kinship.cli.tables.{TOPICS[name]}"
            __import__(module)
            for command in sys.modules[module].COMMANDS:
                if command.name == name:
                    return command, count
    from kinship.cli.table import find as find_in_table

    return find_in_table(words)


class Parsed(NamedTuple):
    """A plain invocation: the ``--db`` value, the command, and every parameter's value by dest."""

    db: str | None
    command: Command
    values: dict[str, object]


def defaults(command: Command) -> dict[str, object]:
    """Return every parameter of ``command`` at its default value (as typer would give it)."""
    values: dict[str, object] = {}
    for argument in command.arguments:
        values[argument.dest] = () if argument.many else None
    for option in command.options:
        values[option.dest] = () if option.kind == "texts" else option.default
    return values


def _convert(option: Option, text: str) -> object | None:
    """Return the value of ``text`` for ``option``, or None when typer must judge it."""
    if option.kind != "int":
        return text
    stripped = text.strip()
    body = stripped[1:] if stripped[:1] in "+-" else stripped
    if not body.isascii() or not body.isdigit():
        return None
    return int(stripped)  # its range (``low``/``high``) is the action's to check, on both paths


def parse(args: list[str]) -> Parsed | None:
    """Return the plain invocation ``args`` spell, or None to leave them to the typer app."""
    db: str | None = None
    position = 0
    while position < len(args) and args[position].startswith("--db"):
        token = args[position]
        if token == "--db" and position + 1 < len(args) and db is None:
            db = args[position + 1]
            position += 2
        elif token.startswith("--db=") and db is None:
            db = token[5:]
            position += 1
        else:
            return None
    found = find(args[position:])
    if found is None:
        return None
    command, words = found
    by_flag: dict[str, Option] = {}
    for option in command.options:
        by_flag[option.flag] = option
        if option.short:
            by_flag[option.short] = option
    values = defaults(command)
    seen: set[str] = set()
    positionals: list[str] = []
    rest = args[position + words :]
    index = 0
    only_positionals = False
    while index < len(rest):
        token = rest[index]
        index += 1
        if only_positionals or not token.startswith("-") or token == "-":
            positionals.append(token)
            continue
        if token == "--":
            only_positionals = True
            continue
        name, equals, value = token.partition("=")
        if not name.startswith("--") and (equals or len(token) > 2):
            return None  # "-vcall", "-v=call", "-yn": click's reading is typer's to give
        found_option = by_flag.get(name)
        if found_option is None:
            return None
        option = found_option
        if option.kind == "flag":
            if equals or option.dest in seen:
                return None
            seen.add(option.dest)
            values[option.dest] = True
            continue
        if option.kind != "texts" and option.dest in seen:
            return None
        if not equals:
            if index >= len(rest):
                return None
            value = rest[index]
            index += 1
        converted = _convert(option, value)
        if converted is None:
            return None
        seen.add(option.dest)
        if option.kind == "texts":
            values[option.dest] = (*values[option.dest], converted)  # type: ignore[misc]
        else:
            values[option.dest] = converted
    if not _place(command, positionals, values):
        return None
    return Parsed(db, command, values)


def _place(command: Command, positionals: list[str], values: dict[str, object]) -> bool:
    """Give the positional words to the command's arguments; False when they do not fit."""
    wanted = [argument for argument in command.arguments if argument.required and not argument.many]
    many = [argument for argument in command.arguments if argument.many]
    optional = [argument for argument in command.arguments if not argument.required and not argument.many]
    if many:
        if len(command.arguments) != 1 or (many[0].required and not positionals):
            return False
        values[many[0].dest] = tuple(positionals)
        return True
    if len(positionals) < len(wanted) or len(positionals) > len(wanted) + len(optional):
        return False
    if optional and wanted:
        return False  # no command mixes them; keep the rule simple
    for argument, word in zip(command.arguments, positionals, strict=False):
        values[argument.dest] = word
    return True
