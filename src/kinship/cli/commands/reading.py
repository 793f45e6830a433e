"""Reading handlers: people, show, history."""

from __future__ import annotations

from kinship import actions
from kinship.cli.ask import terminal_chooser
from kinship.cli.run import Invocation
from kinship.render import output

SHOW_LIMIT = 20
"""Interactions ``kinship show`` lists unless given --limit or --all (SPEC §4)."""


def people(inv: Invocation) -> None:
    """List contacts with rhythm and status."""
    from kinship import render

    environment = inv.environment
    rows = actions.people(
        inv.store(),
        environment.settings,
        environment.now.date(),
        circle=inv.text("circle"),
        tag=inv.text("tag"),
    )
    status = inv.text("status")
    if status is not None:
        from kinship.engine import STATUSES
        from kinship.errors import UsageError

        if status not in STATUSES:
            raise UsageError(f"unknown status {status!r}", f"use one of: {', '.join(STATUSES)}")
        rows = [row for row in rows if row.status == status]
    if inv.flag("json"):
        output.json([render.person_json(row) for row in rows])
        return
    if not rows and (inv.text("circle") or inv.text("tag") or status):
        given = [f"--{name} {inv.text(name)}" for name in ("circle", "tag", "status") if inv.text(name)]
        output.text(f"No contacts match {' '.join(given)}. See them all with: kinship people")
        return
    if not rows:
        output.text("No contacts yet. Add one with: kinship add 'Ana Lima' --circle friends")
        return
    header, cells = render.people_rows(rows)
    render.print_table(header, cells, rich_output=environment.color)


def show(inv: Invocation) -> None:
    """Show one contact and their timeline."""
    from kinship import render
    from kinship.errors import UsageError

    environment = inv.environment
    json_output = inv.flag("json")
    given = inv.number("limit")
    if inv.flag("all") and given is not None:
        raise UsageError("--limit and --all do not go together", "give one of them")
    if given is not None:
        from kinship import validate
        from kinship.actions import MAX_LIMIT

        validate.whole_number(given, "--limit", 1, MAX_LIMIT - 1)  # one more is read, to say "more"
    limit = None if inv.flag("all") else (SHOW_LIMIT if given is None else given)
    row, timeline = actions.show_contact(
        inv.store(),
        environment.settings,
        environment.now.date(),
        str(inv.text("name")),
        terminal_chooser(environment),
        limit=None if limit is None else limit + 1,  # one more tells whether there are more
    )
    if json_output:
        result = render.person_json(row)
        together = row.time_together
        result["time_together"] = (
            None
            if together is None
            else {
                "minutes_face_to_face": together.minutes_face_to_face,
                "minutes_digital": together.minutes_digital,
                "hours_face_to_face": together.hours_face_to_face,
                "hours_digital": together.hours_digital,
                "interactions_with_minutes": together.with_minutes,
            }
        )
        kept = timeline if limit is None else timeline[:limit]
        result["interactions"] = [render.interaction_json(item) for item in kept]
        output.json(result)
        return
    details = render.contact_details(row)
    width = max(len(label) for label, _ in details)
    output.text("\n".join(f"{label.ljust(width)}  {value}" for label, value in details) + "\n")
    if timeline:
        shown_items = timeline if limit is None else timeline[:limit]
        header, cells = render.history_rows(shown_items)
        title = "Timeline" if len(shown_items) == len(timeline) else f"Timeline (latest {len(shown_items)})"
        render.print_table(header, cells, rich_output=environment.color, title=title)
        if len(shown_items) < len(timeline):
            output.text(f"(more: kinship show '{row.contact.name}' --all, or --limit N)")
    else:
        output.text(f"No interactions yet. Log one with: kinship log '{row.contact.name}'")


def history(inv: Invocation) -> None:
    """List interactions, newest first."""
    from kinship import render
    from kinship.cli.commands.interactions import channel

    environment = inv.environment
    limit = inv.number("limit")
    json_output = inv.flag("json")
    via = inv.text("via")
    where = actions.HistoryFilter(
        names=inv.texts("names"),
        since_text=inv.text("since"),
        until_text=inv.text("until"),
        channel=None if via is None else channel(via),
        mode=inv.text("mode"),
        circle=inv.text("circle"),
        group=inv.text("group"),
        grep=inv.text("grep"),
    )
    effective_limit = limit if (limit is not None or json_output or where.since_text is not None) else 20
    found_lazily = actions.iter_history(
        inv.store(),
        environment.now,
        environment.zone,
        limit=effective_limit,
        choose=terminal_chooser(environment),
        where=where,
    )
    if json_output:
        output.json_list(render.interaction_json(item) for item in found_lazily)
        return
    found = list(found_lazily)
    if not found:
        if where.narrows():
            output.text("No interactions match these filters.")
        else:
            output.text("No interactions yet. Log one with: kinship log ana")
        return
    header, cells = render.history_rows(found)
    render.print_table(header, cells, rich_output=environment.color)
