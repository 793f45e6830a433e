"""The typer app: each command parses its options, calls one action, and renders the result.

typer 0.28 is pinned on purpose: 0.29 imports pydantic on every command (about 14x the start-up
of a bare ``python``), 0.28 about 6x. ``rich_markup_mode=None`` keeps rich off help and errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kinship import __version__
from kinship.cli.lazy import KinshipGroup

if TYPE_CHECKING:  # imported inside the commands, so `kinship --help` stays fast
    from kinship.cli.context import Environment
    from kinship.models import Channel

CHANNEL_NAMES = ("in-person", "call", "video", "message", "email", "social")

APP_SETTINGS: dict[str, Any] = {
    "name": "kinship",
    "cls": KinshipGroup,
    "rich_markup_mode": None,
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**APP_SETTINGS)
db_app = typer.Typer(
    help="Where the database is, its schema state, integrity checks and backups.",
    rich_markup_mode=None,
    no_args_is_help=True,
)
app.add_typer(
    db_app, name="db", help="Where the database is, its schema state, integrity checks and backups."
)


def _environment(ctx: typer.Context) -> Environment:
    from kinship.cli.context import load_environment

    obj = ctx.find_root().obj
    db_option = obj.get("db") if isinstance(obj, dict) else None
    return load_environment(db_option)


def complete_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: contact names (and aliases) starting with what was typed."""
    try:
        environment = _environment(ctx)
        if not environment.db_path.exists():
            return []
        store = environment.open(create=False)
        try:
            entries = store.name_entries()
        finally:
            store.close()
    except Exception:  # completion must never print a traceback into the shell
        return []
    return completions(incomplete, [name for entry in entries for name in (entry.name, *entry.aliases)])


def completions(incomplete: str, names: list[str]) -> list[str]:
    """Return the names that start with ``incomplete`` ignoring case and accents.

    typer keeps only candidates that start with exactly what was typed, so each one keeps the
    typed letters and completes the rest ("ana" -> "ana Lima"): names resolve case- and
    accent-insensitively, so the completed text finds the contact.
    """
    from kinship.keys import name_key

    wanted = name_key(incomplete)
    found = []
    for name in names:
        head = name[: len(incomplete)]
        if name_key(head) == wanted and name_key(name).startswith(wanted):
            found.append(incomplete + name[len(incomplete) :])
    return found


