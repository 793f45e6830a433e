"""Table entries: demo, cron, config, db path/status/check/backup (handlers in ``cli/commands/setup.py``)."""

from __future__ import annotations

from kinship.cli.spec import EXISTING, JSON, NONE, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "demo",
        "Build a realistic sample year in a temporary database and show the review and the nudges.",
        ("kinship demo",),
        "setup:demo",
        NONE,
        (),
        (Option("--keep", "keep", "Write the demo database here.", metavar="PATH"),),
        "Your own database is never touched.",
    ),
    Command(
        "cron",
        "Print a ready crontab line (absolute paths: cron's PATH lacks ~/.local/bin), and a systemd timer.",
        ("kinship cron      # then: crontab -e, and paste the line",),
        "setup:cron",
        NONE,
    ),
    Command(
        "config",
        "Print the effective settings and where each came from.",
        ("kinship config",),
        "setup:config",
        NONE,
        (),
        (JSON,),
    ),
    Command(
        "db path",
        "Print where the database is (with --json: and why, and whether it exists).",
        ("kinship db path",),
        "setup:db_path",
        NONE,
        (),
        (JSON,),
    ),
    Command(
        "db status",
        "Show the schema and migration state and the size of the database.",
        ("kinship db status",),
        "setup:db_status",
        EXISTING,
        (),
        (JSON,),
    ),
    Command(
        "db check",
        "Run SQLite's integrity and foreign-key checks.",
        ("kinship db check",),
        "setup:db_check",
        EXISTING,
        (),
        (JSON,),
    ),
    Command(
        "db backup",
        "Write a consistent copy of the database (safe while other commands run).",
        ("kinship db backup ~/kinship-2026-11-26.db",),
        "setup:db_backup",
        EXISTING,
        (Argument("target", "[PATH]", "Where to write the copy.", required=False),),
    ),
)
