"""Reading handlers: people, show, history."""

from __future__ import annotations

from kinship import actions
from kinship.cli.ask import terminal_chooser
from kinship.cli.run import Invocation
from kinship.errors import UsageError

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
    if inv.flag("json"):
        print(render.dumps([render.person_json(row) for row in rows]))
        return
    if not rows:
        print("No contacts yet. Add one with: kinship add 'Ana Lima' --circle friends")
        return
    header, cells = render.people_rows(rows)
    render.print_table(header, cells, rich_output=environment.color)


def show(inv: Invocation) -> None:
    """Show one contact and their timeline."""
    from kinship import render

    environment = inv.environment
    limit = inv.number("limit")
    if limit is not None and inv.flag("all"):
        raise UsageError("--limit and --all do not go together", "give one of them")
    row, timeline = actions.show_contact(
        inv.store(),
        environment.settings,
        environment.now.date(),
        str(inv.text("name")),
        terminal_chooser(environment),
        limit=None if inv.flag("all") else limit or SHOW_LIMIT,
    )
    if inv.flag("json"):
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
        result["interactions"] = [render.interaction_json(item) for item in timeline]
        print(render.dumps(result))
        return
    width = max(len(label) for label, _ in render.contact_details(row))
    for label, value in render.contact_details(row):
        print(f"{label.ljust(width)}  {value}")
    print()
    if timeline:
        header, cells = render.history_rows(timeline)
        render.print_table(header, cells, rich_output=environment.color, title="Timeline")
    else:
        print(f"No interactions yet. Log one with: kinship log '{row.contact.name}'")


def history(inv: Invocation) -> None:
    """List interactions, newest first."""
    from kinship import render

    environment = inv.environment
    limit = inv.number("limit")
    since = inv.text("since")
    json_output = inv.flag("json")
    effective_limit = limit if (limit is not None or json_output or since is not None) else 20
    found = actions.history(
        inv.store(),
        environment.now,
        environment.zone,
        name=inv.text("name"),
        since_text=since,
        limit=effective_limit,
        choose=terminal_chooser(environment),
    )
    if json_output:
        print(render.dumps([render.interaction_json(item) for item in found]))
        return
    if not found:
        print("No interactions yet. Log one with: kinship log ana")
        return
    header, cells = render.history_rows(found)
    render.print_table(header, cells, rich_output=environment.color)
