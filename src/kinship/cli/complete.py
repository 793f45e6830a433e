"""Shell completion values: contact names, channels and circles. Completion never writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinship.cli.spec import CIRCLES


def completions(incomplete: str, names: list[str]) -> list[str]:
    """Return the names that start with ``incomplete`` ignoring case and accents.

    typer keeps only candidates that start with exactly what was typed, so each one keeps the
    typed letters and completes the rest ("ana" -> "ana Lima"): names resolve case- and
    accent-insensitively, so the completed text finds the contact.
    """
    from kinship.keys import name_key

    wanted = name_key(incomplete)
    found = []
    for name in names:
        head = name[: len(incomplete)]
        if name_key(head) == wanted and name_key(name).startswith(wanted):
            found.append(incomplete + name[len(incomplete) :])
    return found


def _stored_names(ctx: Any) -> list[str]:
    """Return every contact name and alias, read without creating or migrating anything."""
    from kinship.cli.context import load_environment
    from kinship.store import open_store

    db = ctx.find_root().params.get("db") if ctx is not None else None
    environment = load_environment(db)
    if not environment.db_path.is_file():
        return []
    store = open_store(environment.db_path, environment.now, create=False, read_only=True, migrate=False)
    try:
        entries = store.name_entries()
    finally:
        store.close()
    return [name for entry in entries for name in (entry.name, *entry.aliases)]


def complete_names(ctx: Any, incomplete: str) -> list[str]:
    """Shell completion: contact names (and aliases) starting with what was typed."""
    try:
        return completions(incomplete, _stored_names(ctx))
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_channels(incomplete: str) -> list[str]:
    """Shell completion: the channels of ``--via`` (and the everyday words, once one is begun)."""
    from kinship.channels import complete_words

    return complete_words(incomplete)


def complete_circles(incomplete: str) -> list[str]:
    """Shell completion: the circles of ``--circle``."""
    return [circle for circle in CIRCLES if circle.startswith(incomplete.lower())]


def completer_for(kind: str | None) -> Callable[..., list[str]] | None:
    """Return the completion function for a table ``complete`` kind."""
    completers: dict[str, Callable[..., list[str]]] = {
        "names": complete_names,
        "channels": complete_channels,
        "circles": complete_circles,
    }
    return completers.get(kind or "")
