"""The import planner: what a set of parsed records would change in the log. Pure.

Matching a record to a contact goes, in order: a stable source id the contact already carries
(``vcard:<UID>``, ``telegram:user42``…), then an email (case-insensitive) or a phone number
(``phone_key``), then the exact name (case- and accent-insensitive; for interactions an alias
too). A name that several contacts share matches none of them.

Contacts: a matched contact gains the file's new emails, phones and source ids, and its birthday,
note and aliases only where it has none; an unmatched one is created. Interactions: a source id
already in the log (or earlier in this import) is a duplicate; calendar attendees and group-chat
senders must already be contacts unless ``new``; the partner of a one-to-one chat is created when
unknown. A calendar title naming a contact (full name or alias, as whole words) adds that
contact. A person with a hand-logged interaction on the same day and channel is left out of the
imported one (and an interaction left with no one is not added). Importing the same files again
yields an empty plan.

Every value passes the data rules of ``validate`` (SPEC §5) before it is planned: a value that
breaks one (an email that is not an address, a phone with no digits, a birthday in the future,
a note with control characters…) is left out and counted in ``ImportPlan.invalid``; a record
whose name breaks one is left out whole. Nothing invalid reaches the store from any file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kinship.errors import DataError
from kinship.importers.records import ContactRecord, InteractionRecord, Participant, StateRecord
from kinship.keys import email_key, match_key, name_key, phone_key
from kinship.models import Channel, Contact, Interaction

__all__ = [
    "ContactUpdate",
    "ExportInteractions",
    "ImportPlan",
    "NewContact",
    "PlannedInteraction",
    "phone_key",
    "plan_export",
    "plan_import",
    "planned_contacts",
]

MIN_PHONE_DIGITS = 6
"""Shorter numbers (short codes, extensions) never match a contact."""


@dataclass(frozen=True)
class NewContact:
    """A contact to create."""

    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    birthday: str | None = None
    note: str | None = None
    aliases: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    added: dt.date | None = None
    """The day the file says the person was added (LinkedIn's connected-on), else None (today)."""
    uid: str | None = None
    """The stable id to keep (kinship JSON), else None (a new one)."""
    circle: str | None = None
    tags: tuple[str, ...] = ()
    every_days: int | None = None
    see_every_days: int | None = None
    archived: bool = False
    created: dt.datetime | None = None
    """When the contact was created (kinship JSON), else None (``added`` or now)."""


@dataclass(frozen=True)
class ContactUpdate:
    """Additions to one existing contact; ``None``/empty means leave that field alone."""

    contact_id: str
    add_emails: tuple[str, ...] = ()
    add_phones: tuple[str, ...] = ()
    add_source_ids: tuple[str, ...] = ()
    birthday: str | None = None
    """Set only when the contact has no birthday."""
    note: str | None = None
    """Set only when the contact has no note."""
    aliases: tuple[str, ...] = ()
    """Set only when the contact has no aliases (kinship JSON: the aliases it lacks)."""
    add_tags: tuple[str, ...] = ()
    circle: str | None = None
    """Set only when the contact has no circle (kinship JSON)."""
    every_days: int | None = None
    """Set only when the contact has no rhythm (kinship JSON)."""
    see_every_days: int | None = None
    """Set only when the contact has no see-every rhythm (kinship JSON)."""


@dataclass(frozen=True)
class PlannedInteraction:
    """An interaction to add: existing contacts by id, new ones by index into ``ImportPlan.creates``.

    Kinship JSON keeps everything: the stable id (``uid``), note, feel, group and created time.
    """

    source_id: str | None
    when: dt.datetime
    day: dt.date
    channel: Channel
    contact_ids: tuple[str, ...] = ()
    new_contacts: tuple[int, ...] = ()
    messages: int | None = None
    minutes: int | None = None
    uid: bytes | None = None
    note: str | None = None
    feel: int | None = None
    group: str | None = None
    created: dt.datetime | None = None


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would change, plus the counts for its summary."""

    creates: tuple[NewContact, ...] = ()
    updates: tuple[ContactUpdate, ...] = ()
    interactions: tuple[PlannedInteraction, ...] = ()
    skipped_duplicates: int = 0
    """Interaction records whose source id is already in the log (or repeated in this import)."""
    skipped_hand_logged: int = 0
    """People left out of an imported interaction because a hand-logged one covers that day."""
    skipped_unmatched: int = 0
    """Interaction records with nobody who is (or may become) a contact."""
    unmatched_names: tuple[str, ...] = ()
    """Attendees and chat participants that match no contact, sorted (names, else emails or phones)."""
    matched: int = 0
    """Contact records that matched a contact already in the log (changed or not)."""
    invalid: tuple[tuple[str, int], ...] = ()
    """Values left out because they break a data rule: (field and rule, count), sorted."""
    state: tuple[StateRecord, ...] = ()
    """Snoozes, dismissals and reminders to add (kinship JSON), contacts by their id in the log."""

    @property
    def created(self) -> int:
        """Return how many contacts the import creates."""
        return len(self.creates)

    @property
    def updated(self) -> int:
        """Return how many existing contacts the import changes."""
        return len(self.updates)

    @property
    def added(self) -> int:
        """Return how many interactions the import adds."""
        return len(self.interactions)

    @property
    def is_empty(self) -> bool:
        """Return True when the import would change nothing."""
        return not (self.creates or self.updates or self.interactions)


@dataclass(eq=False)
class _Entry:
    """A contact as the planner sees it while planning: existing (``ref`` is its id) or new."""

    ref: str | int
    name: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    birthday: str | None = None
    note: str | None = None
    aliases: list[str] = field(default_factory=list)
    added_emails: list[str] = field(default_factory=list)
    added_phones: list[str] = field(default_factory=list)
    added_source_ids: list[str] = field(default_factory=list)
    filled_birthday: str | None = None
    filled_note: str | None = None
    filled_aliases: tuple[str, ...] = ()
    added: dt.date | None = None


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", name_key(text)))


class _Index:
    """Lookups from source id, email, phone key, name and alias to planner entries."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.creates: list[_Entry] = []
        self.by_source: dict[str, _Entry] = {}
        self.by_email: dict[str, list[_Entry]] = {}
        self.by_phone: dict[str, list[_Entry]] = {}
        self.by_name: dict[str, list[_Entry]] = {}
        self.by_alias: dict[str, list[_Entry]] = {}
        self.title_words: dict[str, list[tuple[tuple[str, ...], _Entry]]] = {}

    @staticmethod
    def _add(table: dict[str, list[_Entry]], key: str, entry: _Entry) -> None:
        if not key:
            return
        bucket = table.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    def _add_title_name(self, text: str, entry: _Entry) -> None:
        words = _words(text)
        if words:
            self.title_words.setdefault(words[0], []).append((words, entry))

    def register(self, entry: _Entry) -> None:
        """Add a new or existing entry and all its keys."""
        self.entries.append(entry)
        self._add(self.by_name, name_key(entry.name), entry)
        self._add_title_name(entry.name, entry)
        for alias in entry.aliases:
            self.add_alias(entry, alias, record=False)
        for email in entry.emails:
            self._add(self.by_email, email_key(email), entry)
        for phone in entry.phones:
            self.add_phone_key(entry, phone)
        for source_id in entry.source_ids:
            self.by_source.setdefault(source_id, entry)

    def add_alias(self, entry: _Entry, alias: str, *, record: bool = True) -> None:
        """Index an alias of ``entry`` (and keep it when ``record``)."""
        if record:
            entry.aliases.append(alias)
        self._add(self.by_alias, name_key(alias), entry)
        self._add_title_name(alias, entry)

    def add_phone_key(self, entry: _Entry, phone: str) -> None:
        """Index a phone of ``entry`` by its key."""
        key = phone_key(phone)
        if len(key) >= MIN_PHONE_DIGITS:
            self._add(self.by_phone, key, entry)

    def find(
        self,
        source_ids: Iterable[str],
        emails: Iterable[str],
        phones: Iterable[str],
        name: str | None,
        *,
        aliases: bool,
    ) -> _Entry | None:
        """Return the entry these keys match (source id, email, phone, name, alias), else None."""
        for source_id in source_ids:
            if source_id in self.by_source:
                return self.by_source[source_id]
        for email in emails:
            found = self.by_email.get(email_key(email))
            if found:
                return found[0]
        for phone in phones:
            key = phone_key(phone)
            found = self.by_phone.get(key) if len(key) >= MIN_PHONE_DIGITS else None
            if found:
                return found[0]
        if name:
            folded = name_key(name)
            by_name = self.by_name.get(folded, [])
            if len(by_name) == 1:
                return by_name[0]
            if not by_name and aliases:
                by_alias = self.by_alias.get(folded, [])
                if len(by_alias) == 1:
                    return by_alias[0]
        return None

    def in_title(self, title: str) -> list[_Entry]:
        """Return the entries whose full name or an alias appears in ``title`` as whole words."""
        words = _words(title)
        found: list[_Entry] = []
        for start, word in enumerate(words):
            for name_words, entry in self.title_words.get(word, []):
                if words[start : start + len(name_words)] == name_words and entry not in found:
                    found.append(entry)
        return found

    def create(self, name: str) -> _Entry:
        """Return a fresh new-contact entry, registered."""
        entry = _Entry(ref=len(self.creates), name=name)
        self.creates.append(entry)
        self.register(entry)
        return entry


def _merge_contact(index: _Index, entry: _Entry, record: ContactRecord) -> None:
    """Give ``entry`` the record's new emails, phones and source id; fill empty fields."""
    is_new = isinstance(entry.ref, int)
    known_emails = {email_key(email) for email in entry.emails}
    for email in record.emails:
        if email_key(email) not in known_emails:
            known_emails.add(email_key(email))
            entry.emails.append(email)
            if not is_new:
                entry.added_emails.append(email)
            index._add(index.by_email, email_key(email), entry)
    known_phones = {phone_key(phone) or phone for phone in entry.phones}
    for phone in record.phones:
        key = phone_key(phone) or phone
        if key not in known_phones:
            known_phones.add(key)
            entry.phones.append(phone)
            if not is_new:
                entry.added_phones.append(phone)
            index.add_phone_key(entry, phone)
    _add_source(index, entry, record.source_id)
    if is_new and record.added is not None and (entry.added is None or record.added < entry.added):
        entry.added = record.added
    if entry.birthday is None and record.birthday:
        entry.birthday = record.birthday
        if not is_new:
            entry.filled_birthday = record.birthday
    if entry.note is None and record.note:
        entry.note = record.note
        if not is_new:
            entry.filled_note = record.note
    if not entry.aliases and record.aliases:
        for alias in record.aliases:
            index.add_alias(entry, alias)
        if not is_new:
            entry.filled_aliases = tuple(record.aliases)


def _add_source(index: _Index, entry: _Entry, source_id: str | None) -> None:
    if not source_id or source_id in entry.source_ids:
        return
    entry.source_ids.append(source_id)
    if not isinstance(entry.ref, int):
        entry.added_source_ids.append(source_id)
    index.by_source.setdefault(source_id, entry)


class _Rules:
    """The data rules of ``validate`` applied to parsed records; what breaks one is counted."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = now.date()
        self.broken: dict[str, int] = {}

    def _keep(self, check: Callable[[], str]) -> str | None:
        from kinship.errors import ValidationError

        try:
            return check()
        except ValidationError as exc:
            key = f"{exc.field} {exc.rule}"
            self.broken[key] = self.broken.get(key, 0) + 1
            return None

    def _each(self, check: Callable[[str], str], values: Iterable[str]) -> list[str]:
        kept = (self._keep(lambda value=value: check(value)) for value in values)  # type: ignore[misc]
        return [value for value in kept if value is not None]

    def contact(self, record: ContactRecord) -> ContactRecord | None:
        """Return the record with only valid values, or None when its name breaks a rule."""
        from kinship import validate

        name = self._keep(lambda: validate.name(record.name))
        if name is None:
            return None
        emails = self._each(validate.email, record.emails)
        phones = self._each(validate.phone, record.phones)
        aliases = self._each(validate.alias, record.aliases)
        birthday = note = None
        if record.birthday is not None:
            birthday = self._keep(lambda: validate.birthday(record.birthday, self.today))
        if record.note is not None:
            note = self._keep(lambda: validate.note(record.note))
        added = record.added if record.added is None or record.added <= self.today else None
        return dataclasses.replace(
            record,
            name=name,
            emails=tuple(emails),
            phones=tuple(phones),
            aliases=tuple(aliases),
            birthday=birthday,
            note=note,
            added=added,
        )

    def participant(self, participant: Participant) -> Participant:
        """Return the participant with its invalid name, email or phone dropped."""
        from kinship import validate

        name = email = phone = None
        if participant.name is not None:
            name = self._keep(lambda: validate.name(participant.name))
        if participant.email is not None:
            email = self._keep(lambda: validate.email(participant.email))
        if participant.phone is not None:
            phone = self._keep(lambda: validate.phone(participant.phone))
        return Participant(name=name, email=email, phone=phone, source_id=participant.source_id)

    def interaction(self, record: InteractionRecord) -> InteractionRecord | None:
        """Return the record with its counts in range, or None when its time breaks a rule."""
        from kinship import validate

        if self._keep(lambda: validate.when(record.when, self.now).isoformat()) is None:
            return None
        minutes = record.minutes
        if minutes is not None:
            minutes = min(max(minutes, 0), validate.MINUTES_MAX)
        messages = record.messages
        if messages is not None and self._keep(lambda: str(validate.message_count(messages))) is None:
            messages = None
        return dataclasses.replace(
            record,
            minutes=minutes,
            messages=messages,
            participants=tuple(self.participant(person) for person in record.participants),
        )


_Record = TypeVar("_Record", ContactRecord, InteractionRecord)


def _kept(check: Callable[[_Record], _Record | None], records: Iterable[_Record]) -> Iterator[_Record]:
    for record in records:
        kept = check(record)
        if kept is not None:
            yield kept


def _from_contact(contact: Contact) -> _Entry:
    return _Entry(
        ref=contact.id,
        name=contact.name,
        emails=list(contact.emails),
        phones=list(contact.phones),
        source_ids=list(contact.source_ids),
        birthday=contact.birthday,
        note=contact.note,
        aliases=list(contact.aliases),
    )


def _participant_entry(
    index: _Index, participant: Participant, may_create: bool, unmatched: set[str]
) -> _Entry | None:
    entry = index.find(
        (participant.source_id,) if participant.source_id else (),
        (participant.email,) if participant.email else (),
        (participant.phone,) if participant.phone else (),
        participant.name,
        aliases=True,
    )
    if entry is None:
        # someone known only by an address is created under it (rename them later with `edit`);
        # short numbers are services (banks, codes), never people
        label = participant.name or participant.email
        if label is None and participant.phone and len(phone_key(participant.phone)) >= MIN_PHONE_DIGITS:
            label = participant.phone
        if may_create and label:
            entry = index.create(label)
            _merge_contact(
                index,
                entry,
                ContactRecord(
                    source_id=participant.source_id or "",
                    name=label,
                    emails=(participant.email,) if participant.email else (),
                    phones=(participant.phone,) if participant.phone else (),
                ),
            )
            return entry
        unmatched.add(participant.name or participant.email or participant.phone or "?")
        return None
    _add_source(index, entry, participant.source_id)
    return entry


def plan_import(
    existing: Sequence[Contact],
    contacts: Iterable[ContactRecord] = (),
    interactions: Iterable[InteractionRecord] = (),
    *,
    present_sources: Collection[str] = frozenset(),
    hand_logged: Collection[tuple[dt.date, Channel, str]] = frozenset(),
    new: bool = False,
    now: dt.datetime | None = None,
) -> ImportPlan:
    """Return the plan for importing ``contacts`` and ``interactions`` into a log of ``existing``.

    ``present_sources`` holds the source ids of interactions already in the log; ``hand_logged``
    the (local day, channel, contact id) of interactions logged by hand or imported from a chat,
    which a chat or calendar record may not repeat (a chat also never repeats a person's day
    within the files planned together). ``new`` lets calendar attendees and group-chat senders who match no one become contacts.
    Contact records are planned first, so a contacts file imported together with a chat lets the
    chat's people match. With ``now`` (the shell always passes it), every value is checked
    against the data rules first (see the module docstring).
    """
    rules: _Rules | None = None
    if now is not None:
        rules = _Rules(now)
        contacts = _kept(rules.contact, contacts)
        interactions = _kept(rules.interaction, interactions)
    index = _Index()
    for contact in existing:
        index.register(_from_contact(contact))
    existing_entries = list(index.entries)
    matched: set[int] = set()
    for contact_record in contacts:
        match = index.find(
            (contact_record.source_id,),
            contact_record.emails,
            contact_record.phones,
            contact_record.name,
            aliases=False,
        )
        if match is not None and not isinstance(match.ref, int):
            matched.add(id(match))
        _merge_contact(index, match or index.create(contact_record.name), contact_record)
    planned: list[PlannedInteraction] = []
    seen: set[str] = set()
    unmatched: set[str] = set()
    duplicates = hand_skipped = nobody = 0
    chat_days: set[tuple[dt.date, Channel, int]] = set()  # one chat interaction per person per day
    for record in interactions:
        if record.source_id in present_sources or record.source_id in seen:
            duplicates += 1
            continue
        seen.add(record.source_id)
        may_create = new or (record.kind == "chat" and not record.group_chat)
        people: list[_Entry] = []
        for participant in record.participants:
            found = _participant_entry(index, participant, may_create, unmatched)
            if found is not None and found not in people:
                people.append(found)
        if record.title:
            people.extend(entry for entry in index.in_title(record.title) if entry not in people)
        kept = [
            entry
            for entry in people
            if (isinstance(entry.ref, int) or (record.day, record.channel, entry.ref) not in hand_logged)
            and (record.kind != "chat" or (record.day, record.channel, id(entry)) not in chat_days)
        ]
        if record.kind == "chat":
            chat_days.update((record.day, record.channel, id(entry)) for entry in kept)
        hand_skipped += len(people) - len(kept)
        if not kept:
            nobody += not people
            continue
        planned.append(
            PlannedInteraction(
                source_id=record.source_id,
                when=record.when,
                day=record.day,
                channel=record.channel,
                contact_ids=tuple(entry.ref for entry in kept if isinstance(entry.ref, str)),
                new_contacts=tuple(entry.ref for entry in kept if isinstance(entry.ref, int)),
                messages=record.messages,
                minutes=record.minutes,
            )
        )
    updates = [
        ContactUpdate(
            contact_id=str(entry.ref),
            add_emails=tuple(entry.added_emails),
            add_phones=tuple(entry.added_phones),
            add_source_ids=tuple(entry.added_source_ids),
            birthday=entry.filled_birthday,
            note=entry.filled_note,
            aliases=entry.filled_aliases,
        )
        for entry in existing_entries
        if entry.added_emails
        or entry.added_phones
        or entry.added_source_ids
        or entry.filled_birthday
        or entry.filled_note
        or entry.filled_aliases
    ]
    creates = [
        NewContact(
            name=entry.name,
            emails=tuple(entry.emails),
            phones=tuple(entry.phones),
            birthday=entry.birthday,
            note=entry.note,
            aliases=tuple(entry.aliases),
            source_ids=tuple(entry.source_ids),
            added=entry.added,
        )
        for entry in index.creates
    ]
    return ImportPlan(
        creates=tuple(creates),
        updates=tuple(updates),
        interactions=tuple(planned),
        skipped_duplicates=duplicates,
        skipped_hand_logged=hand_skipped,
        skipped_unmatched=nobody,
        unmatched_names=tuple(sorted(unmatched, key=name_key)),
        matched=len(matched),
        invalid=tuple(sorted(rules.broken.items())) if rules is not None else (),
    )


# ---- kinship's own JSON export -------------------------------------------------------------
#
# An export is taken whole and kept as it is (ids, notes, feelings, groups, nudge state), so it
# is planned by its own rules: any record that breaks a data rule refuses the whole file (SPEC
# §5), and its interactions are planned a batch at a time as they stream (a million of them stay
# out of memory), the shell telling which of a batch's ids are in the log already.


def _id(text: str) -> str:
    """Return an id for an error message, a lone surrogate escaped (``\\ud800``) so it can print."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _refused(label: str, exc: Exception) -> DataError:
    return DataError(f"{label}: {exc}; nothing was imported", "fix that record")


def _inconsistent(what: str) -> DataError:
    return DataError(
        f"{what}: the file is inconsistent; nothing was imported", "export it again from kinship"
    )


def plan_export(
    existing: Sequence[Contact],
    contacts: Sequence[Contact],
    state: Sequence[StateRecord] = (),
    *,
    present_state: Collection[str] = frozenset(),
    now: dt.datetime,
    label: str,
) -> tuple[ImportPlan, dict[str, str]]:
    """Plan the contacts and nudge state of a kinship JSON export; return the plan and, for each
    exported contact id, the id of the contact it is in the log once the plan is applied.

    A contact matches by its id, then by the source id ``kinship:<id>`` an earlier import left
    (or another of its source ids), then by an email or phone, then by a name exactly one contact
    in the log already has. A matched contact gains the export's new emails, phones, aliases, tags
    and source ids (``kinship:<id>`` too, so it matches again after a rename) and its circle,
    rhythms, birthday and note where it has none (SPEC §9); anyone else is created with the
    export's id. A state
    row already in the log (by id) is left alone. Raises DataError for a record that breaks a
    data rule or repeats an id.
    """
    from kinship import validate
    from kinship.errors import ValidationError

    by_id = {contact.id: contact for contact in existing}
    by_source: dict[str, str] = {}
    by_email: dict[str, str] = {}
    by_phone: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for contact in existing:
        for source in contact.source_ids:
            by_source.setdefault(source, contact.id)
        for email in contact.emails:
            by_email.setdefault(email_key(email), contact.id)
        for phone in contact.phones:
            if len(phone_key(phone)) >= MIN_PHONE_DIGITS:
                by_phone.setdefault(phone_key(phone), contact.id)
        by_name.setdefault(name_key(contact.name), []).append(contact.id)
    people: dict[str, str] = {}
    numbers: dict[str, int] = {}
    creates: list[NewContact] = []
    fills: dict[str, _Fill] = {}
    matched = 0
    for number, contact in enumerate(contacts, start=1):
        where = f"{label}: contact {number}"
        if contact.id in numbers:
            raise _inconsistent(f"{where} repeats the id {contact.id!r} of contact {numbers[contact.id]}")
        numbers[contact.id] = number
        try:
            validate.contact_record(contact, now.date())
            if contact.see_every_days is not None:
                validate.rhythm_days(contact.see_every_days, "see_every_days")
            if contact.created is not None:
                validate.when(contact.created, now, "created")
            if not contact.id.strip():
                raise ValidationError("id", "must not be empty")
        except ValidationError as exc:
            raise _refused(f"{where} ({_id(contact.id)})", exc) from None
        found = _match_export_contact(contact, by_id, by_source, by_email, by_phone, by_name)
        if found is not None:
            people[contact.id] = found
            matched += 1
            fill = fills.get(found)
            if fill is None:
                fill = fills[found] = _Fill(by_id[found])
            fill.gain(contact, by_source, by_email, by_phone)
            continue
        people[contact.id] = contact.id
        creates.append(
            NewContact(
                name=contact.name,
                emails=contact.emails,
                phones=contact.phones,
                birthday=contact.birthday,
                note=contact.note,
                aliases=contact.aliases,
                source_ids=contact.source_ids,
                uid=contact.id,
                circle=contact.circle,
                tags=contact.tags,
                every_days=contact.every_days,
                see_every_days=contact.see_every_days,
                archived=contact.archived,
                created=contact.created,
            )
        )
    updates = [update for fill in fills.values() if (update := fill.update()) is not None]
    states = plan_state(state, people, by_id, present_state, now=now, label=label)
    plan = ImportPlan(creates=tuple(creates), updates=tuple(updates), matched=matched, state=states)
    return plan, people


def _match_export_contact(
    contact: Contact,
    by_id: dict[str, Contact],
    by_source: dict[str, str],
    by_email: dict[str, str],
    by_phone: dict[str, str],
    by_name: dict[str, list[str]],
) -> str | None:
    """Return the id of the log contact an exported contact is: by id, by ``kinship:<id>`` or
    another source id, by email, by phone, then by a name exactly one contact has; else None."""
    if contact.id in by_id:
        return contact.id
    for source in (f"kinship:{contact.id}", *contact.source_ids):
        if source in by_source:
            return by_source[source]
    for email in contact.emails:
        if email_key(email) in by_email:
            return by_email[email_key(email)]
    for phone in contact.phones:
        key = phone_key(phone)
        if len(key) >= MIN_PHONE_DIGITS and key in by_phone:
            return by_phone[key]
    namesakes = by_name.get(name_key(contact.name), [])
    return namesakes[0] if len(namesakes) == 1 else None


class _Fill:
    """What exported contacts add to one contact already in the log (SPEC §9): new emails,
    phones, aliases, tags and source ids; circle, rhythms, birthday and note where it has none."""

    FIELDS = ("circle", "every_days", "see_every_days", "birthday", "note")

    def __init__(self, contact: Contact) -> None:
        self.contact = contact
        self.values: dict[str, list[str]] = {}
        self.keys: dict[str, set[str]] = {}
        for kind, have in (
            ("email", contact.emails),
            ("phone", contact.phones),
            ("alias", contact.aliases),
            ("tag", contact.tags),
            ("source", contact.source_ids),
        ):
            self.values[kind] = []
            self.keys[kind] = {match_key(kind, value) or value.strip() for value in have}
        self.fields: dict[str, Any] = {}

    def _gain(self, kind: str, values: Iterable[str]) -> None:
        keys = self.keys[kind]
        for value in values:
            key = match_key(kind, value) or value.strip()
            if value.strip() and key not in keys:
                keys.add(key)
                self.values[kind].append(value)

    def gain(
        self, contact: Contact, by_source: dict[str, str], by_email: dict[str, str], by_phone: dict[str, str]
    ) -> None:
        """Take what ``contact`` (from the export) adds; index its new keys for later matches."""
        found = self.contact.id
        sources = (
            (*contact.source_ids, f"kinship:{contact.id}") if contact.id != found else contact.source_ids
        )
        self._gain("email", contact.emails)
        self._gain("phone", contact.phones)
        self._gain("alias", contact.aliases)
        self._gain("tag", contact.tags)
        self._gain("source", sources)
        for source in sources:
            by_source.setdefault(source, found)
        for email in contact.emails:
            by_email.setdefault(email_key(email), found)
        for phone in contact.phones:
            if len(phone_key(phone)) >= MIN_PHONE_DIGITS:
                by_phone.setdefault(phone_key(phone), found)
        for name in self.FIELDS:
            value = getattr(contact, name)
            if value is not None and value != "" and getattr(self.contact, name) in (None, ""):
                self.fields.setdefault(name, value)

    def update(self) -> ContactUpdate | None:
        """Return the contact's update, or None when the export adds nothing."""
        if not (any(self.values.values()) or self.fields):
            return None
        return ContactUpdate(
            contact_id=self.contact.id,
            add_emails=tuple(self.values["email"]),
            add_phones=tuple(self.values["phone"]),
            add_source_ids=tuple(self.values["source"]),
            aliases=tuple(self.values["alias"]),
            add_tags=tuple(self.values["tag"]),
            **self.fields,
        )


def planned_contacts(existing: Sequence[Contact], plan: ImportPlan) -> list[Contact]:
    """Return the contacts of the log as they would be once ``plan`` (of a kinship JSON export)
    is applied: so ``--dry-run`` plans the next export of the same command against them."""
    updates = {update.contact_id: update for update in plan.updates}
    result: list[Contact] = []
    for contact in existing:
        update = updates.get(contact.id)
        if update is not None:
            fields = {
                name: getattr(update, name)
                for name in _Fill.FIELDS
                if getattr(update, name) is not None and getattr(contact, name) in (None, "")
            }
            contact = contact._replace(
                emails=contact.emails + update.add_emails,
                phones=contact.phones + update.add_phones,
                aliases=contact.aliases + update.aliases,
                tags=contact.tags + update.add_tags,
                source_ids=contact.source_ids + update.add_source_ids,
                **fields,
            )
        result.append(contact)
    for new_contact in plan.creates:
        if new_contact.uid is not None:
            result.append(
                Contact(
                    id=new_contact.uid,
                    name=new_contact.name,
                    circle=new_contact.circle,
                    aliases=new_contact.aliases,
                    tags=new_contact.tags,
                    emails=new_contact.emails,
                    phones=new_contact.phones,
                    birthday=new_contact.birthday,
                    every_days=new_contact.every_days,
                    note=new_contact.note,
                    archived=new_contact.archived,
                    created=new_contact.created,
                    source_ids=new_contact.source_ids,
                    see_every_days=new_contact.see_every_days,
                )
            )
    return result


STATE_KEY_MAX = 300
"""The longest nudge key a snooze, dismissal or reminder may name (kinship's are under 50)."""
_STATE_NAMES = {"snooze": "snooze", "dismiss": "dismissal", "remind": "reminder"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def plan_state(
    state: Iterable[StateRecord],
    people: dict[str, str],
    known: Collection[str],
    present: Collection[str],
    *,
    now: dt.datetime | None = None,
    label: str = "the export",
) -> tuple[StateRecord, ...]:
    """Return the exported snoozes, dismissals and reminders not in the log yet (by id), each
    naming its contact by the id it has in the log (``people``; else an id the log ``known``s).

    Raises DataError naming the record for one that repeats an id, names a contact the export
    lacks, has a key that is not one line of text, or (with ``now``) was made in the future or
    before 1900 (SPEC §5).
    """
    from kinship import validate
    from kinship.errors import ValidationError

    seen: dict[str, str] = {}
    numbers: dict[str, int] = {}
    planned: list[StateRecord] = []
    for record in state:
        kind = _STATE_NAMES.get(record.kind, str(record.kind))
        numbers[kind] = numbers.get(kind, 0) + 1
        where = f"{label}: state {kind} {numbers[kind]} ({_id(record.id)})"
        if record.id in seen:
            raise _inconsistent(f"{where} repeats the id of {seen[record.id]}")
        seen[record.id] = f"{kind} {numbers[kind]}"
        try:
            validate.unicode_text(record.id, "id")
            if not record.id.strip() or len(record.id) > STATE_KEY_MAX or _CONTROL.search(record.id):
                raise ValidationError("id", f"must be one line of 1 to {STATE_KEY_MAX} characters")
            if record.key is not None:
                validate.unicode_text(record.key, "key")
                if not record.key.strip() or len(record.key) > STATE_KEY_MAX or _CONTROL.search(record.key):
                    raise ValidationError("key", f"must be one line of 1 to {STATE_KEY_MAX} characters")
            if now is not None:
                validate.when(record.made_at, now, "made_at")
                latest = now.date() + dt.timedelta(days=1)  # a day ahead in another zone
                if not (record.made_day.year >= validate.FIRST_YEAR and record.made_day <= latest):
                    raise ValidationError("made_day", "must be a past day", record.made_day.isoformat())
            if record.until is not None and record.until.year < validate.FIRST_YEAR:
                raise ValidationError(
                    "until", f"must be in {validate.FIRST_YEAR} or later", record.until.isoformat()
                )
        except ValidationError as exc:
            raise _refused(where, exc) from None
        if record.id in present:
            continue
        contact_id = None
        if record.contact_id:
            contact_id = people.get(record.contact_id) or (
                record.contact_id if record.contact_id in known else None
            )
            if contact_id is None:
                raise DataError(
                    f"{where}: names a contact ({_id(record.contact_id)}) the export lacks; nothing was imported",
                    "export it again",
                )
        planned.append(dataclasses.replace(record, contact_id=contact_id))
    return tuple(planned)


class ExportInteractions:
    """Plans an export's interactions a batch at a time; counts what it adds and leaves out.

    ``people`` maps exported contact ids to contacts in the log (``plan_export``); an interaction
    may also name a contact the log already has by id. For each batch the shell says which ids
    and sources were in the log before this import (``present``: left out as already imported,
    however often the file repeats them) and which this import adds earlier (``repeated``: the
    file is inconsistent).
    """

    def __init__(
        self, people: dict[str, str], known: Collection[str], *, now: dt.datetime, label: str
    ) -> None:
        self.people = people
        self.known = known
        self.now = now
        self.label = label
        self.added = 0
        self.skipped = 0
        self._checked: object = None

    def check(self, batch: Sequence[tuple[int, Interaction, bytes]]) -> None:
        """Raise DataError for the first interaction of the batch that breaks a data rule (once a
        batch: the shell checks before it looks the batch's ids up, ``plan`` again if it did not)."""
        from kinship import validate
        from kinship.errors import ValidationError

        if batch and self._checked is batch:
            return
        check, now, label = validate.interaction_record, self.now, self.label
        for number, interaction, _ in batch:
            try:
                check(interaction, now)
                if interaction.created is not None:
                    validate.when(interaction.created, now, "created")
                if not interaction.id.strip():
                    raise ValidationError("id", "must not be empty")
            except ValidationError as exc:
                raise _refused(f"{label}: interaction {number} ({_id(interaction.id)})", exc) from None
        self._checked = batch

    def plan(
        self,
        batch: Sequence[tuple[int, Interaction, bytes]],
        *,
        present: Collection[bytes] = frozenset(),
        present_sources: Collection[str] = frozenset(),
        repeated: Collection[bytes] = frozenset(),
        repeated_sources: Collection[str] = frozenset(),
    ) -> list[PlannedInteraction]:
        """Return the batch's interactions to add (the batch is (number, interaction, stored id))."""
        planned: list[PlannedInteraction] = []
        seen: set[bytes] = set()
        seen_sources: set[str] = set()
        people, known = self.people, self.known
        label = self.label
        self.check(batch)
        for number, interaction, uid in batch:
            # one rule, whatever the batches and the mode: a record already in the log (by id,
            # or by source: imported before under another id) is left out, however often the
            # file has it; one this import adds must not come again
            source = interaction.source
            if uid in present or (source is not None and source in present_sources):
                self.skipped += 1
                continue
            if uid in repeated or uid in seen:
                raise _inconsistent(
                    f"{label}: interaction {number} repeats the id {interaction.id!r} of an earlier interaction"
                )
            seen.add(uid)
            if source is not None:
                if source in repeated_sources or source in seen_sources:
                    raise _inconsistent(
                        f"{label}: interaction {number} repeats the source {source!r} of an earlier interaction"
                    )
                seen_sources.add(source)
            ids: list[str] = []
            for person in interaction.people:
                found = people.get(person.id) or (person.id if person.id in known else None)
                if found is None:
                    raise DataError(
                        f"{label}: interaction {number}: names a contact ({_id(person.id)}) the export lacks",
                        "export it again",
                    )
                if found not in ids:
                    ids.append(found)
            planned.append(
                PlannedInteraction(
                    source_id=source,
                    when=interaction.when,
                    day=interaction.day,
                    channel=interaction.channel,
                    contact_ids=tuple(ids),
                    messages=interaction.messages,
                    minutes=interaction.minutes,
                    uid=uid,
                    note=interaction.note,
                    feel=interaction.feel,
                    group=interaction.group,
                    created=interaction.created or interaction.when,
                )
            )
        self.added += len(planned)
        return planned
