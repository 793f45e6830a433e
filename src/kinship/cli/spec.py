"""The vocabulary of the command table: its types, how a command opens the store, shared options.

The entries themselves are in ``cli/tables/`` (by topic) and ``cli/table.py`` joins them.
Imports nothing heavy (of kinship only the channel words): ``kinship log`` reads it on every run.

``store`` says how the runner opens the database for the command:

- ``write``: created when missing, and removed again when the command fails;
- ``read``: never created; an explicitly named missing database is exit 5, the default
  location with no database yet reads as empty;
- ``read-never-create``: must already exist (exit 5 otherwise), never migrated by a reader;
- ``none``: the command does not open the database itself.
"""

from __future__ import annotations

from kinship.channels import CHANNEL_NAMES
from kinship.lean import NamedTuple

WRITE = "write"
READ = "read"
EXISTING = "read-never-create"
NONE = "none"

CHANNELS = CHANNEL_NAMES  # one list of channels: kinship.channels
CIRCLES = ("family", "friends", "colleagues", "community")


class Option(NamedTuple):
    """One ``--option``: ``kind`` is text, int, flag or texts (repeatable text).

    ``low``/``high`` document an int's range; the action checks it (one message on both paths).
    """

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
WHO = Argument(
    "who",
    "WHO",
    "A nudge's handle (as `kinship nudges` prints it), its key, or a contact's name.",
    required=False,
)
WHO_MORE = (
    "WHO is tried as a handle (4 or more characters), then a full key, then a name (all that contact's"
    " nudges in force); one that matches no nudge in force is exit 3 and changes nothing."
)
SEE_EVERY = Option(
    "--see-every", "see_every", "How often you wish to meet in person: 2w, 1mo or 2mo.", metavar="DUR"
)
CONTACT_OPTIONS = (CIRCLE, EVERY, SEE_EVERY, ALIAS, TAG, BIRTHDAY, EMAIL, PHONE, NOTE)
