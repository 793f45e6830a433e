"""The import and export actions: files in, one transaction; everything out, losslessly.

Every file is read, detected and parsed before anything is written, and the whole import is one
``BEGIN IMMEDIATE`` transaction: all of it, or none of it. Parsers are pure (``importers/``);
this module only reads files, asks the store, applies the plan, and writes exports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence

from kinship.errors import DataError, UsageError
from kinship.keys import match_key, name_key
from kinship.lean import TYPE_CHECKING, dataclass, field
from kinship.models import Channel, Contact, Interaction
from kinship.store import Store

if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any

EXPORT_VERSION = 1
_NOTHING_HINT = "pass --me with your name exactly as the chat shows it (or set me in the config)"
HEAD_BYTES = 64 * 1024
Progress = Callable[[int, int], None]
"""Called with (done, total) while an import writes."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed (or, with ``dry_run``, would change), and what it left out and why.

    ``left_out`` holds (reason key, count) pairs: the parsers' reasons (lines not read, messages
    from the owner only, after now, calendar system addresses, recurrences cut at today…) and the
    planner's (already imported, already logged by hand, people who are not contacts). Their
    wording is ``importers.records.LEFT_OUT``. ``nothing`` says why an import changed nothing.
    """

    files: tuple[str, ...]
    formats: tuple[str, ...]
    created: tuple[str, ...] = ()
    updated: int = 0
    added: int = 0
    skipped_duplicates: int = 0
    skipped_hand_logged: int = 0
    skipped_unmatched: int = 0
    unmatched_names: tuple[str, ...] = ()
    dry_run: bool = False
    state_rows: int = 0
    matched: int = 0
    left_out: tuple[tuple[str, int], ...] = ()
    nothing: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the summary as a JSON object."""
        return {
            "files": list(self.files),
            "formats": list(self.formats),
            "dry_run": self.dry_run,
            "contacts_created": list(self.created),
            "contacts_matched": self.matched,
            "contacts_updated": self.updated,
            "interactions_added": self.added,
            "skipped_duplicates": self.skipped_duplicates,
            "skipped_hand_logged": self.skipped_hand_logged,
            "skipped_unmatched": self.skipped_unmatched,
            "unmatched": list(self.unmatched_names),
            "left_out": dict(self.left_out),
            "nothing": self.nothing,
        }


def nothing_reason(
    plan_empty: bool, read_anything: bool, left_out: dict[str, int], *, new: bool
) -> tuple[str | None, bool]:
    """Return why an import changes nothing (None when it changes something) and whether that
    means the file was not understood (an error: exit 5) rather than simply holding nothing new.
    """
    if not plan_empty:
        return None, False
    if left_out.get("already_imported") and not left_out.get("unknown_participants"):
        return f"nothing new: all {left_out['already_imported']} already imported", False
    if not read_anything and left_out.get("owner_only"):
        return "nothing to import: every message is from you — is `--me` right?", True
    if not read_anything and left_out.get("after_now"):
        return "nothing to import: everything is dated after now — are the clock and time zone right?", False
    if left_out.get("unknown_participants") and not new:
        return "nothing to import: nobody in it is a contact yet — pass --new to add them", False
    if left_out.get("nobody_known"):
        return (
            "nothing to import: no event or chat in it is with one of your contacts (by attendee or by name)",
            False,
        )
    if left_out.get("hand_logged"):
        return "nothing to import: those days are already logged", False
    return "nothing to import: the file holds no contacts, events or messages kinship reads", False


@dataclass
class _ReadFile:
    label: str
    fmt: str
    contacts: list[Any] = field(default_factory=list)
    interactions: list[Any] = field(default_factory=list)
    export: ExportFile | None = None
    left_out: tuple[tuple[str, int], ...] = ()


def _open_checked(path: Path, label: str) -> IO[bytes]:
    try:
        missing, folder = not path.exists(), path.is_dir()
    except OSError as exc:  # a name the system refuses (too long, …) names no file
        raise UsageError(f"{label[:80]}: not a usable file name ({exc.strerror})", "check the path") from exc
    if missing:
        raise UsageError(f"{label}: no such file", "check the path")
    if folder:
        raise DataError(f"{label} is a folder, not a readable file", "name the exported file itself")
    try:
        return open(path, "rb")
    except OSError as exc:
        raise DataError(f"{label}: cannot read it ({exc.strerror})", "check the file's permissions") from exc


