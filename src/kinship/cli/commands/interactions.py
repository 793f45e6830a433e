"""Interaction handlers: log, undo, amend, unlog."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kinship import actions
from kinship.actions import LogRequest
from kinship.cli.ask import confirm, terminal_chooser
from kinship.cli.run import Invocation
from kinship.cli.spec import CHANNELS
from kinship.render import describe_interaction, output

if TYPE_CHECKING:
    from kinship.cli.context import Environment
    from kinship.models import Channel


def channel(text: str) -> Channel:
    """Return the channel ``text`` names."""
    from kinship.errors import UsageError
    from kinship.models import Channel

    try:
        return Channel(text.strip().lower())
    except ValueError as exc:
        raise UsageError(f"unknown channel {text!r}", f"use one of: {', '.join(CHANNELS)}") from exc


def _ask_who(environment: Environment) -> tuple[list[str], Channel]:
    """Ask on a terminal who the interaction was with and how."""
    from kinship.errors import UsageError

    if not environment.stdin_terminal:
        raise UsageError("name at least one person, or a --group activity", "e.g. kinship log ana --via call")
    sys.stderr.write("Who did you see or talk to? (names separated by commas) ")
    sys.stderr.flush()
    names = [part.strip() for part in sys.stdin.readline().split(",") if part.strip()]
    if not names:
        raise UsageError("nobody named; nothing was logged", "e.g. kinship log ana --via call")
    sys.stderr.write(f"How? ({', '.join(CHANNELS)}) [in-person] ")
    sys.stderr.flush()
    return names, channel(sys.stdin.readline().strip() or "in-person")


def log(inv: Invocation) -> None:
    """Record one interaction and say what was logged."""
    environment = inv.environment
    people = list(inv.texts("names"))
    group = inv.text("group")
    how = channel(str(inv.text("via")))
    if not people and not group:
        people, how = _ask_who(environment)
    request = LogRequest(
        names=tuple(people),
        channel=how,
        when_text=inv.text("when"),
        minutes=inv.number("minutes"),
        note=inv.text("note"),
        feel=inv.number("feel"),
        group=group,
        create_new=inv.flag("new"),
    )
    interaction = actions.log_interaction(
        inv.store(), environment.now, environment.zone, request, choose=terminal_chooser(environment)
    )
    output.text(f"Logged {describe_interaction(interaction)}  (id {interaction.id[:8]})")


def undo(inv: Invocation) -> None:
    """Remove the interaction the last ``log`` recorded, after confirming."""
    store = inv.store()
    last = actions.last_logged(store)
    confirm(inv.environment, f"Remove {describe_interaction(last)}?", inv.flag("yes"))
    removed = actions.undo_last(store, expected_id=last.id)
    output.text(f"Removed {describe_interaction(removed)}")


def amend(inv: Invocation) -> None:
    """Correct one interaction by its id."""
    environment = inv.environment
    via = inv.text("via")
    request = LogRequest(
        channel=channel(via or "in-person"),
        when_text=inv.text("when"),
        minutes=inv.number("minutes"),
        note=inv.text("note"),
        feel=inv.number("feel"),
        group=inv.text("group"),
        create_new=inv.flag("new"),
    )
    changed = actions.amend_interaction(
        inv.store(),
        environment.now,
        environment.zone,
        str(inv.text("interaction_id")),
        request,
        channel_given=via is not None,
        add=inv.texts("add"),
        remove=inv.texts("remove"),
        choose=terminal_chooser(environment),
    )
    output.text(f"Amended {describe_interaction(changed)}  (id {changed.id[:8]})")


def unlog(inv: Invocation) -> None:
    """Remove one interaction by its id."""
    removed = actions.unlog_interaction(inv.store(), str(inv.text("interaction_id")))
    output.text(f"Removed {describe_interaction(removed)}")
