"""Interaction handlers: log, undo, amend, unlog."""

from __future__ import annotations

import sys

from kinship import actions
from kinship.actions import LogRequest
from kinship.cli.ask import confirm, terminal_chooser
from kinship.cli.run import Invocation
from kinship.cli.spec import CHANNELS
from kinship.lean import TYPE_CHECKING
from kinship.render import describe_interaction, output

if TYPE_CHECKING:
    from kinship.cli.context import Environment
    from kinship.models import Channel
    from kinship.store import Store


def channel(text: str) -> Channel:
    """Return the channel ``text`` names (its own name or an everyday word: SPEC §4)."""
    from kinship.channels import channel_from_word

    return channel_from_word(text)


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
    store = inv.store()
    new_names = _new_names(store, request.names) if request.create_new else []
    interaction = actions.log_interaction(
        store, environment.now, environment.zone, request, choose=terminal_chooser(environment)
    )
    created = f"; new contact{'s' if len(new_names) > 1 else ''}: {', '.join(new_names)}" if new_names else ""
    output.text(f"Logged {describe_interaction(interaction)}  (id {interaction.id[:8]}{created})")


def _new_names(store: Store, names: tuple[str, ...]) -> list[str]:
    """Return the names ``--new`` will create: those that name no contact yet."""
    from kinship.errors import AmbiguousError, NotFoundError

    found = []
    with store.read():
        for text in names:
            try:
                actions.resolve_name(actions.entries_for(store, text), text)
            except NotFoundError:
                found.append(" ".join(text.split()))
            except AmbiguousError:
                pass
    return found


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
    """Remove one interaction by its id, after confirming."""
    store = inv.store()
    given = str(inv.text("interaction_id"))
    if not inv.flag("yes"):
        target = actions.find_interaction(store, given)
        confirm(inv.environment, f"Remove {describe_interaction(target)}?", False)
    removed = actions.unlog_interaction(store, given)
    output.text(f"Removed {describe_interaction(removed)}")
