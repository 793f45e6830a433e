"""Table entries: log, undo, amend, unlog (handlers in ``cli/commands/interactions.py``)."""

from __future__ import annotations

from kinship.cli.spec import (
    FEEL,
    GROUP,
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
        "Remove the interaction the last `kinship log` recorded.",
        ("kinship undo --yes",),
        "interactions:undo",
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
