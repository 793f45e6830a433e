"""Table entries: nudges, review, remind, snooze, dismiss (handlers in ``cli/commands/nudging.py``)."""

from __future__ import annotations

from kinship.cli.spec import AS_OF, EXISTING, JSON, READ, WRITE, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "nudges",
        "Show the nudges in force: fading ties, online-only ties, crowded weeks, isolation and birthdays.",
        ("kinship nudges --as-of 2026-11-01 --json",),
        "nudging:nudges",
        READ,
        (),
        (AS_OF, JSON),
    ),
    Command(
        "review",
        "The weekly review: face to face against digital, people, trend, and a suggestion or two.",
        ("kinship review", "kinship review --week 2026-W47 --markdown > week47.md"),
        "nudging:review",
        READ,
        (),
        (
            Option("--week", "week", "The ISO week to review, e.g. 2026-W47.", metavar="ISOWEEK"),
            AS_OF,
            JSON,
            Option(
                "--markdown",
                "markdown",
                "Print Markdown (for a journal or an email).",
                kind="flag",
                default=False,
            ),
        ),
        "Default: the most recent week that has ended (on a Sunday, the week ending today).",
    ),
    Command(
        "remind",
        "For cron: print the nudges that are due and were not reminded in the last 7 days.",
        (
            "kinship remind --dry-run",
            "0 8 * * * /home/me/.local/bin/kinship remind      (a crontab line: see kinship cron)",
        ),
        "nudging:remind",
        EXISTING,
        (),
        (
            AS_OF,
            Option(
                "--notify",
                "notify",
                "Send a desktop notification (falls back to printing).",
                kind="flag",
                default=False,
            ),
            Option(
                "--dry-run", "dry_run", "Show what would be sent; record nothing.", kind="flag", default=False
            ),
            JSON,
        ),
        "Prints nothing when nothing is due. A missing or broken database is an error (cron mails it).",
    ),
    Command(
        "snooze",
        "Quiet a contact's nudges (or one nudge by --key) for a while.",
        ("kinship snooze ana 2w", "kinship snooze --key crowded_week:2026-W47 1w"),
        "nudging:snooze",
        WRITE,
        (Argument("args", "[NAME] DUR", "Who (or --key) and for how long: 3d, 2w, 1mo.", many=True),),
        (Option("--key", "key", "Snooze one nudge by its key instead.", short="-k", metavar="KEY"),),
    ),
    Command(
        "dismiss",
        "Dismiss one nudge for good (the next episode, e.g. a later fading spell, comes back).",
        ("kinship dismiss crowded_week:2026-W47",),
        "nudging:dismiss",
        WRITE,
        (Argument("key", "KEY", "A nudge key from `kinship nudges --json`."),),
    ),
)
