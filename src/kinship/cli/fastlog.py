"""A fast path for ``kinship log``: a small parser for the plain, valid forms of the command.

``kinship log`` runs right after meeting someone and must feel instant, so this path imports
neither typer nor rich. It handles only invocations it understands completely; anything else
(``--help``, an unknown option, a bad value, no names on a terminal) returns None and the
typer app handles it, so both paths give the same results and the same errors (a test runs
both on the same inputs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.actions import LogRequest

_VALUE_OPTIONS = {"--via", "--when", "--minutes", "--note", "--feel", "--group", "-w", "-v", "-n", "-g"}
_CANONICAL = {"-v": "--via", "-w": "--when", "-n": "--note", "-g": "--group"}
_CHANNEL_NAMES = frozenset(("in-person", "call", "video", "message", "email", "social"))


def parse_fast_log(args: list[str]) -> tuple[str | None, LogRequest] | None:
    """Return (--db value, request) for a plain ``[--db PATH] log ...`` invocation, else None."""
    db: str | None = None
    position = 0
    while position < len(args) and args[position] != "log":
        token = args[position]
        if token == "--db" and position + 1 < len(args):
            db = args[position + 1]
            position += 2
        elif token.startswith("--db="):
            db = token[5:]
            position += 1
        else:
            return None
    if position >= len(args):
        return None
    names: list[str] = []
    values: dict[str, str] = {}
    create_new = False
    rest = args[position + 1 :]
    index = 0
    only_names = False
    while index < len(rest):
        token = rest[index]
        index += 1
        if only_names or not token.startswith("-") or token == "-":
            names.append(token)
            continue
        if token == "--":
            only_names = True
            continue
        if token == "--new":
            create_new = True
            continue
        option, equals, value = token.partition("=")
        if option not in _VALUE_OPTIONS:
            return None
        if not equals:
            if index >= len(rest):
                return None
            value = rest[index]
            index += 1
        option = _CANONICAL.get(option, option)
        if option in values:
            return None
        values[option] = value
    via = values.get("--via", "in-person")
    if via not in _CHANNEL_NAMES:
        return None
    try:
        minutes = int(values["--minutes"]) if "--minutes" in values else None
        feel = int(values["--feel"]) if "--feel" in values else None
    except ValueError:
        return None
    if not names and "--group" not in values:
        return None  # the typer app asks on a terminal, or explains
    from kinship.actions import LogRequest
    from kinship.models import Channel

    request = LogRequest(
        names=tuple(names),
        channel=Channel(via),
        when_text=values.get("--when"),
        minutes=minutes,
        note=values.get("--note"),
        feel=feel,
        group=values.get("--group"),
        create_new=create_new,
    )
    return db, request


def try_fast_log(args: list[str]) -> int | None:
    """Run ``kinship log`` without typer when the invocation is plain; None means "not handled"."""
    parsed = parse_fast_log(args)
    if parsed is None:
        return None
    from kinship.cli.context import load_environment
    from kinship.cli.shared import run_log

    db, request = parsed
    return run_log(load_environment(db), request)
