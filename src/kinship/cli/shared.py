"""Pieces every command shares, kept free of typer and rich for the fast ``log`` path."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kinship import actions
from kinship.actions import Chooser, LogRequest
from kinship.cli.context import Environment
from kinship.render import describe_interaction
from kinship.store import NameEntry


def terminal_chooser(environment: Environment) -> Chooser | None:
    """Return a chooser that asks on a terminal, or None when nobody can be asked."""
    if not (environment.stdin_terminal and environment.terminal):
        return None

    def choose(text: str, candidates: Sequence[NameEntry]) -> NameEntry | None:
        sys.stderr.write(f"{text!r} matches several contacts:\n")
        for number, entry in enumerate(candidates, start=1):
            sys.stderr.write(f"  {number}. {entry.name}\n")
        sys.stderr.write("Which one? (number, empty to cancel) ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip()
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return candidates[int(answer) - 1]
        return None

    return choose


def run_log(environment: Environment, request: LogRequest) -> int:
    """Record one interaction and print what was logged; return the exit code."""
    store = environment.open()
    try:
        interaction = actions.log_interaction(
            store, environment.now, environment.zone, request, choose=terminal_chooser(environment)
        )
    finally:
        store.close()
    print(f"Logged {describe_interaction(interaction)}  (id {interaction.id[:8]})")
    return 0