def _version(value: bool) -> None:
    if value:
        print(f"kinship {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH", help="Database file (else KINSHIP_DB, config, default)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Keep your relationships alive: log who you see and talk to, and get kind nudges.

    \b
    Examples:
      kinship add 'Ana Lima' --circle friends --every 2w
      kinship log ana --via call
      kinship review
    """
    ctx.obj = {"db": db}


# ---- shared option types --------------------------------------------------------------------

NameArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="A contact: full name, alias, or a unique prefix.", autocompletion=complete_names
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CircleOpt = Annotated[
    str | None, typer.Option("--circle", "-c", help="family, friends, colleagues, community (or none).")
]
EveryOpt = Annotated[
    str | None, typer.Option("--every", "-e", metavar="DUR", help="Wished-for rhythm: 3d, 2w, 1mo.")
]
AliasOpt = Annotated[list[str] | None, typer.Option("--alias", "-a", help="Another name (repeatable).")]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag (repeatable).")]
BirthdayOpt = Annotated[
    str | None,
    typer.Option("--birthday", "-b", metavar="DATE", help="YYYY-MM-DD, or --MM-DD without a year."),
]
EmailOpt = Annotated[list[str] | None, typer.Option("--email", help="An email address (repeatable).")]
PhoneOpt = Annotated[list[str] | None, typer.Option("--phone", help="A phone number (repeatable).")]
NoteOpt = Annotated[str | None, typer.Option("--note", "-n", help="A note.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _every(text: str | None) -> int | None:
    from kinship.dates import parse_duration

    return None if text is None else parse_duration(text)


def _birthday(text: str | None) -> str | None:
    from kinship.dates import parse_birthday

    return None if text is None else parse_birthday(text)


def _print_contact(environment: Environment, verb: str, contact_name: str) -> None:
    print(f"{verb} {contact_name}")


def _confirm(environment: Environment, question: str, yes: bool) -> None:
    """Ask on a terminal; without a terminal, require --yes."""
    from kinship.errors import UsageError

    if yes:
        return
    if not environment.stdin_terminal:
        raise UsageError(
            f"{question.rstrip('?')} needs confirmation", "pass --yes to confirm without a terminal"
        )
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise typer.Exit(1)


# ---- contacts -------------------------------------------------------------------------------


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The contact's full name.")],
    circle: CircleOpt = None,
    every: EveryOpt = None,
    alias: AliasOpt = None,
    tag: TagOpt = None,
    birthday: BirthdayOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    note: NoteOpt = None,
) -> None:
    """Add a contact.

    \b
    Example:
      kinship add 'Ana Lima' --circle friends --every 2w --alias ana --birthday 1990-11-06
    """

    from kinship import actions
    from kinship.actions import ContactChanges

    environment = _environment(ctx)
    changes = ContactChanges(
        name=name,
        circle=circle,
        every_days=_every(every),
        birthday=_birthday(birthday),
        note=note,
        aliases=tuple(alias or ()),
        tags=tuple(tag or ()),
        emails=tuple(email or ()),
        phones=tuple(phone or ()),
    )
    actions.check_circle(circle)
    store = environment.open()
    try:
        contact = actions.add_contact(store, environment.now, changes)
    finally:
        store.close()
    _print_contact(environment, "Added", contact.name)


@app.command()
def edit(
    ctx: typer.Context,
    name: NameArg,
    new_name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    circle: CircleOpt = None,
    every: EveryOpt = None,
    alias: AliasOpt = None,
    tag: TagOpt = None,
    birthday: BirthdayOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    note: NoteOpt = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")] = None,
    unalias: Annotated[
        list[str] | None, typer.Option("--unalias", help="Remove an alias (repeatable).")
    ] = None,
    unemail: Annotated[
        list[str] | None, typer.Option("--unemail", help="Remove an email (repeatable).")
    ] = None,
    unphone: Annotated[
        list[str] | None, typer.Option("--unphone", help="Remove a phone (repeatable).")
    ] = None,
    no_every: Annotated[bool, typer.Option("--no-every", help="Forget the explicit rhythm.")] = False,
) -> None:
    """Change a contact: --tag/--alias/--email/--phone add, --un... remove.

    \b
    Example:
      kinship edit ana --circle family --every 1w --tag climbing --unalias annie
    """

    from kinship import actions
    from kinship.actions import ContactChanges
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    clear_circle = circle is not None and circle.strip().lower() in ("", "none")
    changes = ContactChanges(
        name=new_name,
        circle=None if clear_circle else circle,
        clear_circle=clear_circle,
        every_days=_every(every),
        clear_every=no_every,
        birthday=None if birthday is None else ("" if birthday.lower() == "none" else _birthday(birthday)),
        note=note,
        aliases=tuple(alias or ()),
        tags=tuple(tag or ()),
        emails=tuple(email or ()),
        phones=tuple(phone or ()),
        remove_aliases=tuple(unalias or ()),
        remove_tags=tuple(untag or ()),
        remove_emails=tuple(unemail or ()),
        remove_phones=tuple(unphone or ()),
    )
    store = environment.open()
    try:
        contact = actions.edit_contact(
            store, name, changes, terminal_chooser(environment), today=environment.now.date()
        )
    finally:
        store.close()
    _print_contact(environment, "Updated", contact.name)


@app.command()
def archive(ctx: typer.Context, name: NameArg) -> None:
    """Archive a contact: kept, but never nudged.

    \b
    Example:
      kinship archive 'Old Colleague'
    """

    from kinship import actions
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    store = environment.open()
    try:
        contact = actions.set_archived(store, name, True, terminal_chooser(environment))
    finally:
        store.close()
    _print_contact(environment, "Archived", contact.name)


@app.command()
def unarchive(ctx: typer.Context, name: NameArg) -> None:
    """Bring an archived contact back.

    \b
    Example:
      kinship unarchive 'Old Colleague'
    """

    from kinship import actions
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    store = environment.open()
    try:
        contact = actions.set_archived(store, name, False, terminal_chooser(environment))
    finally:
        store.close()
    _print_contact(environment, "Unarchived", contact.name)


@app.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[
        str, typer.Argument(metavar="KEEP", help="The contact to keep.", autocompletion=complete_names)
    ],
    duplicate: Annotated[
        str,
        typer.Argument(metavar="DUPLICATE", help="The duplicate to fold in.", autocompletion=complete_names),
    ],
) -> None:
    """Merge a duplicate contact into another, moving all interactions and source ids.

    \b
    Example:
      kinship merge 'Ana Lima' 'Ana L.'
    """

    from kinship import actions
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    store = environment.open()
    try:
        contact = actions.merge_contacts(store, keep, duplicate, terminal_chooser(environment))
    finally:
        store.close()
    _print_contact(environment, "Merged into", contact.name)


@app.command()
def forget(ctx: typer.Context, name: NameArg, yes: YesOpt = False) -> None:
    """Delete a contact for good, with the interactions they were the only person in.

    \b
    Example:
      kinship forget 'Wrong Person' --yes
    """

    from kinship import actions
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    store = environment.open()
    try:
        contact = actions.find_contact(store, name, terminal_chooser(environment))
        _confirm(environment, f"Forget {contact.name} and their one-person interactions for good?", yes)
        forgotten, removed = actions.forget_contact(store, contact.id)
    finally:
        store.close()
    print(f"Forgot {forgotten.name} and {removed} interaction{'s' if removed != 1 else ''}")


# ---- interactions ---------------------------------------------------------------------------

ViaOpt = Annotated[
    str,
    typer.Option("--via", "-v", help="in-person (face to face), call, video, message, email, social."),
]


def _channel(text: str) -> Channel:
    from kinship.errors import UsageError
    from kinship.models import Channel

    try:
        return Channel(text.strip().lower())
    except ValueError as exc:
        raise UsageError(f"unknown channel {text!r}", f"use one of: {', '.join(CHANNEL_NAMES)}") from exc


WhenOpt = Annotated[
    str | None, typer.Option("--when", "-w", help="e.g. 'yesterday 7pm', friday, '2h ago', 2026-11-20 18:30.")
]
MinutesOpt = Annotated[int | None, typer.Option("--minutes", help="How long it lasted.", min=0)]
FeelOpt = Annotated[
    int | None, typer.Option("--feel", help="How it felt, 1 (draining) to 5 (wonderful).", min=1, max=5)
]
GroupOpt = Annotated[
    str | None, typer.Option("--group", "-g", help="A group activity: book club, volunteering...")
]
NewOpt = Annotated[bool, typer.Option("--new", help="Create names that are not contacts yet.")]


def _ask_who(environment: Environment) -> tuple[list[str], Channel]:
    """Ask on a terminal who the interaction was with and how."""
    from kinship.errors import UsageError

    if not environment.stdin_terminal:
        raise UsageError("name at least one person, or a --group activity", "e.g. kinship log ana --via call")
    sys.stderr.write("Who did you see or talk to? (names separated by commas) ")
    sys.stderr.flush()
    names = [part.strip() for part in sys.stdin.readline().split(",") if part.strip()]
    if not names:
        raise UsageError("nobody named; nothing was logged", "e.g. kinship log ana --via call")
    sys.stderr.write(f"How? ({', '.join(CHANNEL_NAMES)}) [in-person] ")
    sys.stderr.flush()
    return names, _channel(sys.stdin.readline().strip() or "in-person")


@app.command()
def log(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(metavar="NAME...", help="Who it was with.", autocompletion=complete_names),
    ] = None,
    via: ViaOpt = "in-person",
    when: WhenOpt = None,
    minutes: MinutesOpt = None,
    note: NoteOpt = None,
    feel: FeelOpt = None,
    group: GroupOpt = None,
    new: NewOpt = False,
) -> None:
    """Record one interaction with one or more people.

    \b
    Examples:
      kinship log ana                         (in person, now)
      kinship log ana ben --via video --when 'yesterday 7pm' --minutes 40
      kinship log --group 'book club'         (a group activity, no names needed)
    """
    from kinship.actions import LogRequest
    from kinship.cli.shared import run_log

    environment = _environment(ctx)
    people = list(names or [])
    channel = _channel(via)
    if not people and not group:
        people, channel = _ask_who(environment)
    request = LogRequest(
        names=tuple(people),
        channel=channel,
        when_text=when,
        minutes=minutes,
        note=note,
        feel=feel,
        group=group,
        create_new=new,
    )
    raise typer.Exit(run_log(environment, request))


@app.command()
def undo(ctx: typer.Context, yes: YesOpt = False) -> None:
    """Remove the interaction the last `kinship log` recorded.

    \b
    Example:
      kinship undo --yes
    """

    from kinship import actions
    from kinship.render import describe_interaction

    environment = _environment(ctx)
    store = environment.open()
    try:
        last = actions.last_logged(store)
        _confirm(environment, f"Remove {describe_interaction(last)}?", yes)
        removed = actions.undo_last(store, expected_id=last.id)
    finally:
        store.close()
    print(f"Removed {describe_interaction(removed)}")


@app.command()
def amend(
    ctx: typer.Context,
    interaction_id: Annotated[
        str, typer.Argument(metavar="ID", help="An id from `kinship history` (6+ chars).")
    ],
    via: Annotated[
        str | None, typer.Option("--via", "-v", help="in-person, call, video, message, email, social.")
    ] = None,
    when: WhenOpt = None,
    minutes: MinutesOpt = None,
    note: NoteOpt = None,
    feel: FeelOpt = None,
    group: GroupOpt = None,
    new: NewOpt = False,
    add_names: Annotated[
        list[str] | None,
        typer.Option("--add", help="Add a person (repeatable).", autocompletion=complete_names),
    ] = None,
    remove_names: Annotated[
        list[str] | None,
        typer.Option("--remove", help="Remove a person (repeatable).", autocompletion=complete_names),
    ] = None,
) -> None:
    """Correct one interaction by its id.

    \b
    Example:
      kinship amend 3f9a1c --via video --add ben --when 'yesterday 8pm'
    """
    from kinship.render import describe_interaction

    environment = _environment(ctx)
    from kinship import actions
    from kinship.actions import LogRequest
    from kinship.cli.shared import terminal_chooser

    request = LogRequest(
        channel=_channel(via or "in-person"),
        when_text=when,
        minutes=minutes,
        note=note,
        feel=feel,
        group=group,
        create_new=new,
    )
    store = environment.open()
    try:
        changed = actions.amend_interaction(
            store,
            environment.now,
            environment.zone,
            interaction_id,
            request,
            channel_given=via is not None,
            add=tuple(add_names or ()),
            remove=tuple(remove_names or ()),
            choose=terminal_chooser(environment),
        )
    finally:
        store.close()
    print(f"Amended {describe_interaction(changed)}  (id {changed.id[:8]})")


@app.command()
def unlog(
    ctx: typer.Context,
    interaction_id: Annotated[
        str, typer.Argument(metavar="ID", help="An id from `kinship history` (6+ chars).")
    ],
) -> None:
    """Remove one interaction by its id.

    \b
    Example:
      kinship unlog 3f9a1c
    """

    from kinship import actions
    from kinship.render import describe_interaction

    environment = _environment(ctx)
    store = environment.open()
    try:
        removed = actions.unlog_interaction(store, interaction_id)
    finally:
        store.close()
    print(f"Removed {describe_interaction(removed)}")


# ---- reading --------------------------------------------------------------------------------


def _as_of_day(environment: Environment, as_of: str | None) -> Any:
    from kinship.cli.shared import as_of_day

    return as_of_day(environment, as_of)


@app.command()
def people(
    ctx: typer.Context,
    circle: CircleOpt = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only contacts with this tag.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """List contacts with last contact, last face-to-face, rhythm and status.

    \b
    Example:
      kinship people --circle friends
    """

    from kinship.cli.shared import run_people

    raise typer.Exit(run_people(_environment(ctx), circle, tag, json_output))


@app.command()
def show(ctx: typer.Context, name: NameArg, json_output: JsonOpt = False) -> None:
    """Show one contact: details, rhythm, and a timeline of interactions.

    \b
    Example:
      kinship show ana --json
    """

    from kinship import actions, render
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    store = environment.open_for_reading()
    try:
        row, timeline = actions.show_contact(
            store, environment.settings, environment.now.date(), name, terminal_chooser(environment)
        )
    finally:
        store.close()
    if json_output:
        result = render.person_json(row)
        result["interactions"] = [render.interaction_json(item) for item in timeline]
        print(render.dumps(result))
        return
    width = max(len(label) for label, _ in render.contact_details(row))
    for label, value in render.contact_details(row):
        print(f"{label.ljust(width)}  {value}")
    print()
    if timeline:
        header, cells = render.history_rows(timeline)
        render.print_table(header, cells, rich_output=environment.color, title="Timeline")
    else:
        print(f"No interactions yet. Log one with: kinship log '{row.contact.name}'")


@app.command()
def history(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="Only this contact.", autocompletion=complete_names)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", "-s", help="From this time: 2w ago, 2026-11-01.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-l", help="At most this many (default 20 in a table).")
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """List interactions, newest first (with --json: all of them unless filtered).

    \b
    Example:
      kinship history ana --since '2w ago'
    """

    from kinship import actions, render
    from kinship.cli.shared import terminal_chooser

    environment = _environment(ctx)
    effective_limit = limit if (limit is not None or json_output or since is not None) else 20
    store = environment.open_for_reading()
    try:
        found = actions.history(
            store,
            environment.now,
            environment.zone,
            name=name,
            since_text=since,
            limit=effective_limit,
            choose=terminal_chooser(environment),
        )
    finally:
        store.close()
    if json_output:
        print(render.dumps([render.interaction_json(item) for item in found]))
        return
    if not found:
        print("No interactions yet. Log one with: kinship log ana")
        return
    header, cells = render.history_rows(found)
    render.print_table(header, cells, rich_output=environment.color)


# ---- nudges, review, reminders ----------------------------------------------------------------

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="As at the end of this day (default today).")
]


@app.command()
def nudges(ctx: typer.Context, as_of: AsOfOpt = None, json_output: JsonOpt = False) -> None:
    """Show the nudges in force: fading ties, online-only ties, crowded weeks, isolation, birthdays.

    \b
    Example:
      kinship nudges --as-of 2026-11-01 --json
    """
    from kinship.cli.shared import run_nudges

    raise typer.Exit(run_nudges(_environment(ctx), as_of, json_output))


@app.command()
def review(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", metavar="ISOWEEK", help="e.g. 2026-W47.")] = None,
    as_of: AsOfOpt = None,
    json_output: JsonOpt = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown (for a journal or an email).")
    ] = False,
) -> None:
    """The weekly review: face to face vs digital, people, trend, and a suggestion or two.

    Default: the most recent week that has ended (on a Sunday, the week ending today).

    \b
    Examples:
      kinship review
      kinship review --week 2026-W47 --markdown > week47.md
    """
    from kinship.cli.shared import run_review

    raise typer.Exit(run_review(_environment(ctx), week, as_of, json_output, markdown))


@app.command()
def remind(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    notify: Annotated[
        bool, typer.Option("--notify", help="Send a desktop notification (falls back to printing).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; record nothing.")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """For cron: print the nudges that are due and were not reminded in the last 7 days.

    Prints nothing when nothing is due. A missing or broken database is an error (cron mails it).

    \b
    Example (crontab, see `kinship cron`):
      0 8 * * * /home/me/.local/bin/kinship --db /home/me/.local/share/kinship/kinship.db remind
    """
    from kinship.cli.shared import run_remind

    raise typer.Exit(run_remind(_environment(ctx), as_of, notify, dry_run, json_output))


@app.command()
def snooze(
    ctx: typer.Context,
    args: Annotated[
        list[str], typer.Argument(metavar="[NAME] DUR", help="Who (or --key) and for how long: 3d, 2w, 1mo.")
    ],
    key: Annotated[
        str | None, typer.Option("--key", "-k", help="Snooze one nudge by its key instead.")
    ] = None,
) -> None:
    """Quiet a contact's nudges (or one nudge by --key) for a while.

    \b
    Examples:
      kinship snooze ana 2w
      kinship snooze --key crowded_week:2026-W47 1w
    """
    from kinship import actions
    from kinship.cli.shared import terminal_chooser
    from kinship.dates import parse_duration
    from kinship.errors import UsageError

    environment = _environment(ctx)
    if key is None and len(args) != 2:
        raise UsageError("snooze needs a NAME and a DUR", "e.g. kinship snooze ana 2w")
    if key is not None and len(args) != 1:
        raise UsageError(
            "snooze --key KEY needs just a DUR", "e.g. kinship snooze --key crowded_week:2026-W47 1w"
        )
    days = parse_duration(args[-1])
    store = environment.open()
    try:
        what, until = actions.snooze(
            store,
            environment.now,
            days,
            name=args[0] if key is None else None,
            key=key,
            choose=terminal_chooser(environment),
        )
    finally:
        store.close()
    print(f"Snoozed {what} until {until.isoformat()}")


@app.command()
def dismiss(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="A nudge key from `kinship nudges --json`.")],
) -> None:
    """Dismiss one nudge for good (the next episode, e.g. a later fading spell, comes back).

    \b
    Example:
      kinship dismiss crowded_week:2026-W47
    """
    from kinship import actions

    environment = _environment(ctx)
    store = environment.open()
    try:
        clean = actions.dismiss(store, environment.now, key)
    finally:
        store.close()
    print(f"Dismissed {clean}")


@app.command()
def demo(
    ctx: typer.Context,
    keep: Annotated[
        str | None, typer.Option("--keep", metavar="PATH", help="Write the demo database here.")
    ] = None,
) -> None:
    """Build a realistic sample year in a temporary database and show the review and the nudges.

    Your own database is never touched.

    \b
    Example:
      kinship demo
    """
    import tempfile

    from kinship import actions, render
    from kinship import review as weekly
    from kinship.errors import UsageError
    from kinship.store import open_store

    environment = _environment(ctx)
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
    print(f"A sample year: 10 people, {count} interactions, in {path}\n")
    print(weekly.review_text(result))
    print()
    print("Nudges today")
    print("------------")
    print(render.nudges_text(found))
    print()
    print(f"Explore it: kinship --db {path} people   (your own data is untouched)")


@app.command()
def cron(ctx: typer.Context) -> None:
    """Print a ready crontab line (absolute paths: cron's PATH lacks ~/.local/bin), and a systemd timer.

    \b
    Example:
      kinship cron      # then: crontab -e, and paste the line
    """
    import shlex
    import shutil

    environment = _environment(ctx)
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
    config = environment.env.get("KINSHIP_CONFIG")
    env_prefix = [f"KINSHIP_CONFIG={environment.config_path.absolute()}"] if config else []
    zone = environment.env.get("TZ")
    if zone and not environment.settings.timezone:  # cron's day must be the user's day
        env_prefix.append(f"TZ={zone}")
    args = [*launcher, "--db", str(environment.db_path.absolute()), "remind"]
    # crontab turns an unescaped % into a newline; systemd reads % as a specifier
    cron_line = shlex.join([*env_prefix, *args]).replace("%", "\\%")
    print("# kinship: a morning reminder at 08:00. Add it with `crontab -e`.")
    print("# cron mails any output to you (set MAILTO=you@example.org above the line).")
    print(f"0 8 * * * {cron_line}")
    print()
    print("# Or, with systemd: ~/.config/systemd/user/kinship-remind.service")
    print("[Unit]\nDescription=kinship reminders\n\n[Service]\nType=oneshot")
    for assignment in env_prefix:
        print(f"Environment={shlex.quote(assignment)}".replace("%", "%%"))
    print(f"ExecStart={shlex.join([*args, '--notify'])}".replace("%", "%%"))
    print()
    print("# ~/.config/systemd/user/kinship-remind.timer")
    print(
        "[Unit]\nDescription=kinship reminders every morning\n\n[Timer]\nOnCalendar=*-*-* 08:00\nPersistent=true"
    )
    print("\n[Install]\nWantedBy=timers.target")
    print("# then: systemctl --user daemon-reload && systemctl --user enable --now kinship-remind.timer")
    print("# docs/cron.md explains both, and how to test the line with cron's bare environment.")


# ---- import and export ----------------------------------------------------------------------


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Exported files to read.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="vcard, google-csv, ics, whatsapp, telegram, sms-xml, json."),
    ] = None,
    me: Annotated[
        str | None, typer.Option("--me", help="Your own name as the chat shows it (else config `me`).")
    ] = None,
    new: Annotated[
        bool, typer.Option("--new", help="Add calendar attendees and group-chat people who are not contacts.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """Import contacts (vCard, Google CSV) and interactions (calendars, chats); all or nothing.

    Message bodies and event titles are never stored. Re-importing a file changes nothing.

    \b
    Examples:
      kinship import contacts.vcf
      kinship import 'WhatsApp Chat with Ana.txt' --me 'Sam'
      kinship import calendar.ics --dry-run
    """
    from kinship import render, transfer

    environment = _environment(ctx)
    store = environment.open() if not dry_run else environment.open_for_reading()
    progress = None
    bar: Any = None
    if environment.color and not json_output:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("Importing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        bar.start()
    try:
        summary = transfer.import_files(
            store,
            environment.now,
            environment.zone,
            list(files),
            fmt=fmt,
            me=me or environment.settings.me,
            new=new,
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.stop()
        store.close()
    if json_output:
        print(render.dumps(summary.as_json()))
        return
    print("\n".join(summary.lines()))


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json (everything, re-imports losslessly) or csv.")
    ] = "json",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here (0600) instead of stdout."),
    ] = None,
) -> None:
    """Export everything: JSON (lossless, re-imports to the same state) or CSV of interactions.

    \b
    Examples:
      kinship export -o kinship-backup.json
      kinship export --format csv -o interactions.csv
    """
    from kinship import transfer
    from kinship.errors import UsageError

    if fmt not in ("json", "csv"):
        raise UsageError(f"unknown export format {fmt!r}", "use json or csv")
    environment = _environment(ctx)
    store = environment.open_for_reading()
    try:
        out = transfer.open_private(Path(output).expanduser()) if output else sys.stdout
        try:
            if fmt == "json":
                count = transfer.write_json_export(store, environment.now, out)
            else:
                count = transfer.write_csv_export(store, out)
        finally:
            if output:
                out.close()
    finally:
        store.close()
    if output:
        sys.stderr.write(f"Exported {count} interactions to {output}\n")


# ---- database and settings ------------------------------------------------------------------


@db_app.command("path")
def db_path(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Print where the database is (with --json: and why, and whether it exists).

    \b
    Example:
      kinship db path
    """
    environment = _environment(ctx)
    if json_output:
        from kinship import render

        facts = {
            "path": str(environment.db_path),
            "source": environment.db_source,
            "exists": environment.db_path.exists(),
        }
        print(render.dumps(facts))
        return
    print(environment.db_path)


@db_app.command("status")
def db_status(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Show the schema and migration state and the size of the database.

    \b
    Example:
      kinship db status
    """
    from kinship import render

    environment = _environment(ctx)
    store = environment.open(create=False, read_only=True)
    try:
        status = store.status()
    finally:
        store.close()
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
    if json_output:
        print(render.dumps(facts))
        return
    for label, value in facts.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        print(f"{label:<13} {shown if shown != '' else '-'}")


@db_app.command("check")
def db_check(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Run SQLite's integrity and foreign-key checks.

    \b
    Example:
      kinship db check
    """
    from kinship.errors import DataError

    environment = _environment(ctx)
    store = environment.open(create=False, read_only=True)
    try:
        problems = store.integrity_problems()
    finally:
        store.close()
    if json_output:
        from kinship import render

        print(render.dumps({"path": str(environment.db_path), "ok": not problems, "problems": problems}))
    if problems:
        raise DataError(
            f"{len(problems)} problem(s) found: {problems[0]}", "restore from a backup (kinship db backup)"
        )
    if not json_output:
        print(f"ok: {environment.db_path} passed the integrity check")


@db_app.command("backup")
def db_backup(
    ctx: typer.Context,
    target: Annotated[str | None, typer.Argument(metavar="[PATH]", help="Where to write the copy.")] = None,
) -> None:
    """Write a consistent copy of the database (safe while other commands run).

    \b
    Example:
      kinship db backup ~/kinship-2026-11-26.db
    """
    from kinship.store import backup_path_for

    environment = _environment(ctx)
    store = environment.open(create=False, read_only=True)
    try:
        path = Path(target).expanduser() if target else backup_path_for(environment.db_path, environment.now)
        store.backup_to(path)
    finally:
        store.close()
    print(f"Backed up to {path}")


@app.command()
def config(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Print the effective settings and where each came from.

    \b
    Example:
      kinship config
    """
    from kinship import render

    environment = _environment(ctx)
    settings = environment.settings
    rows: list[tuple[str, object, str]] = [("db", str(environment.db_path), environment.db_source)]
    for name in settings._fields:
        if name == "db":
            continue
        value = getattr(settings, name)
        if name == "circles":
            for circle, days in value.items():
                rows.append(
                    (f"circles.{circle}", days, environment.sources.get(f"circles.{circle}", "default"))
                )
            continue
        if name == "timezone" and value is None:
            rows.append(
                ("timezone", str(environment.zone), "env TZ" if environment.env.get("TZ") else "system")
            )
            continue
        rows.append((name, value, environment.sources[name]))
    rows.append(
        (
            "config_file",
            str(environment.config_path),
            "exists" if environment.config_path.exists() else "absent",
        )
    )
    if json_output:
        print(render.dumps({label: {"value": shown, "source": source} for label, shown, source in rows}))
        return
    width = max(len(name) for name, _, _ in rows)
    for label, shown, source in rows:
        print(f"{label.ljust(width)}  {'-' if shown is None else shown}  ({source})")


def run_app(args: list[str]) -> None:
    """Run the app on ``args``, building only the command that runs (see cli/lazy.py)."""
    from kinship.cli.lazy import LazyGroup, lazy_root

    settings = {**APP_SETTINGS, "cls": LazyGroup}
    lazy_root(app, root, **settings)(args=args, prog_name="kinship")
