"""Every command as data: its options and their types, help, examples, handler and store use.

The fast parser (``parse.py``), the typer app (``app.py``), the runner (``run.py``), the
pre-rendered help and the docs test all read this one table, so nothing is declared twice.
Imports nothing from kinship and nothing heavy: ``kinship log`` reads it on every run.

``store`` says how the runner opens the database for the command:

- ``write``: created when missing, and removed again when the command fails;
- ``read``: never created; an explicitly named missing database is exit 5, the default
  location with no database yet reads as empty;
- ``read-never-create``: must already exist (exit 5 otherwise), never migrated by a reader;
- ``none``: the command does not open the database itself.
"""

from __future__ import annotations

from typing import NamedTuple

WRITE = "write"
READ = "read"
EXISTING = "read-never-create"
NONE = "none"

CHANNELS = ("in-person", "call", "video", "message", "email", "social")
CIRCLES = ("family", "friends", "colleagues", "community")


class Option(NamedTuple):
    """One ``--option``: ``kind`` is text, int, flag or texts (repeatable text)."""

    flag: str
    dest: str
    help: str
    kind: str = "text"
    short: str | None = None
    metavar: str = "TEXT"
    default: str | int | bool | None = None
    low: int | None = None
    high: int | None = None
    complete: str | None = None  # names, channels, circles


class Argument(NamedTuple):
    """One positional argument (``many``: any number of them)."""

    dest: str
    metavar: str
    help: str
    many: bool = False
    required: bool = True
    complete: str | None = None


class Command(NamedTuple):
    """One command: ``name`` is ``log`` or ``db path``; ``handler`` is ``module:function``."""

    name: str
    help: str
    examples: tuple[str, ...]
    handler: str
    store: str
    arguments: tuple[Argument, ...] = ()
    options: tuple[Option, ...] = ()
    more: str = ""


ROOT_HELP = "Keep your relationships alive: log who you see and talk to, and get kind nudges."
ROOT_EXAMPLES = (
    "kinship add 'Ana Lima' --circle friends --every 2w",
    "kinship log ana --via call",
    "kinship review",
)

# ---- options shared by several commands -------------------------------------------------------

JSON = Option("--json", "json", "Print JSON instead of text.", kind="flag", default=False)
YES = Option("--yes", "yes", "Do not ask for confirmation.", kind="flag", short="-y", default=False)
CIRCLE = Option(
    "--circle",
    "circle",
    "The kind of tie: family, friends, colleagues or community (none clears it).",
    short="-c",
    metavar="CIRCLE",
    complete="circles",
)
EVERY = Option("--every", "every", "The rhythm you wish for: 3d, 2w, 1mo or 1y.", short="-e", metavar="DUR")
ALIAS = Option("--alias", "alias", "Another name (repeatable).", kind="texts", short="-a", metavar="ALIAS")
TAG = Option("--tag", "tag", "A tag (repeatable).", kind="texts", short="-t", metavar="TAG")
BIRTHDAY = Option(
    "--birthday", "birthday", "YYYY-MM-DD, or --MM-DD without a year.", short="-b", metavar="DATE"
)
EMAIL = Option("--email", "email", "An email address (repeatable).", kind="texts", metavar="EMAIL")
PHONE = Option("--phone", "phone", "A phone number (repeatable).", kind="texts", metavar="PHONE")
NOTE = Option("--note", "note", "A note.", short="-n")
WHEN = Option(
    "--when",
    "when",
    "When it happened, e.g. 'yesterday 7pm', friday, '2h ago' or '2026-11-20 18:30'.",
    short="-w",
    metavar="WHEN",
)
MINUTES = Option("--minutes", "minutes", "How long it lasted, in minutes.", kind="int", metavar="N", low=0)
FEEL = Option(
    "--feel",
    "feel",
    "How it felt, from 1 (draining) to 5 (wonderful).",
    kind="int",
    metavar="N",
    low=1,
    high=5,
)
GROUP = Option(
    "--group", "group", "A group activity, e.g. 'book club' or volunteering.", short="-g", metavar="LABEL"
)
NEW = Option("--new", "new", "Create names that are not contacts yet.", kind="flag", default=False)
AS_OF = Option("--as-of", "as_of", "As at the end of this day (default: today).", metavar="DATE")
VIA_HELP = (
    "How: in-person (face to face), call, video, message, email or social;"
    " everyday words like phone, text, whatsapp, zoom or irl work too."
)

