"""Table entries: log, undo, redo, amend, unlog (handlers in ``cli/commands/interactions.py``;
undo and redo in ``cli/commands/history.py``)."""

from __future__ import annotations

from kinship.cli.spec import (
    FEEL,
    GROUP,
    JSON,
    MINUTES,
    NEW,
    NOTE,
    VIA_HELP,
    WHEN,
    WRITE,
    YES,
    Argument,
    Command,
    Option,
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "log",
        "Record one interaction with one or more people.",
        (
            "kinship log ana                         (in person, now)",
            "kinship log ana ben --via video --when 'yesterday 7pm' --minutes 40",
            "kinship log --group 'book club'         (a group activity, no names needed)",
        ),
        "interactions:log",
        WRITE,
        (Argument("names", "NAME...", "Who it was with.", many=True, required=False, complete="names"),),
        (
            Option(
                "--via",
                "via",
                VIA_HELP,
                short="-v",
                metavar="CHANNEL",
                default="in-person",
                complete="channels",
            ),
            WHEN,
            MINUTES,
            NOTE,
            FEEL,
            GROUP,
            NEW,
        ),
    ),
    Command(
        "undo",
        "Take back the last change of any kind; repeated, it steps further back.",
        ("kinship undo", "kinship undo --list", "kinship undo --yes"),
        "history:undo",
        WRITE,
        (),
        (
            Option(
                "--list", "list", "Show what undo would take back, newest first.", kind="flag", default=False
            ),
            JSON,
            YES,
        ),
        "Logs, amends, unlogs, edits, merges, forgets, snoozes, dismissals and whole imports can all be"
        " taken back; the journal keeps the last 1,000 changes or 90 days.",
    ),
    Command(
        "redo",
        "Put back what the last undo took, as long as nothing else changed since.",
        ("kinship redo", "kinship redo --yes"),
        "history:redo",
        WRITE,
        (),
        (YES,),
    ),
    Command(
        "amend",
        "Correct one interaction by its id.",
        ("kinship amend 3f9a1c --via video --add ben --when 'yesterday 8pm'",),
        "interactions:amend",
        WRITE,
        (Argument("interaction_id", "ID", "An id from `kinship history` (6 or more characters)."),),
        (
            Option("--via", "via", VIA_HELP, short="-v", metavar="CHANNEL", complete="channels"),
            WHEN,
            MINUTES,
            NOTE,
            FEEL,
            GROUP,
            NEW,
            Option(
                "--add", "add", "Add a person (repeatable).", kind="texts", metavar="NAME", complete="names"
            ),
            Option(
                "--remove",
                "remove",
                "Remove a person (repeatable).",
                kind="texts",
                metavar="NAME",
                complete="names",
            ),
        ),
    ),
    Command(
        "unlog",
        "Remove one interaction by its id.",
        ("kinship unlog 3f9a1c --yes",),
        "interactions:unlog",
        WRITE,
        (Argument("interaction_id", "ID", "An id from `kinship history` (6 or more characters)."),),
        (YES,),
    ),
)
