"""Questions asked on a terminal: which of several contacts, and "are you sure?"."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kinship.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.actions import Chooser
    from kinship.cli.context import Environment
    from kinship.store import NameEntry


def terminal_chooser(environment: Environment) -> Chooser | None:
    """Return a chooser that asks on a terminal, or None when nobody can be asked."""
    if not (environment.stdin_terminal and environment.terminal):
        return None

    def choose(text: str, candidates: Sequence[NameEntry]) -> NameEntry | None:
        from kinship.render.safe import shown

        sys.stderr.write(f"{shown(repr(text))} matches several contacts:\n")
        for number, entry in enumerate(candidates, start=1):
            sys.stderr.write(f"  {number}. {shown(entry.name)}\n")
        sys.stderr.write("Which one? (number, empty to cancel) ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip()
        if answer.isdigit() and 1 <= int(answer) <= len(candidates):
            return candidates[int(answer) - 1]
        return None

    return choose


def confirm(environment: Environment, question: str, yes: bool) -> None:
    """Ask on a terminal; without a terminal, require --yes. A "no" ends the command (exit 1)."""
    from kinship.cli.run import Stop
    from kinship.errors import UsageError

    if yes:
        return
    if not environment.stdin_terminal:
        raise UsageError(
            f"{question.rstrip('?')} needs confirmation", "pass --yes to confirm without a terminal"
        )
    from kinship.render.safe import shown

    sys.stderr.write(f"{shown(question)} [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise Stop(1)