NAME = Argument("name", "NAME", "A contact: full name, alias, or a unique prefix.", complete="names")
CONTACT_OPTIONS = (CIRCLE, EVERY, ALIAS, TAG, BIRTHDAY, EMAIL, PHONE, NOTE)

COMMANDS: tuple[Command, ...] = (
    # ---- contacts ----------------------------------------------------------------------------
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
        ("kinship merge 'Ana Lima' 'Ana L.'",),
        "contacts:merge",
        WRITE,
        (
            Argument("keep", "KEEP", "The contact to keep.", complete="names"),
            Argument("duplicate", "DUPLICATE", "The duplicate to fold in.", complete="names"),
        ),
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
    # ---- interactions ------------------------------------------------------------------------
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
        ("kinship unlog 3f9a1c",),
        "interactions:unlog",
        WRITE,
        (Argument("interaction_id", "ID", "An id from `kinship history` (6 or more characters)."),),
    ),
    # ---- reading -----------------------------------------------------------------------------
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
        "Show one contact: details, rhythm, and a timeline of interactions.",
        ("kinship show ana --json",),
        "reading:show",
        READ,
        (NAME,),
        (JSON,),
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
    # ---- nudges, review, reminders -------------------------------------------------------------
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
    # ---- files -------------------------------------------------------------------------------
    Command(
        "import",
        "Import contacts (vCard, Google, Outlook, LinkedIn CSV) and interactions (calendars, chats); all or nothing.",
        (
            "kinship import contacts.vcf",
            "kinship import 'WhatsApp Chat with Ana.txt' --me 'Sam'",
            "kinship import calendar.ics --dry-run",
        ),
        "files:import_files",
        WRITE,
        (Argument("files", "FILE...", "Exported files to read.", many=True),),
        (
            Option(
                "--format",
                "format",
                "One of vcard, google-csv, outlook-csv, linkedin-csv, ics, whatsapp, telegram, sms-xml or json.",
                short="-f",
                metavar="FORMAT",
            ),
            Option("--me", "me", "Your own name as the chat shows it (else config `me`).", metavar="NAME"),
            Option(
                "--new",
                "new",
                "Add calendar attendees and group-chat people who are not contacts.",
                kind="flag",
                default=False,
            ),
            Option(
                "--dry-run", "dry_run", "Show what would change; write nothing.", kind="flag", default=False
            ),
            JSON,
        ),
        "Message bodies and event titles are never stored. Re-importing a file changes nothing."
        " The summary (and --json) says what was created, matched and added, and what was left out and why.",
    ),
    Command(
        "export",
        "Export everything: JSON (lossless, re-imports to the same state) or CSV of interactions.",
        ("kinship export -o kinship-backup.json", "kinship export --format csv -o interactions.csv"),
        "files:export",
        READ,
        (),
        (
            Option(
                "--format",
                "format",
                "json (everything, re-imports losslessly) or csv.",
                short="-f",
                metavar="FORMAT",
                default="json",
            ),
            Option("--output", "output", "Write here (0600) instead of stdout.", short="-o", metavar="FILE"),
        ),
    ),
    # ---- setup -------------------------------------------------------------------------------
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

GROUPS = {"db": "Where the database is, its schema state, integrity checks and backups."}

BY_NAME: dict[str, Command] = {command.name: command for command in COMMANDS}


def find(words: list[str]) -> tuple[Command, int] | None:
    """Return the command the leading ``words`` name and how many words its name took."""
    if len(words) >= 2 and f"{words[0]} {words[1]}" in BY_NAME:
        return BY_NAME[f"{words[0]} {words[1]}"], 2
    if words and words[0] in BY_NAME:
        return BY_NAME[words[0]], 1
    return None