def _read_file(
    path: Path, fmt: str | None, *, zone: dt.tzinfo, now: dt.datetime, me: str | None
) -> _ReadFile:
    from kinship.importers import parse_file
    from kinship.importers.detect import FORMATS, detect_format

    label = str(path)
    with _open_checked(path, label) as handle:
        try:
            head = handle.read(HEAD_BYTES)
        except OSError as exc:
            raise DataError(f"{label}: cannot read it ({exc.strerror})", "check the file") from exc
        chosen = fmt or detect_format(head, path.name)
        if chosen not in FORMATS:
            raise UsageError(f"unknown format {chosen!r}", f"use one of: {', '.join(FORMATS)}")
        handle.seek(0)
        if chosen == "json":
            handle.close()
            return _ReadFile(label, chosen, export=_read_export(path, label))
        parsed = parse_file(chosen, handle, label=label, zone=zone, now=now, me=me)
    return _ReadFile(label, chosen, list(parsed.contacts), list(parsed.interactions), None, parsed.left_out)


@dataclass
class ExportFile:
    """A kinship JSON export: contacts and state in memory, interactions streamed from the file.

    Any layout streams (kinship's own one object a line, re-indented, minified, keys in any
    order): ``importers.kinship_json`` decodes one record at a time.
    """

    path: Path
    label: str
    contacts: list[Any]
    state: Any
    interaction_count: int

    def interactions(self) -> Iterator[Any]:
        """Yield the export's interaction objects in file order."""
        from kinship.importers.kinship_json import iter_export

        with open(self.path, encoding="utf-8-sig") as handle:
            for section, _number, value in iter_export(handle, self.label):
                if section == "interactions":
                    yield value


def _read_export(path: Path, label: str) -> ExportFile:
    """Read a kinship JSON export's contacts and state, and count its interactions (streamed)."""
    from kinship.importers.kinship_json import iter_export

    contacts: list[Any] = []
    state: Any = {}
    count = 0
    header: dict[str, Any] = {}
    with open(path, encoding="utf-8-sig") as handle:
        for section, _number, value in iter_export(handle, label):
            if section == "header":
                header[value[0]] = value[1]
            elif section == "contacts":
                contacts.append(value)
            elif section == "interactions":
                count += 1
            else:
                state = value
    version = header.get("kinship_export")
    if version is None:
        raise DataError(f"{label}: not a kinship JSON export (no kinship_export key)", "pass --format")
    if version != EXPORT_VERSION:
        raise DataError(
            f"{label}: export version {version} is not one this kinship reads",
            "upgrade kinship (pip install -U kinship-cli)",
        )
    return ExportFile(path, label, contacts, state, count)


def _already_logged(store: Store, days: Iterable[dt.date]) -> set[tuple[dt.date, Channel, str]]:
    """Return (day, channel, contact id) of interactions logged by hand or imported from a chat."""
    wanted = sorted(set(days))
    return store.chat_and_hand_days(wanted[0], wanted[-1]) if wanted else set()


