"""Setup handlers: demo, cron, config, and db path/status/check/backup."""

from __future__ import annotations

import sys

from kinship.cli.run import Invocation
from kinship.render import output


def demo(inv: Invocation) -> None:
    """Build a sample year in a temporary database and show the review and the nudges."""
    import tempfile
    from pathlib import Path

    from kinship import actions, render
    from kinship import review as weekly
    from kinship.errors import UsageError
    from kinship.store import open_store

    environment = inv.environment
    keep = inv.text("keep")
    if keep is not None and Path(keep).expanduser().exists():
        raise UsageError(f"{keep} already exists", "choose a new file for the demo database")
    path = Path(keep).expanduser() if keep else Path(tempfile.mkdtemp(prefix="kinship-demo-")) / "demo.db"
    store = open_store(path, environment.now)
    try:
        count = actions.load_demo(store, environment.now, environment.zone)
        today = environment.now.date()
        result = actions.weekly_review(store, environment.settings, today)
        found = actions.nudges(store, environment.settings, today)
    finally:
        store.close()
    output.text(f"A sample year: 10 people, {count} interactions, in {path}\n")
    output.text(weekly.review_text(result))
    output.text("")
    output.text("Nudges today")
    output.text("------------")
    output.text(render.nudges_text(found))
    output.text("")
    output.text(f"Explore it: kinship --db {path} people   (your own data is untouched)")


def cron(inv: Invocation) -> None:
    """Print a ready crontab line and a systemd timer."""
    import shutil
    from pathlib import Path

    from kinship import cronline

    environment = inv.environment
    # the kinship that is running now, not whichever one comes first on PATH
    here = Path(sys.argv[0]) if sys.argv and Path(sys.argv[0]).name == "kinship" else None
    sibling = Path(sys.executable).parent / "kinship"
    found = shutil.which("kinship", path=environment.env.get("PATH"))
    if here is not None and here.is_file():
        launcher = [str(here.absolute())]
    elif sibling.is_file():
        launcher = [str(sibling.absolute())]
    elif found:
        launcher = [str(Path(found).absolute())]
    else:
        launcher = [str(Path(sys.executable).absolute()), "-m", "kinship"]
    assignments: dict[str, str] = {}
    if environment.env.get("KINSHIP_CONFIG"):
        assignments["KINSHIP_CONFIG"] = str(environment.config_path.absolute())
    zone = environment.env.get("TZ")
    if zone and not environment.settings.timezone:  # cron's day must be the user's day
        assignments["TZ"] = zone
    args = [*launcher, "--db", str(environment.db_path.absolute()), "remind"]
    output.text("# kinship: a morning reminder at 08:00. Add it with `crontab -e`.")
    output.text("# cron mails any output to you (set MAILTO=you@example.org above the line).")
    output.text(cronline.cron_line(args, assignments))
    output.text("")
    output.text("# Or, with systemd: ~/.config/systemd/user/kinship-remind.service")
    output.text("[Unit]\nDescription=kinship reminders\n\n[Service]\nType=oneshot")
    for name, value in assignments.items():
        output.text(cronline.systemd_environment(name, value))
    output.text("ExecStart=" + " ".join(cronline.systemd_word(word) for word in [*args, "--notify"]))
    output.text("")
    output.text("# ~/.config/systemd/user/kinship-remind.timer")
    output.text(
        "[Unit]\nDescription=kinship reminders every morning\n\n[Timer]\nOnCalendar=*-*-* 08:00\nPersistent=true"
    )
    output.text("\n[Install]\nWantedBy=timers.target")
    output.text(
        "# then: systemctl --user daemon-reload && systemctl --user enable --now kinship-remind.timer"
    )
    output.text("# docs/cron.md explains both, and how to test the line with cron's bare environment.")


def config(inv: Invocation) -> None:
    """Print the effective settings, where each came from, and what is wrong with any of them.

    Never fails on a bad config file: a key with a bad value shows its default and the problem.
    """
    from kinship import config as config_file
    from kinship.cli.context import load_environment

    environment = load_environment(inv.db, config_problems_ok=True)
    report, file_problem = config_file.config_report(environment.config_path)
    rows: list[tuple[str, object, str, str | None]] = [
        ("db", str(environment.db_path), environment.db_source, None)
    ]
    for row in report:
        if row.key == "db":
            continue
        if row.key == "timezone" and environment.settings.timezone is None:
            source = "env TZ" if environment.env.get("TZ") else "system"
            rows.append(("timezone", str(environment.zone), source, row.problem))
            continue
        if row.key == "timezone" and environment.sources.get("timezone", "").startswith("env"):
            rows.append(
                ("timezone", environment.settings.timezone, environment.sources["timezone"], row.problem)
            )
            continue
        rows.append((row.key, row.value, row.source, row.problem))
    file_source = "exists" if environment.config_path.exists() else "absent"
    rows.append(("config_file", str(environment.config_path), file_source, file_problem))
    if inv.flag("json"):
        shown: dict[str, dict[str, object]] = {}
        for label, value, source, problem in rows:
            shown[label] = {"value": value, "source": source}
            if problem is not None:
                shown[label]["problem"] = problem
        output.json(shown)
        return

    def safe(text: object) -> str:  # a config file's text never reaches the terminal raw
        return "".join(char if char.isprintable() else repr(char)[1:-1] for char in str(text))

    width = max(len(label) for label, _, _, _ in rows)
    for label, value, source, problem in rows:
        line = f"{safe(label).ljust(width)}  {'-' if value is None else safe(value)}  ({safe(source)})"
        output.text(line if problem is None else f"{line}  ! {safe(problem)}")


def db_path(inv: Invocation) -> None:
    """Print where the database is."""
    environment = inv.environment
    if inv.flag("json"):
        facts = {
            "path": str(environment.db_path),
            "source": environment.db_source,
            "exists": environment.db_path.exists(),
        }
        output.json(facts)
        return
    output.text(str(environment.db_path))


def db_status(inv: Invocation) -> None:
    """Show the schema and migration state and the size of the database."""

    environment = inv.environment
    status = inv.store(migrate=False).status()
    facts = {
        "path": status.path,
        "source": environment.db_source,
        "applied": list(status.applied),
        "pending": list(status.pending),
        "contacts": status.contacts,
        "interactions": status.interactions,
        "size_bytes": status.size_bytes,
        "journal_mode": status.journal_mode,
    }
    if inv.flag("json"):
        output.json(facts)
        return
    for label, value in facts.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        output.text(f"{label:<13} {shown if shown != '' else '-'}")


def db_check(inv: Invocation) -> None:
    """Run SQLite's integrity and foreign-key checks."""
    from kinship.errors import DataError

    environment = inv.environment
    problems = inv.store(migrate=False).integrity_problems()
    if inv.flag("json"):
        output.json({"path": str(environment.db_path), "ok": not problems, "problems": problems})
    if problems:
        raise DataError(
            f"{len(problems)} problem(s) found: {problems[0]}", "restore from a backup (kinship db backup)"
        )
    if not inv.flag("json"):
        output.text(f"ok: {environment.db_path} passed the integrity check")


def db_backup(inv: Invocation) -> None:
    """Write a consistent copy of the database."""
    from pathlib import Path

    from kinship.store import backup_path_for

    environment = inv.environment
    target = inv.text("target")
    store = inv.store(migrate=False)
    path = Path(target).expanduser() if target else backup_path_for(environment.db_path, environment.now)
    store.backup_to(path)
    output.text(f"Backed up to {path}")
