"""Table entries: nudges, review, remind, snooze, dismiss, unsnooze, undismiss, groups (handlers in ``cli/commands/nudging.py``)."""

from __future__ import annotations

from kinship.cli.spec import AS_OF, EXISTING, JSON, READ, WHO, WHO_MORE, WRITE, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "nudges",
        "Show the nudges in force, each with its short handle and the command that quiets it.",
        ("kinship nudges", "kinship nudges --hidden", "kinship nudges --as-of 2026-11-01 --json"),
        "nudging:nudges",
        READ,
        (),
        (
            AS_OF,
            Option(
                "--hidden",
                "hidden",
                "List the snoozes and dismissals in force instead.",
                kind="flag",
                default=False,
            ),
            JSON,
        ),
        "Kinds: fading, online_only, see_in_person, group_fading, crowded_week, isolation, birthday.",
    ),
    Command(
        "review",
        "The weekly review: face to face against digital, people, trend, and a suggestion or two.",
        (
            "kinship review",
            "kinship review --week this",
            "kinship review --week 2026-W47 --markdown > week47.md",
        ),
        "nudging:review",
        READ,
        (),
        (
            Option(
                "--week",
                "week",
                "The ISO week to review, e.g. 2026-W47, or this for the week so far.",
                metavar="ISOWEEK",
            ),
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
        "For cron: print a digest of the nudges in force, at most once a week, and birthdays on the day.",
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
        "Quiet a nudge (by its handle or key) or all of a contact's nudges (by name) for a while.",
        ("kinship snooze 7f3a 1w", "kinship snooze ana 2w", "kinship snooze --key crowded_week:2026-W47 1w"),
        "nudging:snooze",
        WRITE,
        (
            Argument(
                "args", "WHO DUR", "A handle, a key or a name, and for how long: 3d, 2w, 1mo.", many=True
            ),
        ),
        (Option("--key", "key", "Snooze one nudge by its full key.", short="-k", metavar="KEY"),),
        WHO_MORE,
    ),
    Command(
        "dismiss",
        "Dismiss a nudge for good (a later episode, e.g. a new fading spell, comes back).",
        ("kinship dismiss 7f3a", "kinship dismiss ana", "kinship dismiss crowded_week:2026-W47"),
        "nudging:dismiss",
        WRITE,
        (WHO,),
        (Option("--key", "key", "Dismiss one nudge by its full key.", short="-k", metavar="KEY"),),
        WHO_MORE,
    ),
    Command(
        "unsnooze",
        "Take back a snooze: the nudge comes back from today.",
        ("kinship unsnooze 7f3a", "kinship unsnooze ana"),
        "nudging:unsnooze",
        WRITE,
        (WHO,),
        (Option("--key", "key", "Name the nudge by its full key.", short="-k", metavar="KEY"),),
        "WHO is a handle or key from `kinship nudges --hidden`, or a contact's name.",
    ),
    Command(
        "undismiss",
        "Take back a dismissal: the nudge comes back from today.",
        ("kinship undismiss 7f3a", "kinship undismiss ana"),
        "nudging:undismiss",
        WRITE,
        (WHO,),
        (Option("--key", "key", "Name the nudge by its full key.", short="-k", metavar="KEY"),),
        "WHO is a handle or key from `kinship nudges --hidden`, or a contact's name.",
    ),
    Command(
        "groups",
        "List the group activities: how often they meet, when last, their rhythm and who you met there.",
        ("kinship groups", "kinship groups --json"),
        "nudging:groups",
        READ,
        (),
        (AS_OF, JSON),
    ),
)
