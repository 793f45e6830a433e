"""Table entries: people, show, history (handlers in ``cli/commands/reading.py``)."""

from __future__ import annotations

from kinship.cli.spec import CIRCLE, JSON, NAME, READ, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "people",
        "List contacts with last contact, last face-to-face, rhythm and status.",
        ("kinship people --circle friends",),
        "reading:people",
        READ,
        (),
        (CIRCLE, Option("--tag", "tag", "Only contacts with this tag.", short="-t", metavar="TAG"), JSON),
    ),
    Command(
        "show",
        "Show one contact: details, rhythm, and their latest interactions (20 unless --limit or --all).",
        ("kinship show ana", "kinship show ana --all --json"),
        "reading:show",
        READ,
        (NAME,),
        (
            Option(
                "--limit",
                "limit",
                "At most this many interactions in the timeline (default: 20).",
                kind="int",
                short="-l",
                metavar="N",
                low=1,
            ),
            Option("--all", "all", "Show the whole timeline.", kind="flag", default=False),
            JSON,
        ),
    ),
    Command(
        "history",
        "List interactions, newest first (with --json: all of them unless filtered).",
        ("kinship history ana --since '2w ago'",),
        "reading:history",
        READ,
        (Argument("name", "[NAME]", "Only this contact.", required=False, complete="names"),),
        (
            Option(
                "--since", "since", "From this time, e.g. '2w ago' or 2026-11-01.", short="-s", metavar="WHEN"
            ),
            Option(
                "--limit",
                "limit",
                "At most this many (default: 20 in a table).",
                kind="int",
                short="-l",
                metavar="N",
            ),
            JSON,
        ),
    ),
)
