"""Nudge handlers: nudges, review, remind, snooze, dismiss."""

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


def remind(inv: Invocation) -> None:
    """Print (or notify) the nudges due for a reminder and record them."""
    from kinship import render
    from kinship.engine import nudge_json

    environment = inv.environment
    dry_run = inv.flag("dry_run")
    day = as_of_day(environment, inv.text("as_of"))
    due = actions.remind(
        inv.store(read_only=dry_run), environment.settings, environment.now, day, dry_run=dry_run
    )
    if inv.flag("json"):
        output.json({"as_of": day.isoformat(), "nudges": [nudge_json(n) for n in due]})
        return
    if not due:
        return
    if inv.flag("notify") and not dry_run and notify_desktop([n.message for n in due], environment):
        return
    output.text(render.reminder_text(due))


def snooze(inv: Invocation) -> None:
    """Quiet a contact's nudges, or one nudge by key, for a while."""
    from kinship.dates import parse_duration
    from kinship.errors import UsageError

    environment = inv.environment
    args = inv.texts("args")
    key = inv.text("key")
    if key is None and len(args) != 2:
        raise UsageError("snooze needs a NAME and a DUR", "e.g. kinship snooze ana 2w")
    if key is not None and len(args) != 1:
        raise UsageError(
            "snooze --key KEY needs just a DUR", "e.g. kinship snooze --key crowded_week:2026-W47 1w"
        )
    days = parse_duration(args[-1])
    what, until = actions.snooze(
        inv.store(),
        environment.now,
        days,
        name=args[0] if key is None else None,
        key=key,
        choose=terminal_chooser(environment),
    )
    output.text(f"Snoozed {what} until {until.isoformat()}")


def dismiss(inv: Invocation) -> None:
    """Dismiss one nudge for good."""
    clean = actions.dismiss(inv.store(), inv.environment.now, str(inv.text("key")))
    output.text(f"Dismissed {clean}")
