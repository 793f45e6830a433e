"""The bodies of the commands the fast path runs, and pieces every command shares.

Kept free of typer and rich: ``cli/fast.py`` calls these directly, and the typer commands call
the same functions, so both paths behave alike.
"""

from __future__ import annotations

import datetime as dt
import os
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


def as_of_day(environment: Environment, as_of: str | None) -> dt.date:
    """Return the day ``--as-of`` names (default: today)."""
    from kinship.dates import parse_day

    return environment.now.date() if as_of is None else parse_day(as_of, environment.now, environment.zone)


def run_people(environment: Environment, circle: str | None, tag: str | None, json_output: bool) -> int:
    """List contacts with rhythm and status; return the exit code."""
    from kinship import render

    store = environment.open_for_reading()
    try:
        rows = actions.people(store, environment.settings, environment.now.date(), circle=circle, tag=tag)
    finally:
        store.close()
    if json_output:
        print(render.dumps([render.person_json(row) for row in rows]))
        return 0
    if not rows:
        print("No contacts yet. Add one with: kinship add 'Ana Lima' --circle friends")
        return 0
    header, cells = render.people_rows(rows)
    render.print_table(header, cells, rich_output=environment.color)
    return 0


def run_nudges(environment: Environment, as_of: str | None, json_output: bool) -> int:
    """Print the nudges in force; return the exit code."""
    from kinship import render
    from kinship.engine import nudge_json

    day = as_of_day(environment, as_of)
    store = environment.open_for_reading()
    try:
        found = actions.nudges(store, environment.settings, day)
    finally:
        store.close()
    if json_output:
        print(render.dumps({"as_of": day.isoformat(), "nudges": [nudge_json(n) for n in found]}))
    else:
        print(render.nudges_text(found))
    return 0


def run_review(
    environment: Environment, week: str | None, as_of: str | None, json_output: bool, markdown: bool
) -> int:
    """Print the weekly review as text, JSON or Markdown; return the exit code."""
    from kinship import render
    from kinship import review as weekly
    from kinship.errors import UsageError

    if json_output and markdown:
        raise UsageError("--json and --markdown exclude each other", "pick one")
    day = as_of_day(environment, as_of)
    store = environment.open_for_reading()
    try:
        result = actions.weekly_review(store, environment.settings, day, week)
    finally:
        store.close()
    if json_output:
        print(render.dumps(weekly.review_json(result)))
    elif markdown:
        print(weekly.review_markdown(result))
    else:
        width = min(os.get_terminal_size().columns, 100) if environment.terminal else 80
        print(weekly.review_text(result, width=width))
    return 0


def notify_desktop(messages: list[str], environment: Environment) -> bool:
    """Send one desktop notification; return False when notify-send is missing or fails."""
    import shutil
    import subprocess

    program = shutil.which("notify-send", path=environment.env.get("PATH"))
    if program is None:
        return False
    body = "\n".join(messages)
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


def run_remind(
    environment: Environment, as_of: str | None, notify: bool, dry_run: bool, json_output: bool
) -> int:
    """Print (or notify) the nudges due for a reminder and record them; return the exit code."""
    from kinship import render
    from kinship.cli.context import check_db_exists
    from kinship.engine import nudge_json

    check_db_exists(environment)
    day = as_of_day(environment, as_of)
    store = environment.open(create=False, read_only=dry_run)
    try:
        due = actions.remind(store, environment.settings, environment.now, day, dry_run=dry_run)
    finally:
        store.close()
    if json_output:
        print(render.dumps({"as_of": day.isoformat(), "nudges": [nudge_json(n) for n in due]}))
        return 0
    if not due:
        return 0
    if notify and not dry_run and notify_desktop([n.message for n in due], environment):
        return 0
    print(render.reminder_text(due))
    return 0