def import_files(
    store: Store,
    now: dt.datetime,
    zone: dt.tzinfo,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    me: str | None = None,
    new: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import contacts and interactions from files; one transaction, all or nothing."""
    from pathlib import Path

    from kinship.importers.plan import plan_import

    if not paths:
        raise UsageError("name at least one file to import", "e.g. kinship import contacts.vcf")
    read = [_read_file(path, fmt, zone=zone, now=now, me=me) for path in paths]
    exports = [item for item in read if item.export is not None]
    if exports and len(exports) != len(read):
        raise UsageError("import a kinship JSON export on its own", "run one import per export file")
    if exports:
        return _import_exports(store, now, exports, dry_run=dry_run, progress=progress)
    contacts = [record for item in read for record in item.contacts]
    interactions = [record for item in read for record in item.interactions]
    names = ", ".join(Path(item.label).name for item in read)
    context = store.read() if dry_run else store.write(describe=f"import: {names}")
    with context:
        plan = plan_import(
            store.contacts(),
            contacts,
            interactions,
            present_sources=store.present_sources(record.source_id for record in interactions),
            hand_logged=_already_logged(store, (record.day for record in interactions)),
            new=new,
            now=now,
        )
        left_out: dict[str, int] = {}
        for item in read:
            for reason, count in item.left_out:
                left_out[reason] = left_out.get(reason, 0) + count
        for reason, count in (
            ("already_imported", plan.skipped_duplicates),
            ("hand_logged", plan.skipped_hand_logged),
            ("unknown_participants", len(plan.unmatched_names)),
            ("nobody_known", plan.skipped_unmatched),
        ):
            if count:
                left_out[reason] = count
        for rule, count in plan.invalid:
            left_out[f"invalid: {rule}"] = count
        nothing, not_understood = nothing_reason(
            plan.is_empty, bool(contacts or interactions), left_out, new=new
        )
        if not_understood:
            raise DataError(f"{', '.join(item.label for item in read)}: {nothing}", _NOTHING_HINT)
        if not dry_run:
            _apply_plan(store, plan, now, progress)
    return ImportSummary(
        files=tuple(item.label for item in read),
        formats=tuple(item.fmt for item in read),
        created=tuple(contact.name for contact in plan.creates),
        updated=plan.updated,
        added=plan.added,
        skipped_duplicates=plan.skipped_duplicates,
        skipped_hand_logged=plan.skipped_hand_logged,
        skipped_unmatched=plan.skipped_unmatched,
        unmatched_names=plan.unmatched_names,
        dry_run=dry_run,
        matched=plan.matched,
        left_out=tuple(sorted(left_out.items())),
        nothing=nothing,
    )


def _add_values(store: Store, rowid: int, kind: str, values: Iterable[str]) -> None:
    for value in values:
        if value.strip():
            store.add_value(rowid, kind, value.strip(), match_key(kind, value) or value.strip())


def _apply_plan(store: Store, plan: Any, now: dt.datetime, progress: Progress | None) -> None:
    created_rowids: list[int] = []
    for new_contact in plan.creates:
        created = now
        if new_contact.added is not None:  # the day the file says they were added, at noon there
            created = min(now, dt.datetime.combine(new_contact.added, dt.time(12), tzinfo=now.tzinfo))
        rowid = store.insert_contact(
            name=new_contact.name,
            name_key=name_key(new_contact.name),
            created=created,
            birthday=new_contact.birthday,
            note=new_contact.note,
        )
        _add_values(store, rowid, "email", new_contact.emails)
        _add_values(store, rowid, "phone", new_contact.phones)
        _add_values(store, rowid, "alias", new_contact.aliases)
        _add_values(store, rowid, "source", new_contact.source_ids)
        created_rowids.append(rowid)
    for update in plan.updates:
        found = store.contact_rowid(update.contact_id)
        if found is None:
            raise DataError("a contact vanished during the import", "run the import again")
        rowid = found
        _add_values(store, rowid, "email", update.add_emails)
        _add_values(store, rowid, "phone", update.add_phones)
        _add_values(store, rowid, "source", update.add_source_ids)
        _add_values(store, rowid, "alias", update.aliases)
        fields: dict[str, object] = {}
        if update.birthday is not None:
            fields["birthday"] = update.birthday
        if update.note is not None:
            fields["note"] = update.note
        store.update_contact(rowid, fields)
    rowids_by_uid: dict[str, int] = {}
    total = len(plan.interactions)
    for done, item in enumerate(plan.interactions, start=1):
        people: list[int] = [created_rowids[index] for index in item.new_contacts]
        for uid in item.contact_ids:
            if uid not in rowids_by_uid:
                found = store.contact_rowid(uid)
                if found is None:
                    raise DataError("a contact vanished during the import", "run the import again")
                rowids_by_uid[uid] = found
            people.append(rowids_by_uid[uid])
        store.insert_interaction(
            when=item.when,
            day=item.day,
            channel=item.channel,
            contact_rowids=sorted(set(people)),
            created=now,
            source=item.source_id,
            messages=item.messages,
            minutes=item.minutes,
        )
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)


# ---- kinship's own JSON ----------------------------------------------------------------------


def _uid_bytes(value: str) -> bytes:
    """Return the 16-byte id of an exported interaction id (32 hex digits, else a hash of it)."""
    text = value.strip().lower()
    if len(text) == 32:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    return hashlib.sha256(value.encode("utf-8")).digest()[:16]


def _parse_instant(value: Any, label: str, what: str) -> dt.datetime:
    if not isinstance(value, str):
        raise DataError(f"{label}: {what} must be an ISO 8601 date-time", "export it again")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise DataError(f"{label}: {what} {value!r} is not an ISO 8601 date-time", "export it again") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _parse_day(value: Any, label: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(f"{label}: {what} {value!r} is not an ISO date", "export it again") from exc


def _import_exports(
    store: Store, now: dt.datetime, exports: Sequence[_ReadFile], *, dry_run: bool, progress: Progress | None
) -> ImportSummary:
    from pathlib import Path

    from kinship import validate
    from kinship.errors import ValidationError

    created: list[str] = []
    added = 0
    skipped = 0
    state_rows = 0
    names = ", ".join(Path(item.label).name for item in exports)
    context = store.read() if dry_run else store.write(describe=f"import: {names}")
    with context:
        before = store.last_interaction_rowid()  # rows above it came from this import
        for item in exports:
            assert item.export is not None
            data = item.export
            seen_contacts: dict[str, int] = {}
            seen_uids: set[bytes] = set()  # only for --dry-run, which writes nothing to ask
            seen_sources: set[str] = set()
            rowids: dict[str, int] = {}
            by_name: dict[str, list[int]] = {}
            for entry in store.name_entries():
                by_name.setdefault(name_key(entry.name), []).append(entry.rowid)
            for number, raw in enumerate(data.contacts, start=1):
                where = f"{item.label}: contact {number}"
                contact = _contact_from_json(raw, where)
                if contact.id in seen_contacts:
                    raise DataError(
                        f"{where} repeats the id {contact.id!r} of contact {seen_contacts[contact.id]}:"
                        " the file is inconsistent; nothing was imported",
                        "export it again from kinship",
                    )
                seen_contacts[contact.id] = number
                try:
                    validate.contact_record(contact, now.date())
                except ValidationError as exc:
                    raise DataError(
                        f"{where} ({contact.id}): {exc.message}; nothing was imported", "fix that record"
                    ) from None
                source = f"kinship:{contact.id}"
                existing = store.contact_rowid(contact.id)
                if existing is None:
                    joined = store.contacts_by_value("source", source)
                    existing = joined[0] if joined else None
                namesakes = by_name.get(name_key(contact.name), [])  # contacts there before this import
                if existing is None and len(namesakes) == 1:
                    # the same name already in this log is the same person (as in every import):
                    # the export's interactions join them, and the export's id is kept as a source
                    existing = namesakes[0]
                    if not dry_run:
                        store.add_value(existing, "source", source, source)
                if existing is not None:
                    rowids[contact.id] = existing
                    continue
                created.append(contact.name)
                if dry_run:
                    continue
                rowid = store.insert_contact(
                    uid=contact.id,
                    name=contact.name,
                    name_key=name_key(contact.name),
                    created=contact.created or now,
                    circle=contact.circle,
                    every_days=contact.every_days,
                    birthday=contact.birthday,
                    note=contact.note,
                    archived=contact.archived,
                )
                _add_values(store, rowid, "alias", contact.aliases)
                _add_values(store, rowid, "tag", contact.tags)
                _add_values(store, rowid, "email", contact.emails)
                _add_values(store, rowid, "phone", contact.phones)
                _add_values(store, rowid, "source", contact.source_ids)
                rowids[contact.id] = rowid
            total = data.interaction_count
            for number, raw in enumerate(data.interactions(), start=1):
                label = f"{item.label}: interaction {number}"
                interaction = _interaction_from_json(raw, label)
                try:
                    validate.interaction_record(interaction, now)
                except ValidationError as exc:
                    raise DataError(
                        f"{label} ({interaction.id}): {exc.message}; nothing was imported", "fix that record"
                    ) from None
                uid = _uid_bytes(interaction.id)
                present = store.interaction_rowid(uid)
                if (present is not None and present > before) or uid in seen_uids:
                    raise DataError(
                        f"{label} repeats the id {interaction.id!r} of an earlier interaction:"
                        " the file is inconsistent; nothing was imported",
                        "export it again from kinship",
                    )
                if interaction.source is not None:
                    by_source = store.interaction_rowid_by_source(interaction.source)
                    if (by_source is not None and by_source > before) or interaction.source in seen_sources:
                        raise DataError(
                            f"{label} repeats the source {interaction.source!r} of an earlier interaction:"
                            " the file is inconsistent; nothing was imported",
                            "export it again from kinship",
                        )
                    if dry_run:
                        seen_sources.add(interaction.source)
                    if by_source is not None and present is None:
                        skipped += 1  # imported before from the same file under another id
                        continue
                if dry_run:
                    seen_uids.add(uid)
                if present is not None:
                    skipped += 1
                    continue
                added += 1
                if dry_run:
                    continue
                people = []
                for person in interaction.people:
                    person_rowid = rowids.get(person.id) or store.contact_rowid(person.id)
                    if person_rowid is None:
                        raise DataError(
                            f"{label}: names a contact ({person.id}) the export lacks", "export it again"
                        )
                    people.append(person_rowid)
                store.insert_interaction(
                    uid=uid,
                    when=interaction.when,
                    day=interaction.day,
                    channel=interaction.channel,
                    contact_rowids=people,
                    created=interaction.created or interaction.when,
                    minutes=interaction.minutes,
                    note=interaction.note,
                    feel=interaction.feel,
                    group=interaction.group,
                    source=interaction.source,
                    messages=interaction.messages,
                )
                if progress is not None and (number % 1000 == 0 or number == total):
                    progress(number, total)
            if not dry_run:
                state_rows += _import_state(store, data.state or {}, item.label)
    return ImportSummary(
        files=tuple(item.label for item in exports),
        formats=("json",) * len(exports),
        created=tuple(created),
        added=added,
        skipped_duplicates=skipped,
        dry_run=dry_run,
        state_rows=state_rows,
    )


def _strings(raw: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataError(f"{label}: {key!r} must be a list of strings", "export it again")
    return tuple(value)


def _optional(raw: dict[str, Any], key: str, kind: type, label: str) -> Any:
    value = raw.get(key)
    if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is int)):
        raise DataError(f"{label}: {key!r} has the wrong type", "export it again")
    return value


def _contact_from_json(raw: Any, label: str) -> Contact:
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("id"), str)
        or not isinstance(raw.get("name"), str)
    ):
        raise DataError(f"{label}: a contact needs an id and a name", "export it again")
    created = raw.get("created")
    return Contact(
        id=raw["id"],
        name=raw["name"],
        circle=_optional(raw, "circle", str, label),
        aliases=_strings(raw, "aliases", label),
        tags=_strings(raw, "tags", label),
        emails=_strings(raw, "emails", label),
        phones=_strings(raw, "phones", label),
        birthday=_optional(raw, "birthday", str, label),
        every_days=_optional(raw, "every_days", int, label),
        note=_optional(raw, "note", str, label),
        archived=bool(raw.get("archived", False)),
        created=None if created is None else _parse_instant(created, label, "created"),
        source_ids=_strings(raw, "source_ids", label),
    )


def _interaction_from_json(raw: Any, label: str) -> Interaction:
    from kinship.models import ContactRef

    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise DataError(f"{label}: an interaction needs an id", "export it again")
    when = _parse_instant(raw.get("when"), label, "when")
    try:
        channel = Channel(str(raw.get("channel")))
    except ValueError as exc:
        raise DataError(f"{label}: unknown channel {raw.get('channel')!r}", "export it again") from exc
    people_raw = raw.get("people") or []
    if not isinstance(people_raw, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in people_raw
    ):
        raise DataError(f"{label}: 'people' must be a list of {{id, name}}", "export it again")
    created = raw.get("created")
    return Interaction(
        id=raw["id"],
        when=when,
        day=_parse_day(raw.get("day") or when.date().isoformat(), label, "day"),
        channel=channel,
        people=tuple(ContactRef(p["id"], str(p.get("name", ""))) for p in people_raw),
        minutes=_optional(raw, "minutes", int, label),
        note=_optional(raw, "note", str, label),
        feel=_optional(raw, "feel", int, label),
        group=_optional(raw, "group", str, label),
        source=_optional(raw, "source", str, label),
        messages=_optional(raw, "messages", int, label),
        created=None if created is None else _parse_instant(created, label, "created"),
    )


def _import_state(store: Store, state: Any, label: str) -> int:
    if not isinstance(state, dict):
        raise DataError(f"{label}: 'state' must be an object", "export it again")
    rows = 0
    present = store.nudge_state_uids()
    for kind, plural in (("snooze", "snoozes"), ("dismiss", "dismissals"), ("remind", "reminders")):
        for raw in state.get(plural) or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or raw["id"] in present:
                continue
            contact_rowid = None
            if raw.get("contact_id"):
                contact_rowid = store.contact_rowid(str(raw["contact_id"]))
            until = raw.get("until")
            store.add_nudge_state(
                uid=raw["id"],
                kind=kind,
                key=raw.get("key"),
                contact_rowid=contact_rowid,
                made_at=_parse_instant(raw.get("made_at"), label, "made_at"),
                made_day=_parse_day(raw.get("made_day"), label, "made_day"),
                until_day=None if until is None else _parse_day(until, label, "until"),
            )
            rows += 1
    return rows


# ---- export ---------------------------------------------------------------------------------


def _state_json(store: Store) -> dict[str, list[dict[str, Any]]]:
    from kinship.store import day_from_number

    state: dict[str, list[dict[str, Any]]] = {"snoozes": [], "dismissals": [], "reminders": []}
    plural = {"snooze": "snoozes", "dismiss": "dismissals", "remind": "reminders"}
    for uid, kind, key, contact_uid, made_at, made_day, until_day in store.nudge_state_rows():
        state[plural[kind]].append(
            {
                "id": uid,
                "key": key,
                "contact_id": contact_uid,
                "made_at": dt.datetime.fromtimestamp(made_at, dt.UTC).isoformat(),
                "made_day": day_from_number(made_day).isoformat(),
                "until": None if until_day is None else day_from_number(until_day).isoformat(),
            }
        )
    return state


def write_json_export(store: Store, now: dt.datetime, out: IO[str]) -> int:
    """Write everything as kinship's JSON export, one object a line; return the interaction count."""
    from kinship.render import contact_json, interaction_json

    count = 0
    with store.read():
        exported_at = json.dumps(now.isoformat())
        out.write(f'{{"kinship_export": {EXPORT_VERSION}, "exported_at": {exported_at}, "contacts": [')
        for number, contact in enumerate(store.contacts()):
            out.write(
                ("\n" if number == 0 else ",\n") + json.dumps(contact_json(contact), ensure_ascii=False)
            )
        out.write('\n], "interactions": [')
        for interaction in store.iter_interactions():
            out.write(
                ("\n" if count == 0 else ",\n")
                + json.dumps(interaction_json(interaction), ensure_ascii=False)
            )
            count += 1
        out.write('\n], "state": ' + json.dumps(_state_json(store), ensure_ascii=False) + "}\n")
    return count


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "id", "when", "day", "channel", "mode", "people", "minutes", "feel", "group", "messages", "source", "note",
)  # fmt: skip


def csv_cell(value: object) -> str:
    """Return a CSV cell, with formula-looking text escaped by a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv_export(store: Store, out: IO[str]) -> int:
    """Write every interaction as CSV; return how many."""
    import csv

    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    with store.read():
        for item in store.iter_interactions():
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (
                        item.id,
                        item.when.isoformat(),
                        item.day.isoformat(),
                        item.channel.value,
                        item.mode.value,
                        "; ".join(person.name for person in item.people),
                        item.minutes,
                        item.feel,
                        item.group,
                        item.messages,
                        item.source,
                        item.note,
                    )
                ]
            )
            count += 1
    return count
