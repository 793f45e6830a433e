"""One function per user action: each takes a store and "now", runs one transaction, returns models.

Nothing here reads the clock, the environment or the terminal; the CLI passes those in
(``choose`` callbacks ask on a terminal, before the write lock is taken).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Sequence

from kinship import dates, validate
from kinship.errors import AmbiguousError, NotFoundError, UsageError
from kinship.keys import match_key, name_key
from kinship.lean import TYPE_CHECKING, NamedTuple
from kinship.models import Channel, Contact, ContactRef, Interaction, Nudge, Settings
from kinship.store import NameEntry, Store

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kinship.engine import Board, Digest, Hidden
    from kinship.models import ContactSummary, GroupSummary, WeekCount
    from kinship.review import Review

Chooser = Callable[[str, Sequence[NameEntry]], NameEntry | None]
"""Asks the person which of several contacts they meant; None when nobody may be asked."""

LAST_LOG_KEY = "last_log"
MIN_ID_PREFIX = 6
MAX_LIMIT = 1_000_000_000
"""The largest ``--limit`` (beyond it SQLite's integers would overflow; nobody reads more)."""


# ---- names ------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return name_key(text).replace("-", " ").split()


def match_name(entries: Sequence[NameEntry], text: str) -> list[NameEntry]:
    """Return the contacts ``text`` names: id, exact name, then alias, then a unique prefix.

    Prefixes match the full name or any word of it; archived contacts match only by exact
    name or alias. Several results mean the text is ambiguous.
    """
    wanted = name_key(text)
    if not wanted:
        return []
    by_id = [entry for entry in entries if entry.uid == text.strip()]
    if by_id:  # the stable id `people --json` shows: for scripts, and for telling namesakes apart
        return by_id
    exact = [entry for entry in entries if name_key(entry.name) == wanted]
    if exact:
        return exact
    alias = [entry for entry in entries if any(name_key(a) == wanted for a in entry.aliases)]
    if alias:
        return alias
    live = [entry for entry in entries if not entry.archived]
    spaced = wanted.replace("-", " ")
    prefix = [
        entry
        for entry in live
        if name_key(entry.name).startswith(wanted)
        or name_key(entry.name).replace("-", " ").startswith(spaced)
        or any(word.startswith(wanted) for word in _words(entry.name))
        or any(name_key(a).startswith(wanted) for a in entry.aliases)
    ]
    return prefix


def resolve_name(entries: Sequence[NameEntry], text: str, choose: Chooser | None = None) -> NameEntry:
    """Return the one contact ``text`` names, or raise NotFoundError / AmbiguousError."""
    found = match_name(entries, text)
    if len(found) == 1:
        return found[0]
    if not found:
        names = {name_key(entry.name): entry.name for entry in entries}
        import difflib  # only on the error path

        close = difflib.get_close_matches(name_key(text), list(names), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(names[c] for c in close)}? " if close else ""
        raise NotFoundError(
            f"no contact matches {text!r}",
            f"{hint}add them with `kinship add`, or pass --new to create them while logging",
        )
    if choose is not None:
        chosen = choose(text, found)
        if chosen is not None:
            return chosen
    listing = ", ".join(entry.name for entry in found)
    raise AmbiguousError(
        f"{text!r} matches several contacts: {listing}",
        "type more of the name, or use the full name or an alias",
        candidates=tuple(entry.name for entry in found),
    )


def entries_for(store: Store, text: str) -> Sequence[NameEntry]:
    """Return the contacts ``text`` names exactly (id, name, alias) found through indexes, else all.

    ``match_name`` prefers an id, then an exact name, then an alias to any prefix, so an exact
    hit needs no other contact: ``kinship log`` then never folds every name in the log. Each hit
    is checked against the keys as computed now; without one, every contact is searched.
    """
    wanted = name_key(text)
    if wanted:
        uid = text.strip()
        found = [
            entry
            for entry in store.name_entries_matching(uid, wanted)
            if entry.uid == uid
            or name_key(entry.name) == wanted
            or any(name_key(a) == wanted for a in entry.aliases)
        ]
        if found:
            return found
    return store.name_entries()


def find_contact(store: Store, text: str, choose: Chooser | None = None) -> Contact:
    """Return the contact ``text`` names (read only)."""
    entry = resolve_name(entries_for(store, text), text, choose)
    return store.contact(entry.rowid)


# ---- contacts ---------------------------------------------------------------------------------


class ContactChanges(NamedTuple):
    """What ``add`` and ``edit`` may set; None leaves a field as it is."""

    name: str | None = None
    circle: str | None = None
    clear_circle: bool = False
    every_days: int | None = None
    clear_every: bool = False
    see_every_days: int | None = None
    clear_see_every: bool = False
    birthday: str | None = None
    note: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    remove_aliases: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    remove_emails: tuple[str, ...] = ()
    remove_phones: tuple[str, ...] = ()


def check_circle(circle: str | None) -> str | None:
    """Return the circle, or raise UsageError for one that is not one of the four kinds of tie."""
    return validate.circle(circle)


def _value_key(kind: str, value: str) -> str:
    key = match_key(kind, value)
    if kind == "phone" and not key:
        raise UsageError(f"{value!r} is not a phone number", "use digits, e.g. +49 30 1234567")
    return key


def _check_new_name(
    entries: Sequence[NameEntry], name: str, own_rowid: int | None = None, *, field: str = "name"
) -> str:
    clean = validate.alias(name, field) if field == "alias" else validate.name(name, field)
    key = name_key(clean)
    hint = "use another name, or `kinship edit` to change the existing contact"
    for entry in entries:
        if entry.rowid == own_rowid:
            continue
        if name_key(entry.name) == key:
            raise UsageError(f"{entry.name!r} already exists", hint)
        taken = next((a for a in entry.aliases if name_key(a) == key), None)
        if taken is not None:
            raise UsageError(f"{clean!r} is already an alias of {entry.name!r}", hint)
    return clean


_VALUE_RULES: dict[str, Callable[[object, str], str]] = {
    "alias": validate.alias,
    "tag": validate.tag,
    "email": validate.email,
    "phone": validate.phone,
}


def _apply_values(store: Store, rowid: int, changes: ContactChanges) -> None:
    additions = (
        ("alias", changes.aliases),
        ("tag", changes.tags),
        ("email", changes.emails),
        ("phone", changes.phones),
    )
    for kind, values in additions:
        for value in values:
            clean = _VALUE_RULES[kind](value, kind)
            store.add_value(rowid, kind, clean, _value_key(kind, clean))
    removals = (
        ("alias", changes.remove_aliases),
        ("tag", changes.remove_tags),
        ("email", changes.remove_emails),
        ("phone", changes.remove_phones),
    )
    for kind, values in removals:
        for value in values:
            if not store.remove_value(rowid, kind, _value_key(kind, value)):
                raise UsageError(f"{value!r} is not one of this contact's {kind}s", "see `kinship show NAME`")


def _checked(changes: ContactChanges, today: dt.date) -> ContactChanges:
    """Return ``changes`` with every value checked by the data rules (validate.py) and cleaned.

    An empty birthday or note stays empty: ``edit`` reads it as "clear it".
    """
    for kind, values in (
        ("alias", changes.aliases),
        ("tag", changes.tags),
        ("email", changes.emails),
        ("phone", changes.phones),
    ):
        for value in values:
            _VALUE_RULES[kind](value, kind)
    return changes._replace(
        circle=validate.circle(changes.circle),
        every_days=None if changes.every_days is None else validate.rhythm_days(changes.every_days),
        birthday=validate.birthday(changes.birthday, today) if changes.birthday else changes.birthday,
        note=validate.note(changes.note) if changes.note else changes.note,
    )


def _see_every(days: int | None) -> int | None:
    """Return a wished-for in-person rhythm checked against the rhythm rule (1 day to 10 years)."""
    if days is None:
        return None
    from kinship import validate

    return validate.rhythm_days(days, "see-every")


def add_contact(store: Store, now: dt.datetime, changes: ContactChanges) -> Contact:
    """Create a contact; refuse a name or alias that is already taken."""
    wanted = changes.name
    if wanted is None:
        raise UsageError("a contact needs a name", "e.g. kinship add 'Ana Lima'")
    changes = _checked(changes, now.date())
    with store.write():
        entries = store.name_entries()
        name = _check_new_name(entries, wanted)
        for alias in changes.aliases:
            _check_new_name(entries, alias, field="alias")
        rowid = store.insert_contact(
            name=name,
            name_key=name_key(name),
            created=now,
            circle=changes.circle,
            every_days=changes.every_days,
            birthday=changes.birthday or None,
            note=changes.note or None,
            see_every_days=_see_every(changes.see_every_days),
        )
        _apply_values(store, rowid, changes)
        return store.contact(rowid)


def edit_contact(
    store: Store,
    text: str,
    changes: ContactChanges,
    choose: Chooser | None = None,
    *,
    today: dt.date | None = None,
) -> Contact:
    """Change a contact: set fields, add or remove aliases, tags, emails and phones.

    ``today`` (the local today) bounds a birthday; without it only the year 9999 does.
    """
    changes = _checked(changes, dt.date.max if today is None else today)
    with store.write():
        entries = store.name_entries()
        entry = resolve_name(entries, text, choose)
        fields: dict[str, object] = {}
        if changes.name is not None:
            new_name = _check_new_name(entries, changes.name, entry.rowid)
            fields["name"] = new_name
            fields["name_key"] = name_key(new_name)
        for alias in changes.aliases:
            _check_new_name(entries, alias, entry.rowid, field="alias")
        if changes.clear_circle:
            fields["circle"] = None
        elif changes.circle is not None:
            fields["circle"] = changes.circle
        if changes.clear_every:
            fields["every_days"] = None
        elif changes.every_days is not None:
            fields["every_days"] = changes.every_days
        if changes.clear_see_every:
            fields["see_every_days"] = None
        elif changes.see_every_days is not None:
            fields["see_every_days"] = _see_every(changes.see_every_days)
        if changes.birthday is not None:
            fields["birthday"] = changes.birthday or None
        if changes.note is not None:
            fields["note"] = changes.note or None
        store.update_contact(entry.rowid, fields)
        _apply_values(store, entry.rowid, changes)
        return store.contact(entry.rowid)


def set_archived(store: Store, text: str, archived: bool, choose: Chooser | None = None) -> Contact:
    """Archive or unarchive a contact (archived contacts are never nudged)."""
    with store.write():
        entry = resolve_name(store.name_entries(), text, choose)
        store.update_contact(entry.rowid, {"archived": int(archived)})
        return store.contact(entry.rowid)


def interaction_count(store: Store, contact_id: str) -> int:
    """Return how many interactions a contact (by stable id) is in, without reading them."""
    with store.read():
        return store.interaction_count(contact_id)


def merge_contacts(
    store: Store, keep_text: str, duplicate_text: str, choose: Chooser | None = None
) -> Contact:
    """Fold the duplicate into the kept contact: interactions, values and source ids move over."""
    with store.write():
        entries = store.name_entries()
        keep = resolve_name(entries, keep_text, choose)
        duplicate = resolve_name(entries, duplicate_text, choose)
        if keep.rowid == duplicate.rowid:
            raise UsageError(
                f"{keep_text!r} and {duplicate_text!r} are the same contact", "name two contacts"
            )
        kept = store.contact(keep.rowid)
        dup = store.contact(duplicate.rowid)
        store.journal_note("m", [dup.id, kept.id, dup.name, kept.name])  # sync redirects the duplicate
        store.move_links(duplicate.rowid, keep.rowid)
        values = (
            ("alias", (dup.name, *dup.aliases)),
            ("tag", dup.tags),
            ("email", dup.emails),
            ("phone", dup.phones),
            ("source", dup.source_ids),
        )
        fields: dict[str, object] = {}
        for column in ("circle", "every_days", "birthday", "note", "see_every_days"):
            if getattr(kept, column) is None and getattr(dup, column) is not None:
                fields[column] = getattr(dup, column)
        store.delete_contact(duplicate.rowid)
        store.update_contact(keep.rowid, fields)
        for kind, items in values:
            for value in items:
                if kind == "alias" and name_key(value) == name_key(kept.name):
                    continue
                store.add_value(
                    keep.rowid, kind, value, value if kind == "source" else _value_key(kind, value)
                )
        return store.contact(keep.rowid)


def forget_contact(store: Store, uid: str) -> tuple[Contact, int]:
    """Delete a contact for good with their one-person interactions; return it and how many went."""
    with store.write():
        rowid = store.contact_rowid(uid)
        if rowid is None:
            raise NotFoundError("that contact no longer exists", "see `kinship people`")
        contact = store.contact(rowid)
        removed = store.delete_contact(rowid)
        return contact, removed


# ---- interactions -----------------------------------------------------------------------------


class LogRequest(NamedTuple):
    """What ``kinship log`` (and ``amend``) was asked to record."""

    names: tuple[str, ...] = ()
    channel: Channel = Channel.IN_PERSON
    when_text: str | None = None
    minutes: int | None = None
    note: str | None = None
    feel: int | None = None
    group: str | None = None
    create_new: bool = False


def check_log_values(minutes: int | None, feel: int | None) -> None:
    """Refuse minutes outside 0-1440 and feelings outside 1-5 (validate.py's rules)."""
    if minutes is not None:
        validate.minutes(minutes)
    if feel is not None:
        validate.feel(feel)


def _checked_request(request: LogRequest) -> LogRequest:
    """Return ``request`` with minutes, feel, note and group checked by the data rules, cleaned."""
    check_log_values(request.minutes, request.feel)
    return request._replace(
        note=validate.note(request.note) if request.note else request.note,
        group=validate.group_label(request.group) if request.group else request.group,
    )


def _resolve_people(
    store: Store, names: Sequence[str], create_new: bool, choose: Chooser | None
) -> list[NameEntry | str]:
    people: list[NameEntry | str] = []
    for text in names:
        try:
            people.append(resolve_name(entries_for(store, text), text, choose))
        except NotFoundError:
            if not create_new:
                raise
            people.append(validate.name(text))
    return people


def log_interaction(
    store: Store,
    now: dt.datetime,
    zone: dt.tzinfo,
    request: LogRequest,
    choose: Chooser | None = None,
) -> Interaction:
    """Record one interaction with the named people (or a group activity with nobody)."""
    names = tuple(name for name in request.names if name.strip())
    if not names and not request.group:
        raise UsageError("name at least one person, or a --group activity", "e.g. kinship log ana --via call")
    request = _checked_request(request)
    when = (
        now.astimezone(zone) if request.when_text is None else dates.parse_when(request.when_text, now, zone)
    )
    validate.when(when, now)
    people = _resolve_people(store, names, request.create_new, choose)
    with store.write():
        # another command may have changed the contacts between resolving and the write lock
        present = store.existing_rowids(person.rowid for person in people if not isinstance(person, str))
        rowids: list[int] = []
        for person in people:
            if isinstance(person, str):
                key = name_key(person)
                if any(name_key(e.name) == key for e in store.name_entries_matching("", key)):
                    raise UsageError(f"{person!r} was just added by another command", "run the command again")
                rowids.append(store.insert_contact(name=person, name_key=key, created=now))
            else:
                if person.rowid not in present:
                    raise NotFoundError(f"{person.name!r} was just removed", "run the command again")
                rowids.append(person.rowid)
        uid = store.insert_interaction(
            when=when,
            day=when.date(),
            channel=request.channel,
            contact_rowids=sorted(set(rowids)),
            created=now,
            minutes=request.minutes,
            note=request.note,
            feel=request.feel,
            group=request.group,
        )
        store.set_meta(LAST_LOG_KEY, uid.hex())
        rowid = store.interaction_rowid(uid)
        assert rowid is not None
        return store.interaction(rowid)


def last_logged(store: Store) -> Interaction:
    """Return the interaction the last ``kinship log`` recorded (read only)."""
    rowid = _last_log_rowid(store)
    return store.interaction(rowid)


def _last_log_rowid(store: Store) -> int:
    value = store.get_meta(LAST_LOG_KEY)
    rowid = None if value is None else store.interaction_rowid(bytes.fromhex(value))
    if rowid is None:
        raise NotFoundError("there is no logged interaction to undo", "see `kinship history`")
    return rowid


def undo_last(store: Store, expected_id: str | None = None) -> Interaction:
    """Remove the interaction the last ``kinship log`` recorded; return what was removed."""
    with store.write():
        rowid = _last_log_rowid(store)
        removed = store.interaction(rowid)
        if expected_id is not None and removed.id != expected_id:
            raise UsageError("another interaction was logged meanwhile", "run `kinship undo` again")
        store.delete_interaction(rowid)
        store.set_meta(LAST_LOG_KEY, None)
        return removed


def _interaction_by_prefix(store: Store, prefix: str) -> int:
    clean = prefix.strip().lower()
    if len(clean) < MIN_ID_PREFIX or any(ch not in "0123456789abcdef" for ch in clean) or len(clean) > 32:
        raise UsageError(
            f"{prefix!r} is not an interaction id",
            f"give at least {MIN_ID_PREFIX} characters of the id `kinship history` shows",
        )
    found = store.interaction_rowids_by_prefix(clean)
    if not found:
        raise NotFoundError(f"no interaction has an id starting {clean}", "see `kinship history`")
    if len(found) > 1:
        raise AmbiguousError(
            f"{clean} starts several interaction ids",
            "give more characters of the id",
            candidates=tuple(uid.hex() for _, uid in found),
        )
    return found[0][0]


def amend_interaction(
    store: Store,
    now: dt.datetime,
    zone: dt.tzinfo,
    prefix: str,
    request: LogRequest,
    *,
    channel_given: bool,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    choose: Chooser | None = None,
) -> Interaction:
    """Correct one interaction: any log option given replaces that field; people are added/removed."""
    request = _checked_request(request)
    when = None if request.when_text is None else dates.parse_when(request.when_text, now, zone)
    if when is not None:
        validate.when(when, now)
    with store.write():
        rowid = _interaction_by_prefix(store, prefix)
        current = store.interaction(rowid)
        people = set(store.interaction_people_rowids(rowid))
        for person in _resolve_people(store, add, request.create_new, choose):
            if isinstance(person, str):
                people.add(store.insert_contact(name=person, name_key=name_key(person), created=now))
            else:
                people.add(person.rowid)
        for text in remove:
            entry = resolve_name(entries_for(store, text), text, choose)
            if entry.rowid not in people:
                raise UsageError(f"{entry.name} is not in this interaction", "see `kinship history`")
            people.discard(entry.rowid)
        group = request.group if request.group is not None else current.group
        if not people and not group:
            raise UsageError(
                "an interaction needs a person or a --group", "use `kinship unlog ID` to remove it"
            )
        new_when = when if when is not None else current.when
        store.update_interaction(
            rowid,
            when=new_when,
            day=new_when.date(),
            channel=request.channel if channel_given else current.channel,
            contact_rowids=sorted(people),
            minutes=request.minutes if request.minutes is not None else current.minutes,
            note=request.note if request.note is not None else current.note,
            feel=request.feel if request.feel is not None else current.feel,
            group=group or None,
        )
        return store.interaction(rowid)


def unlog_interaction(store: Store, prefix: str) -> Interaction:
    """Remove one interaction by id prefix; return what was removed."""
    with store.write():
        rowid = _interaction_by_prefix(store, prefix)
        removed = store.interaction(rowid)
        store.delete_interaction(rowid)
        return removed


def find_interaction(store: Store, prefix: str) -> Interaction:
    """Return the interaction an id prefix names (for ``unlog`` to ask about it first)."""
    with store.read():
        return store.interaction(_interaction_by_prefix(store, prefix))


# ---- reading ----------------------------------------------------------------------------------


class PersonRow(NamedTuple):
    """A contact with what ``kinship people`` shows of them."""

    contact: Contact
    last_seen: dt.date | None
    last_face_to_face: dt.date | None
    rhythm_days: int | None
    rhythm_source: str | None
    status: str
    time_together: TimeTogether | None = None
    """Minutes face to face and digital in the last 365 days (``show`` only)."""


class TimeTogether(NamedTuple):
    """Time spent with one contact in the 365 days up to a day, from the minutes recorded."""

    minutes_face_to_face: int
    minutes_digital: int
    with_minutes: int
    """How many interactions had minutes recorded (0: nothing to say)."""

    @property
    def hours_face_to_face(self) -> float:
        """Return the face-to-face minutes in hours, to one decimal."""
        return round(self.minutes_face_to_face / 60, 1)

    @property
    def hours_digital(self) -> float:
        """Return the digital minutes in hours, to one decimal."""
        return round(self.minutes_digital / 60, 1)


def people(
    store: Store,
    settings: Settings,
    as_of: dt.date,
    *,
    circle: str | None = None,
    tag: str | None = None,
) -> list[PersonRow]:
    """Return contacts with last contact, rhythm and status, filtered by circle and tag."""
    from kinship import engine

    wanted_circle = check_circle(circle)
    with store.read():
        contacts = store.contacts()
        summaries = {summary.contact.id: summary for summary in store.contact_summaries(as_of)}
        state = store.nudge_state()
    rows = []
    for contact in contacts:
        if circle is not None and contact.circle != wanted_circle:
            continue
        if tag is not None and name_key(tag) not in {name_key(t) for t in contact.tags}:
            continue
        summary = summaries[contact.id]
        known = engine.rhythm(summary, settings)  # once per contact: the status reuses it
        rows.append(
            PersonRow(
                contact=contact,
                last_seen=summary.last_day,
                last_face_to_face=summary.last_face_to_face_day,
                rhythm_days=known[0],
                rhythm_source=known[1],
                status=engine.contact_status(summary, state, settings, as_of, known_rhythm=known),
            )
        )
    return rows


def show_contact(
    store: Store,
    settings: Settings,
    as_of: dt.date,
    text: str,
    choose: Chooser | None = None,
    *,
    limit: int | None = None,
) -> tuple[PersonRow, list[Interaction]]:
    """Return one contact's row and their interactions, newest first: at most ``limit`` (None: all).

    Only this contact is summarised, and the timeline stops at ``limit``, so showing the
    busiest contact of a lifetime log costs what showing anyone else does.
    """
    from kinship import engine

    if limit is not None:
        validate.whole_number(limit, "--limit", 1, MAX_LIMIT)
    with store.read():
        entry = resolve_name(entries_for(store, text), text, choose)
        contact = store.contact(entry.rowid)
        (summary,) = store.contact_summaries(as_of, rowid=entry.rowid)
        state = store.nudge_state()
        timeline = store.history(contact_rowid=entry.rowid, limit=limit)
        face, digital, with_minutes = store.minutes_by_mode(
            entry.rowid, as_of - dt.timedelta(days=364), as_of
        )  # the last 365 days: (as-of - 365, as-of]
    known = engine.rhythm(summary, settings)
    row = PersonRow(
        contact=contact,
        last_seen=summary.last_day,
        last_face_to_face=summary.last_face_to_face_day,
        rhythm_days=known[0],
        rhythm_source=known[1],
        status=engine.contact_status(summary, state, settings, as_of, known_rhythm=known),
        time_together=TimeTogether(face, digital, with_minutes) if with_minutes else None,
    )
    return row, timeline


class HistoryFilter(NamedTuple):
    """What ``kinship history`` narrows the log to (SPEC §4); every field is optional."""

    names: tuple[str, ...] = ()
    since_text: str | None = None
    until_text: str | None = None
    channel: Channel | None = None
    mode: str | None = None
    circle: str | None = None
    group: str | None = None
    grep: str | None = None

    def narrows(self) -> bool:
        """Return whether any filter is set."""
        return any(value not in (None, ()) for value in self)


def history(
    store: Store,
    now: dt.datetime,
    zone: dt.tzinfo,
    *,
    name: str | None = None,
    since_text: str | None = None,
    limit: int | None = None,
    choose: Chooser | None = None,
    where: HistoryFilter | None = None,
) -> list[Interaction]:
    """Return interactions newest first that pass every filter, at most ``limit``."""
    return list(
        iter_history(
            store, now, zone, name=name, since_text=since_text, limit=limit, choose=choose, where=where
        )
    )


def iter_history(
    store: Store,
    now: dt.datetime,
    zone: dt.tzinfo,
    *,
    name: str | None = None,
    since_text: str | None = None,
    limit: int | None = None,
    choose: Chooser | None = None,
    where: HistoryFilter | None = None,
) -> Iterator[Interaction]:
    """Yield interactions newest first that pass every filter, at most ``limit``, in bounded memory.

    Several names mean interactions with all of them; ``group`` matches the label and ``grep``
    notes and group labels, both ignoring case and accents. Values are checked and names resolved
    before this returns; the rows are read while the caller consumes them.
    """
    from kinship.models import CHANNEL_CODES, Mode

    where = where or HistoryFilter()
    if limit is not None:
        validate.whole_number(limit, "--limit", 1, MAX_LIMIT)
    names = ((name,) if name is not None else ()) + where.names
    since_text = since_text if since_text is not None else where.since_text
    since = None if since_text is None else dates.parse_when(since_text, now, zone)
    until = None if where.until_text is None else dates.parse_when(where.until_text, now, zone)
    codes: list[int] | None = None
    if where.channel is not None:
        codes = [CHANNEL_CODES[where.channel]]
    if where.mode is not None:
        try:
            mode = Mode(where.mode)
        except ValueError as exc:
            raise UsageError(f"unknown mode {where.mode!r}", "use face_to_face or digital") from exc
        in_mode = [code for channel, code in CHANNEL_CODES.items() if channel.mode is mode]
        codes = in_mode if codes is None else [code for code in codes if code in in_mode]
    circle = None if where.circle is None else check_circle(where.circle)
    group_key = None if where.group is None else name_key(where.group)
    grep_key = None if where.grep is None else name_key(where.grep)
    exact = since is None and until is None and group_key is None and grep_key is None
    with store.read():
        rowids = [resolve_name(entries_for(store, text), text, choose).rowid for text in names]

    def keep(item: Interaction) -> bool:
        return (
            (since is None or item.when >= since)
            and (until is None or item.when <= until)
            and (group_key is None or name_key(item.group or "") == group_key)
            and (grep_key is None or grep_key in name_key(f"{item.note or ''}\n{item.group or ''}"))
        )

    def rows() -> Iterator[Interaction]:
        with store.read():
            found = store.iter_history(
                contact_rowid=rowids[0] if rowids else None,
                with_rowids=rowids[1:],
                since_day=None if since is None else since.date(),
                until_day=None if until is None else until.date(),
                channel_codes=codes,
                circle=circle,
                limit=limit if exact else None,
            )
            yield from itertools.islice(filter(keep, found), limit)

    return rows()


# ---- nudges, review, reminders ----------------------------------------------------------------


def _nudge_weeks(settings: Settings, as_of: dt.date) -> list[str]:
    """Return the ISO weeks the crowded-week rule reads: the last ended one and its baseline."""
    return dates.weeks_back(dates.last_ended_week(as_of), settings.baseline_weeks + 1)


def group_summaries(store: Store, as_of: dt.date, *, window_days: int = 365) -> list[GroupSummary]:
    """Return one summary per group activity (labels compared case- and accent-insensitively)."""
    from kinship.models import GroupSummary

    last_days, window = store.group_days(as_of, as_of - dt.timedelta(days=window_days - 1))
    labels: dict[str, str] = {}
    last: dict[str, dt.date] = {}
    keys = {label: name_key(label) for label in last_days}  # one key per label, not per row
    for label, day in last_days.items():
        key = keys[label]
        if key not in last or (day, label) > (last[key], labels[key]):
            labels[key] = label  # the spelling of the latest meeting
            last[key] = day
    days: dict[str, set[dt.date]] = {}
    for label, day in window:
        days.setdefault(keys[label], set()).add(day)
    return [
        GroupSummary(key, labels[key], tuple(sorted(days.get(key, ()))), last[key]) for key in sorted(labels)
    ]


def _board_from(
    store: Store,
    settings: Settings,
    as_of: dt.date,
    summaries: Sequence[ContactSummary],
    counts: Mapping[str, WeekCount] | None = None,
) -> Board:
    """Compute the nudges at the end of ``as_of`` and the hidden ones, from summaries (and week
    counts) already read; the caller holds a transaction."""
    from kinship import engine

    if counts is None:
        weeks = _nudge_weeks(settings, as_of)
        counts = store.week_counts(
            dates.week_start(weeks[0]), dates.week_start(weeks[-1]) + dt.timedelta(days=6)
        )
    candidates = engine.candidate_nudges(
        summaries,
        counts,
        store.last_face_to_face_day(as_of),
        settings,
        as_of,
        group_summaries(store, as_of),
    )
    return engine.nudge_board(candidates, store.nudge_state(), as_of)


def _nudges_from(
    store: Store,
    settings: Settings,
    as_of: dt.date,
    summaries: Sequence[ContactSummary],
    counts: Mapping[str, WeekCount] | None = None,
) -> list[Nudge]:
    """Compute the nudges in force at the end of ``as_of`` from summaries (and week counts) already read."""
    return _board_from(store, settings, as_of, summaries, counts).nudges


def _nudges_at(store: Store, settings: Settings, as_of: dt.date) -> list[Nudge]:
    """Compute the nudges in force at the end of ``as_of`` (the caller holds a transaction)."""
    return _nudges_from(store, settings, as_of, store.contact_summaries(as_of))


def _board_at(store: Store, settings: Settings, as_of: dt.date) -> Board:
    return _board_from(store, settings, as_of, store.contact_summaries(as_of))


class SnoozedContact(NamedTuple):
    """A snooze of a whole contact in force: every nudge about them waits until ``until``."""

    contact: ContactRef
    made: dt.date
    until: dt.date


def snoozed_contacts(store: Store, as_of: dt.date) -> list[SnoozedContact]:
    """Return the contact snoozes in force on ``as_of`` (the longest per contact), by name."""
    with store.read():
        state = store.nudge_state()
        longest: dict[str, tuple[dt.date, dt.date]] = {}
        for snooze in state.snoozes:
            if snooze.contact_id is not None and snooze.made <= as_of < snooze.until:
                known = longest.get(snooze.contact_id)
                if known is None or snooze.until > known[1]:
                    longest[snooze.contact_id] = (snooze.made, snooze.until)
        rowids = [store.contact_rowid(uid) for uid in longest]
        names = {contact.id: contact.name for contact in store.contacts(r for r in rowids if r is not None)}
    return sorted(
        (
            SnoozedContact(ContactRef(uid, names[uid]), made, until)
            for uid, (made, until) in longest.items()
            if uid in names
        ),
        key=lambda item: (name_key(item.contact.name), item.contact.id),
    )


def hidden_nudges(store: Store, settings: Settings, as_of: dt.date) -> list[Hidden]:
    """Return the nudges a snooze or dismissal in force on ``as_of`` leaves out, with handles."""
    with store.read():
        return _board_at(store, settings, as_of).hidden


def nudges(store: Store, settings: Settings, as_of: dt.date) -> list[Nudge]:
    """Return the nudges in force at the end of ``as_of``, highest score first."""
    with store.read():
        return _nudges_at(store, settings, as_of)


def weekly_review(store: Store, settings: Settings, as_of: dt.date, week: str | None = None) -> Review:
    """Return the review of ISO ``week`` (default: the last week ended by the end of ``as_of``;
    ``this``: the week of ``as_of`` so far)."""
    from kinship import review

    if week is not None and week.strip().lower() == "this":
        chosen = dates.iso_week(as_of)
    else:
        chosen = dates.last_ended_week(as_of) if week is None else dates.parse_week(week)
    start = dates.week_start(chosen)
    end = start + dt.timedelta(days=6)
    if start > as_of:
        raise UsageError(f"{chosen} has not started by {as_of}", "pick an earlier --week or a later --as-of")
    last_day = min(end, as_of)
    trend_weeks = dates.weeks_back(chosen, max(12, settings.baseline_weeks + 1))
    trend_first = dates.week_start(trend_weeks[0])
    nudge_weeks = _nudge_weeks(settings, last_day)
    with store.read():
        items = store.week_items(start, last_day)
        counts = store.week_counts(trend_first, last_day)
        # one read of the summaries serves the circles and the nudges in force
        summaries = store.contact_summaries(last_day)
        people_ids = sorted({person.id for item in items for person in item[4]})
        wanted = set(people_ids)
        circles = {
            summary.contact.id: summary.circle for summary in summaries if summary.contact.id in wanted
        }
        first_days = store.first_days(people_ids)
        # the nudge weeks are whole weeks ended by last_day: when they lie in the trend's range
        # their counts are the same numbers, so the trend's read serves them too
        nudge_counts = None
        if dates.week_start(nudge_weeks[0]) >= trend_first:
            wanted_weeks = set(nudge_weeks)
            nudge_counts = {week: count for week, count in counts.items() if week in wanted_weeks}
        in_force = _nudges_from(store, settings, last_day, summaries, nudge_counts)
        log_start = store.first_interaction_day()
    return review.review_of_items(
        chosen,
        items,
        counts,
        circles,
        first_days,
        in_force,
        settings,
        as_of=last_day,
        log_start=log_start,
        empty_log=log_start is None,
    )


def _reminder_time(now: dt.datetime, as_of: dt.date) -> dt.datetime:
    if as_of == now.date():
        return now
    return dt.datetime.combine(as_of, dates.NOON, tzinfo=now.tzinfo)


def remind_digest(
    store: Store,
    settings: Settings,
    now: dt.datetime,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    budget: bool = True,
) -> Digest:
    """Return what ``kinship remind`` says at the end of ``as_of`` and (unless ``dry_run``) record it.

    At most one digest per ``remind_repeat_days`` (the ``remind_budget`` highest nudges in force,
    birthdays on the day always), and between digests only a birthday on its day (SPEC §8). The
    check and the record run under one write lock, so two ``remind`` runs never send twice.
    Without ``budget`` (``--json`` lists them all, SPEC §6) every nudge due is sent and recorded.
    """
    from kinship import engine

    if dry_run:
        with store.read():
            return engine.reminder_digest(
                _nudges_at(store, settings, as_of), store.nudge_state(), settings, as_of, budget=budget
            )
    with store.write():
        digest = engine.reminder_digest(
            _nudges_at(store, settings, as_of), store.nudge_state(), settings, as_of, budget=budget
        )
        made_at = _reminder_time(now, as_of)
        for nudge in digest.nudges:
            store.add_nudge_state(kind="remind", key=nudge.key, made_at=made_at, made_day=as_of)
        return digest


def remind(
    store: Store, settings: Settings, now: dt.datetime, as_of: dt.date, *, dry_run: bool = False
) -> list[Nudge]:
    """Return the nudges ``remind_digest`` sends (and records, unless ``dry_run``)."""
    return remind_digest(store, settings, now, as_of, dry_run=dry_run).nudges


# ---- quieting nudges: snooze, dismiss, and taking them back -------------------------------------


class QuietResult(NamedTuple):
    """What ``snooze``, ``dismiss``, ``unsnooze`` or ``undismiss`` changed."""

    what: str
    """In words: a contact's name, or the kind, handle and person of one nudge."""
    keys: tuple[str, ...]
    until: dt.date | None
    changed: bool
    """False when everything named was already so (nothing written: "Nothing to change")."""


def describe_nudge(nudge: Nudge) -> str:
    """Return a nudge in a few words: ``the fading nudge 7f3a about Ana Lima``."""
    kind = nudge.kind.replace("_", "-")
    about = f" about {nudge.contact.name}" if nudge.contact is not None else ""
    if nudge.kind == "group_fading":
        about = f" about {nudge.details.get('group')}"
    return f"the {kind} nudge {nudge.handle}{about}"


class _Matched(NamedTuple):
    nudges: tuple[Nudge, ...]
    contact: NameEntry | None

    def words(self, doing: str, days: int | None = None) -> str:
        """Return the command in words for the journal (``undo --list``): by name or by handle."""
        if self.contact is not None:
            what = self.contact.name
        else:
            nudge = self.nudges[0]
            about = nudge.contact.name if nudge.contact is not None else nudge.details.get("group")
            what = (
                f"{nudge.handle or nudge.key} ({nudge.kind.replace('_', '-')}{f', {about}' if about else ''})"
            )
            if len(self.nudges) > 1:
                what += f" and {len(self.nudges) - 1} more"
        return f"{doing}: {what}" + ("" if days is None else f" for {days} days")


def _match_who(store: Store, who: str, pool: Sequence[Nudge], choose: Chooser | None, doing: str) -> _Matched:
    """Return the nudges ``who`` names among ``pool``: a handle, then a full key, then a name."""
    from kinship import engine

    text = who.strip()
    by_handle = engine.match_handle(text, [nudge.key for nudge in pool])
    if len(by_handle) > 1:
        named = [nudge for nudge in pool if nudge.key in by_handle]
        raise AmbiguousError(
            f"{text!r} starts the handles of {len(named)} nudges",
            "give more characters of the handle",
            candidates=tuple(f"{nudge.handle}  {nudge.message}" for nudge in named),
        )
    if by_handle:
        return _Matched(tuple(nudge for nudge in pool if nudge.key == by_handle[0]), None)
    by_key = tuple(nudge for nudge in pool if nudge.key == text)
    if by_key:
        return _Matched(by_key, None)
    where = "`kinship nudges`" if doing in ("snooze", "dismiss") else "`kinship nudges --hidden`"
    missing = NotFoundError(
        f"nothing to {doing} matches {text!r}",
        f"give a handle or key from {where}, or the name of a contact with a nudge there",
    )
    if ":" in text or not text:
        raise missing
    try:
        entry = resolve_name(store.name_entries(), text, choose)
    except NotFoundError:
        raise missing from None
    own = tuple(nudge for nudge in pool if nudge.contact is not None and nudge.contact.id == entry.uid)
    return _Matched(own, entry)


def quiet(
    store: Store,
    settings: Settings,
    now: dt.datetime,
    who: str,
    *,
    days: int | None = None,
    choose: Chooser | None = None,
) -> QuietResult:
    """Snooze (``days`` given) or dismiss what ``who`` names: a nudge's handle or key, or a
    contact's name (a snooze of the contact; a dismissal of each of their nudges in force).

    Anything that names no nudge in force is NotFoundError and writes nothing.
    """
    today = now.date()
    doing = "dismiss" if days is None else "snooze"
    with store.write():
        board = _board_at(store, settings, today)
        hidden = [item.nudge for item in board.hidden if item.reason == "snoozed"]
        dismissed = [item.nudge for item in board.hidden if item.reason == "dismissed"]
        matched = _match_who(store, who, [*board.nudges, *hidden, *dismissed], choose, doing)
        if not matched.nudges:
            name = matched.contact.name if matched.contact is not None else who
            raise NotFoundError(f"{name} has no nudges in force", "see `kinship nudges`")
        dismissed_keys = {nudge.key for nudge in dismissed}
        live = [nudge for nudge in matched.nudges if nudge.key not in dismissed_keys]
        keys = tuple(nudge.key for nudge in live)
        what = matched.contact.name if matched.contact is not None else describe_nudge(matched.nudges[0])
        if not live:  # already dismissed: nothing to change
            return QuietResult(what, (), None, False)
        store.journal_describe(matched.words(doing, days))
        if days is None:
            for key in keys:
                store.add_nudge_state(kind="dismiss", made_at=now, made_day=today, key=key)
            return QuietResult(what, keys, None, True)
        until = today + dt.timedelta(days=days)
        if matched.contact is not None:
            store.add_nudge_state(
                kind="snooze",
                made_at=now,
                made_day=today,
                contact_rowid=matched.contact.rowid,
                until_day=until,
            )
        else:
            for key in keys:
                store.add_nudge_state(kind="snooze", made_at=now, made_day=today, key=key, until_day=until)
        return QuietResult(what, keys, until, True)


def unquiet(
    store: Store,
    settings: Settings,
    now: dt.datetime,
    who: str,
    *,
    kind: str,
    choose: Chooser | None = None,
) -> QuietResult:
    """Take back the snoozes (``kind="snooze"``) or dismissals (``"dismiss"``) in force that
    ``who`` names: a hidden nudge's handle or key, or a contact's name. From today the nudges
    come back; looking back with ``--as-of`` they were still quiet. None in force: NotFoundError."""
    today = now.date()
    reason = "snoozed" if kind == "snooze" else "dismissed"
    doing = f"un{kind}"
    with store.write():
        board = _board_at(store, settings, today)
        items = [item for item in board.hidden if item.reason == reason]
        matched = _match_who(store, who, [item.nudge for item in items], choose, doing)
        keys = tuple(nudge.key for nudge in matched.nudges)
        contact_rowids: list[int] = []
        if kind == "snooze":
            wanted = set(keys)
            contact_ids = {
                item.nudge.contact.id
                for item in items
                if item.whole_contact and item.nudge.key in wanted and item.nudge.contact is not None
            }
            contact_rowids = [
                rowid for uid in sorted(contact_ids) if (rowid := store.contact_rowid(uid)) is not None
            ]
            if matched.contact is not None:
                contact_rowids.append(matched.contact.rowid)
        ended = store.end_nudge_state(kind=kind, day=today, keys=keys, contact_rowids=contact_rowids)
        if not ended:
            name = matched.contact.name if matched.contact is not None else who
            raise NotFoundError(
                f"{name} has no {'snooze' if kind == 'snooze' else 'dismissal'} in force",
                "see `kinship nudges --hidden`",
            )
        what = matched.contact.name if matched.contact is not None else describe_nudge(matched.nudges[0])
        store.journal_describe(matched.words(doing))
        return QuietResult(what, keys, None, True)


def snooze(
    store: Store,
    now: dt.datetime,
    days: int,
    *,
    name: str | None = None,
    key: str | None = None,
    who: str | None = None,
    settings: Settings | None = None,
    choose: Chooser | None = None,
) -> tuple[str, dt.date]:
    """Quiet what ``who`` (or ``name``, or ``key``) names for ``days``; return what and until when."""
    text = who if who is not None else (name if name is not None else key)
    if text is None or sum(value is not None for value in (who, name, key)) != 1:
        raise UsageError("snooze a handle, a key or a NAME", "e.g. kinship snooze ana 2w")
    result = quiet(store, settings or Settings(), now, text, days=days, choose=choose)
    return result.what, result.until or now.date()


def dismiss(
    store: Store,
    now: dt.datetime,
    who: str,
    *,
    settings: Settings | None = None,
    choose: Chooser | None = None,
) -> str:
    """Dismiss what ``who`` names for good (a new episode gets a new key); return what."""
    return quiet(store, settings or Settings(), now, who, choose=choose).what


# ---- groups -----------------------------------------------------------------------------------


class GroupRow(NamedTuple):
    """One group activity as ``kinship groups`` shows it."""

    label: str
    key: str
    meetings: int
    """Distinct days it met in the last 365 days."""
    last_day: dt.date | None
    rhythm_days: int | None
    """The learned rhythm (median gap, never below ``min_rhythm_days``); None with under 4 days."""
    people: tuple[tuple[ContactRef, int], ...]
    """The people met there, most interactions first."""


def groups(store: Store, settings: Settings, as_of: dt.date) -> list[GroupRow]:
    """Return the group activities, the most recently active first."""
    from kinship import engine

    with store.read():
        summaries = group_summaries(store, as_of)
        met = store.group_people(as_of)
    people: dict[str, dict[str, tuple[ContactRef, int]]] = {}
    for label, uid, name, count in met:
        own = people.setdefault(name_key(label), {})
        known = own.get(uid)
        own[uid] = (ContactRef(uid, name), count + (known[1] if known else 0))
    rows = [
        GroupRow(
            label=summary.label,
            key=summary.key,
            meetings=len(summary.days),
            last_day=summary.last_day,
            rhythm_days=engine.group_rhythm(summary, settings),
            people=tuple(
                sorted(
                    people.get(summary.key, {}).values(),
                    key=lambda pair: (-pair[1], pair[0].name.casefold(), pair[0].id),
                )
            ),
        )
        for summary in summaries
    ]
    return sorted(rows, key=lambda row: (-(row.last_day or dt.date.min).toordinal(), row.key))


def load_demo(store: Store, now: dt.datetime, zone: dt.tzinfo) -> int:
    """Fill an empty store with the demo year (see demo.py); return the number of interactions."""
    from kinship import demo

    today = now.astimezone(zone).date()
    with store.write():
        rowids: dict[str, int] = {}
        created = now - dt.timedelta(days=400)
        for person in demo.demo_contacts(today):
            rowid = store.insert_contact(
                name=person.name,
                name_key=name_key(person.name),
                created=created,
                circle=person.circle,
                every_days=person.every_days,
                birthday=person.birthday,
                see_every_days=person.see_every_days,
            )
            for alias in person.aliases:
                store.add_value(rowid, "alias", alias, name_key(alias))
            for tag in person.tags:
                store.add_value(rowid, "tag", tag, name_key(tag))
            rowids[person.name] = rowid
        items = demo.demo_interactions(today)
        for item in items:
            when = dates.localize(item.wall, zone)
            store.insert_interaction(
                when=when,
                day=when.date(),
                channel=item.channel,
                contact_rowids=[rowids[name] for name in item.names],
                created=when,
                minutes=item.minutes,
                feel=item.feel,
                group=item.group,
            )
    return len(items)
