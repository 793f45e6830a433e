"""Nudge handlers: nudges, review, remind, snooze, dismiss, unsnooze, undismiss, groups."""

from __future__ import annotations

import datetime as dt

from kinship import actions
from kinship.cli.ask import terminal_chooser
from kinship.cli.context import Environment
from kinship.cli.run import Invocation
from kinship.render import output


def as_of_day(environment: Environment, as_of: str | None) -> dt.date:
    """Return the day ``--as-of`` names (default: today)."""
    from kinship.dates import parse_day

    return environment.now.date() if as_of is None else parse_day(as_of, environment.now, environment.zone)


def nudges(inv: Invocation) -> None:
    """Print the nudges in force."""
    from kinship import render
    from kinship.engine import nudge_json

    environment = inv.environment
    day = as_of_day(environment, inv.text("as_of"))
    if inv.flag("hidden"):
        _hidden(inv, day)
        return
    found = actions.nudges(inv.store(), environment.settings, day)
    if inv.flag("json"):
        output.json({"as_of": day.isoformat(), "nudges": [nudge_json(n) for n in found]})
    elif environment.color:
        from kinship.render import terminal

        terminal.nudges(found, render.KIND_TITLES)
    else:
        output.text(render.nudges_text(found))


def review(inv: Invocation) -> None:
    """Print the weekly review as text, JSON or Markdown."""
    from kinship import review as weekly
    from kinship.errors import UsageError

    json_output, markdown = inv.flag("json"), inv.flag("markdown")
    if json_output and markdown:
        raise UsageError("--json and --markdown exclude each other", "pick one")
    environment = inv.environment
    day = as_of_day(environment, inv.text("as_of"))
    result = actions.weekly_review(inv.store(), environment.settings, day, inv.text("week"))
    if json_output:
        output.json(weekly.review_json(result))
    elif markdown:
        output.text(weekly.review_markdown(result))
    elif environment.color:
        from kinship.render import terminal

        plain = weekly.review_text(result, width=min(terminal.width(), 100))
        terminal.review(result, plain)
    else:
        width = 80
        if environment.terminal:  # NO_COLOR on a terminal: plain text at its width (80 if it says 0)
            from kinship.render.terminal import width as terminal_width

            width = min(terminal_width(), 100)
        output.text(weekly.review_text(result, width=width))


def notify_desktop(messages: list[str], environment: Environment) -> bool:
    """Send one desktop notification; return False when notify-send is missing or fails."""
    import shutil
    import subprocess

    program = shutil.which("notify-send", path=environment.env.get("PATH"))
    if program is None:
        return False
    from kinship.render.safe import shown

    body = "\n".join(shown(message) for message in messages)
    try:
        done = subprocess.run(
            [program, "--app-name=kinship", "kinship", body],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _hidden(inv: Invocation, day: dt.date) -> None:
    """Print the snoozes and dismissals in force."""
    from kinship import render
    from kinship.engine import hidden_json

    store = inv.store()
    hidden = actions.hidden_nudges(store, inv.environment.settings, day)
    contacts = actions.snoozed_contacts(store, day)
    if inv.flag("json"):
        payload = {
            "as_of": day.isoformat(),
            "hidden": [hidden_json(item) for item in hidden],
            "snoozed_contacts": [
                {
                    "contact": {"id": item.contact.id, "name": item.contact.name},
                    "since": item.made.isoformat(),
                    "until": item.until.isoformat(),
                }
                for item in contacts
            ],
        }
        output.json(payload)
    else:
        output.text(render.hidden_text(hidden, contacts))


def remind(inv: Invocation) -> None:
    """Print (or notify) the digest due for a reminder and record it."""
    from kinship import render
    from kinship.engine import nudge_json

    environment = inv.environment
    dry_run = inv.flag("dry_run")
    day = as_of_day(environment, inv.text("as_of"))
    json_output = inv.flag("json")
    digest = actions.remind_digest(
        inv.store(read_only=dry_run),
        environment.settings,
        environment.now,
        day,
        dry_run=dry_run,
        budget=not json_output,  # SPEC §6: every --json lists them all
    )
    due = digest.nudges
    if json_output:
        output.json({"as_of": day.isoformat(), "nudges": [nudge_json(n) for n in due]})
        return
    if not due:
        return
    messages = [n.message for n in due]
    if digest.more:
        messages.append(f"and {digest.more} more \u2014 kinship nudges")
    if inv.flag("notify") and not dry_run and notify_desktop(messages, environment):
        return
    output.text(render.reminder_text(due, digest.more))


def _who(inv: Invocation, who: str | None) -> str:
    from kinship.errors import UsageError

    key = inv.text("key")
    if (who is None) == (key is None):
        raise UsageError("name one nudge: a handle, a key or a NAME", "see `kinship nudges` for handles")
    return str(who if who is not None else key)


def _changed(verb: str, result: actions.QuietResult, until: dt.date | None = None) -> None:
    if not result.changed:
        output.text("Nothing to change")
        return
    many = len(result.keys)
    count = f" ({many} nudges)" if many > 1 else ""
    tail = f" until {until.isoformat()}" if until is not None else ""
    output.text(f"{verb} {result.what}{count}{tail}")


def snooze(inv: Invocation) -> None:
    """Quiet a nudge, or all of a contact's nudges, for a while."""
    from kinship.dates import parse_duration
    from kinship.errors import UsageError

    environment = inv.environment
    args = inv.texts("args")
    key = inv.text("key")
    wanted = 1 if key is not None else 2
    if len(args) != wanted:
        raise UsageError(
            "snooze needs WHO and a DUR" if key is None else "snooze --key KEY needs just a DUR",
            "e.g. kinship snooze 7f3a 1w, or kinship snooze ana 2w",
        )
    days = parse_duration(args[-1])
    who = _who(inv, args[0] if key is None else None)
    result = actions.quiet(
        inv.store(),
        environment.settings,
        environment.now,
        who,
        days=days,
        choose=terminal_chooser(environment),
    )
    _changed("Snoozed", result, result.until)


def dismiss(inv: Invocation) -> None:
    """Dismiss a nudge, or all of a contact's nudges, for good."""
    environment = inv.environment
    who = _who(inv, inv.text("who"))
    result = actions.quiet(
        inv.store(), environment.settings, environment.now, who, choose=terminal_chooser(environment)
    )
    _changed("Dismissed", result)


def _unquiet(inv: Invocation, kind: str, verb: str) -> None:
    """Take back a snooze or a dismissal (``kind``) and say so with ``verb``."""
    environment = inv.environment
    result = actions.unquiet(
        inv.store(),
        environment.settings,
        environment.now,
        _who(inv, inv.text("who")),
        kind=kind,
        choose=terminal_chooser(environment),
    )
    _changed(verb, result)


def unsnooze(inv: Invocation) -> None:
    """Take back a snooze in force."""
    _unquiet(inv, "snooze", "Unsnoozed")


def undismiss(inv: Invocation) -> None:
    """Take back a dismissal in force."""
    _unquiet(inv, "dismiss", "Undismissed")


def groups(inv: Invocation) -> None:
    """List the group activities."""
    from kinship import render

    environment = inv.environment
    day = as_of_day(environment, inv.text("as_of"))
    rows = actions.groups(inv.store(), environment.settings, day)
    if inv.flag("json"):
        output.json([render.group_json(row) for row in rows])
        return
    if not rows:
        output.text("No group activities yet. Log one with: kinship log --group 'book club'")
        return
    header, cells = render.groups_rows(rows, day)
    render.print_table(header, cells, rich_output=environment.color)
