"""Table entries: add, edit, archive, unarchive, merge, forget (handlers in ``cli/commands/contacts.py``)."""

from __future__ import annotations

from kinship.cli.spec import (
    CONTACT_OPTIONS,
    NAME,
    WRITE,
    YES,
    Argument,
    Command,
    Option,
)

COMMANDS: tuple[Command, ...] = (
    Command(
        "add",
        "Add a contact.",
        ("kinship add 'Ana Lima' --circle friends --every 2w --alias ana --birthday 1990-11-06",),
        "contacts:add",
        WRITE,
        (Argument("name", "NAME", "The contact's full name."),),
        CONTACT_OPTIONS,
    ),
    Command(
        "edit",
        "Change a contact: --tag, --alias, --email and --phone add; --untag, --unalias, --unemail"
        " and --unphone remove.",
        ("kinship edit ana --circle family --every 1w --tag climbing --unalias annie",),
        "contacts:edit",
        WRITE,
        (NAME,),
        (
            Option("--name", "new_name", "A new name.", metavar="NAME"),
            *CONTACT_OPTIONS,
            Option("--untag", "untag", "Remove a tag (repeatable).", kind="texts", metavar="TAG"),
            Option("--unalias", "unalias", "Remove an alias (repeatable).", kind="texts", metavar="ALIAS"),
            Option("--unemail", "unemail", "Remove an email (repeatable).", kind="texts", metavar="EMAIL"),
            Option("--unphone", "unphone", "Remove a phone (repeatable).", kind="texts", metavar="PHONE"),
            Option("--no-every", "no_every", "Forget the wished-for rhythm.", kind="flag", default=False),
            Option(
                "--clear",
                "clear",
                "Empty a field: birthday, every, see-every, circle or note (repeatable).",
                kind="texts",
                metavar="FIELD",
            ),
        ),
    ),
    Command(
        "archive",
        "Archive a contact: kept, but never nudged.",
        ("kinship archive 'Old Colleague'",),
        "contacts:archive",
        WRITE,
        (NAME,),
    ),
    Command(
        "unarchive",
        "Bring an archived contact back.",
        ("kinship unarchive 'Old Colleague'",),
        "contacts:unarchive",
        WRITE,
        (NAME,),
    ),
    Command(
        "merge",
        "Merge a duplicate contact into another, moving all interactions and source ids.",
        ("kinship merge 'Ana Lima' 'Ana L.' --yes",),
        "contacts:merge",
        WRITE,
        (
            Argument("keep", "KEEP", "The contact to keep.", complete="names"),
            Argument("duplicate", "DUPLICATE", "The duplicate to fold in.", complete="names"),
        ),
        (YES,),
    ),
    Command(
        "forget",
        "Delete a contact for good, with the interactions they were the only person in.",
        ("kinship forget 'Wrong Person' --yes",),
        "contacts:forget",
        WRITE,
        (NAME,),
        (YES,),
    ),
)
