"""A fast path for the commands run most: ``log``, ``people``, ``nudges``, ``review``, ``remind``.

``kinship log`` runs right after meeting someone and must feel instant, and the read commands
run from cron and every week; typer alone costs about three times Python's own start-up. This
path parses the plain, valid forms of those commands with a small table of options and imports
neither typer nor rich. Anything it does not fully understand (``--help``, an unknown option,
a repeated option, a bad value, no names on a terminal) returns None and the typer app handles
it, so both paths give the same results and the same errors (tests run both on the same inputs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.actions import LogRequest

_CHANNEL_NAMES = frozenset(("in-person", "call", "video", "message", "email", "social"))

# command -> (options taking a value, flags, whether names may be given); short forms map to long
_COMMANDS: dict[str, tuple[frozenset[str], frozenset[str], bool]] = {
    "log": (
        frozenset(("--via", "--when", "--minutes", "--note", "--feel", "--group")),
        frozenset(("--new",)),
        True,
    ),
    "people": (frozenset(("--circle", "--tag")), frozenset(("--json",)), False),
    "nudges": (frozenset(("--as-of",)), frozenset(("--json",)), False),
    "review": (frozenset(("--week", "--as-of")), frozenset(("--json", "--markdown")), False),
    "remind": (frozenset(("--as-of",)), frozenset(("--notify", "--dry-run", "--json")), False),
}
_SHORT = {"-v": "--via", "-w": "--when", "-n": "--note", "-g": "--group", "-c": "--circle", "-t": "--tag"}


def parse_fast(args: list[str]) -> tuple[str | None, str, list[str], dict[str, str], set[str]] | None:
    """Return (--db, command, names, option values, flags) of a plain invocation, else None."""
    db: str | None = None
    position = 0
    while position < len(args) and args[position] not in _COMMANDS:
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
    command = args[position]
    takes_value, flags_known, takes_names = _COMMANDS[command]
    names: list[str] = []
    values: dict[str, str] = {}
    flags: set[str] = set()
    rest = args[position + 1 :]
    index = 0
    only_names = False
    while index < len(rest):
        token = rest[index]
        index += 1
        if only_names or not token.startswith("-") or token == "-":
            if not takes_names:
                return None
            names.append(token)
            continue
        if token == "--" and takes_names:
            only_names = True
            continue
        if token in flags_known:
            if token in flags:
                return None
            flags.add(token)
            continue
        if not token.startswith("--") and "=" in token:
            return None  # click reads "-v=call" as the value "=call": let typer say so
        option, equals, value = token.partition("=")
        option = _SHORT.get(option, option)
        if option not in takes_value or option in values:
            return None
        if not equals:
            if index >= len(rest):
                return None
            value = rest[index]
            index += 1
        values[option] = value
    return db, command, names, values, flags


def _log_request(names: list[str], values: dict[str, str], flags: set[str]) -> LogRequest | None:
    via = values.get("--via", "in-person")
    if via not in _CHANNEL_NAMES:
        return None
    try:
        minutes = int(values["--minutes"]) if "--minutes" in values else None
        feel = int(values["--feel"]) if "--feel" in values else None
    except ValueError:
        return None
    if (minutes is not None and minutes < 0) or (feel is not None and not 1 <= feel <= 5):
        return None  # the typer app reports the range
    if not names and not values.get("--group"):
        return None  # the typer app asks on a terminal, or explains
    from kinship.actions import LogRequest
    from kinship.models import Channel

    return LogRequest(
        names=tuple(names),
        channel=Channel(via),
        when_text=values.get("--when"),
        minutes=minutes,
        note=values.get("--note"),
        feel=feel,
        group=values.get("--group"),
        create_new="--new" in flags,
    )


def parse_fast_log(args: list[str]) -> tuple[str | None, LogRequest] | None:
    """Return (--db value, request) for a plain ``[--db PATH] log ...`` invocation, else None."""
    parsed = parse_fast(args)
    if parsed is None or parsed[1] != "log":
        return None
    db, _, names, values, flags = parsed
    request = _log_request(names, values, flags)
    return None if request is None else (db, request)


def try_fast(args: list[str]) -> int | None:
    """Run a plain invocation of a fast command; None means "not handled, use the typer app"."""
    parsed = parse_fast(args)
    if parsed is None:
        return None
    db, command, names, values, flags = parsed
    from kinship.cli import shared
    from kinship.cli.context import load_environment

    if command == "log":
        request = _log_request(names, values, flags)
        if request is None:
            return None
        return shared.run_log(load_environment(db), request)
    environment = load_environment(db)
    if command == "people":
        return shared.run_people(environment, values.get("--circle"), values.get("--tag"), "--json" in flags)
    if command == "nudges":
        return shared.run_nudges(environment, values.get("--as-of"), "--json" in flags)
    if command == "remind":
        return shared.run_remind(
            environment, values.get("--as-of"), "--notify" in flags, "--dry-run" in flags, "--json" in flags
        )
    return shared.run_review(
        environment, values.get("--week"), values.get("--as-of"), "--json" in flags, "--markdown" in flags
    )


def try_fast_log(args: list[str]) -> int | None:
    """Run ``kinship log`` without typer when the invocation is plain (kept for callers and tests)."""
    return try_fast(args) if parse_fast_log(args) is not None else None
