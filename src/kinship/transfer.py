"""The import and export actions: files in, one transaction; everything out, losslessly.

Every file is read, detected and parsed before anything is written, and the whole import is one
``BEGIN IMMEDIATE`` transaction: all of it, or none of it. Parsers are pure (``importers/``);
this module only reads files, asks the store, applies the plan, and writes exports.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence

from kinship.errors import DataError, UsageError
from kinship.exportfmt import EXPORT_VERSION
from kinship.keys import match_key, name_key
from kinship.lean import TYPE_CHECKING, dataclass, field
from kinship.models import Channel
from kinship.store import Store

if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any

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
    if read_anything and not left_out:  # every contact matched, with nothing to add
        return "nothing new: every contact in it is in the log already", False
    return "nothing to import: the file holds no contacts, events or messages kinship reads", False


@dataclass
class _ReadFile:
    label: str
    fmt: str
    contacts: list[Any] = field(default_factory=list)
    interactions: list[Any] = field(default_factory=list)
    export: ExportFile | None = None
    left_out: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ExportFile:
    """A kinship JSON export: its head (header, contacts) read; interactions and state stream."""

    path: Path
    label: str
    head: Any  # importers.kinship_json.ExportHead


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
            from kinship.importers.kinship_json import read_head

            text = io.TextIOWrapper(handle, encoding="utf-8-sig")
            try:
                export_head = read_head(text, label)
            finally:
                text.detach()
            return _ReadFile(label, chosen, export=ExportFile(path, label, export_head))
        parsed = parse_file(chosen, handle, label=label, zone=zone, now=now, me=me)
    return _ReadFile(label, chosen, list(parsed.contacts), list(parsed.interactions), None, parsed.left_out)


def _already_logged(store: Store, days: Iterable[dt.date]) -> set[tuple[dt.date, Channel, str]]:
    """Return (day, channel, contact id) of interactions logged by hand or imported from a chat."""
    wanted = sorted(set(days))
    return store.chat_and_hand_days(wanted[0], wanted[-1]) if wanted else set()


BATCH = 2000
"""Interactions of a kinship JSON export planned and written together."""


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
    """Import contacts and interactions from files; one transaction, all or nothing.

    Every format takes one road: the files' records are planned (``importers.plan``, pure), the
    plan is applied, and the summary says what was created, matched, added and left out. A
    kinship JSON export is planned the same way, its interactions a batch at a time as they
    stream from the file, so a million of them import in bounded memory.
    """
    from pathlib import Path

    from kinship.importers.plan import plan_import

    if not paths:
        raise UsageError("name at least one file to import", "e.g. kinship import contacts.vcf")
    read = [_read_file(path, fmt, zone=zone, now=now, me=me) for path in paths]
    exports = [item.export for item in read if item.export is not None]
    if exports and len(exports) != len(read):
        raise UsageError("import a kinship JSON export on its own", "run one import per export file")
    names = ", ".join(Path(item.label).name for item in read)
    context = store.read() if dry_run else store.write(describe=f"import: {names}")
    left_out: dict[str, int] = {}
    with context:
        if exports:
            plan, added, skipped = _import_exports(store, now, exports, dry_run=dry_run, progress=progress)
            read_anything = bool(added or skipped or any(export.head.contacts for export in exports))
            if skipped:
                left_out["already_imported"] = skipped
        else:
            contacts = [record for item in read for record in item.contacts]
            interactions = [record for item in read for record in item.interactions]
            plan = plan_import(
                store.contacts(),
                contacts,
                interactions,
                present_sources=store.present_sources(record.source_id for record in interactions),
                hand_logged=_already_logged(store, (record.day for record in interactions)),
                new=new,
                now=now,
            )
            added = plan.added
            read_anything = bool(contacts or interactions)
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
            not (plan.creates or plan.updates or added or plan.state), read_anything, left_out, new=new
        )
        if not_understood:
            raise DataError(f"{', '.join(item.label for item in read)}: {nothing}", _NOTHING_HINT)
        if not dry_run and not exports:
            rowids = _apply_contacts(store, plan, now)
            _apply_interactions(store, plan.interactions, rowids, now)
            if progress is not None and plan.interactions:
                progress(len(plan.interactions), len(plan.interactions))
    return ImportSummary(
        files=tuple(item.label for item in read),
        formats=tuple(item.fmt for item in read),
        created=tuple(contact.name for contact in plan.creates),
        updated=plan.updated,
        added=added,
        skipped_duplicates=left_out.get("already_imported", 0),
        skipped_hand_logged=plan.skipped_hand_logged,
        skipped_unmatched=plan.skipped_unmatched,
        unmatched_names=plan.unmatched_names,
        dry_run=dry_run,
        state_rows=len(plan.state),
        matched=plan.matched,
        left_out=tuple(sorted(left_out.items())),
        nothing=nothing,
    )


def _import_exports(
    store: Store, now: dt.datetime, exports: Sequence[ExportFile], *, dry_run: bool, progress: Progress | None
) -> tuple[Any, int, int]:
    """Plan (and unless ``dry_run`` apply) kinship JSON exports; return (contacts plan, added, skipped).

    The contacts and state are planned whole (``plan_export``); the interactions stream through
    ``ExportInteractions`` a batch at a time, each batch's ids and sources looked up in the log
    in one query. Rows this import wrote lie above the highest row id it started from, so an id
    repeated in the file is told from one imported before; ``--dry-run``, which writes nothing,
    keeps the ids it has seen in temporary tables instead of in memory.
    """
    import contextlib

    from kinship.store import RepeatedKey

    before = store.last_interaction_rowid()
    bulk = not dry_run and _is_bulk(store, exports)
    unique_later = bulk and before == 0 and len(exports) == 1  # nothing to look up in the log
    try:
        with contextlib.ExitStack() as stack:
            # the page cache a long import needs: for the random-order id index it keeps in step
            # (or, with --dry-run, looks up and notes); little when it builds every index at the end
            kib = SMALL_CACHE_KIB if unique_later else DRY_RUN_CACHE_KIB if dry_run else IMPORT_CACHE_KIB
            stack.enter_context(store.import_cache(kib, temp=dry_run))
            if bulk:
                stack.enter_context(store.bulk_import(unique=unique_later))
            return _plan_and_apply_exports(
                store, now, exports, dry_run=dry_run, progress=progress, look_up=not unique_later
            )
    except RepeatedKey as exc:  # every row was written, in file order: row id = record number
        what = "id" if exc.column == "uid" else "source"
        key = exc.key.hex() if isinstance(exc.key, bytes) else exc.key
        raise _inconsistent_file(
            f"{exports[0].label}: interaction {exc.rowid - before} repeats the {what} {key!r}"
            " of an earlier interaction"
        ) from None


def _inconsistent_file(what: str) -> DataError:
    return DataError(
        f"{what}: the file is inconsistent; nothing was imported", "export it again from kinship"
    )


IMPORT_CACHE_KIB = 24 * 1024
DRY_RUN_CACHE_KIB = 16 * 1024
"""Each for the log and for the temporary database (the ids --dry-run has seen)."""
SMALL_CACHE_KIB = 8 * 1024
"""Also the sorting memory of each index built at the end: a bound on the peak, not a speed."""
BULK_AT = 50_000
"""Interactions (estimated from the file size) from which an import rebuilds the indexes."""
_BYTES_PER_INTERACTION = 400


def _is_bulk(store: Store, exports: Sequence[ExportFile]) -> bool:
    """Return True when the exports are large, and large next to the log: then rebuilding the
    non-unique indexes once (``Store.bulk_import``) beats keeping them in step row by row."""
    coming = sum(export.path.stat().st_size for export in exports) // _BYTES_PER_INTERACTION
    return coming >= BULK_AT and coming >= store.last_interaction_rowid() // 2


def _plan_and_apply_exports(
    store: Store,
    now: dt.datetime,
    exports: Sequence[ExportFile],
    *,
    dry_run: bool,
    progress: Progress | None,
    look_up: bool = True,
) -> tuple[Any, int, int]:
    import dataclasses
    import itertools

    from kinship.importers.kinship_json import InteractionStream, interaction_uid
    from kinship.importers.plan import (
        ExportInteractions,
        ImportPlan,
        plan_export,
        plan_state,
        planned_contacts,
    )

    total = sum(export.path.stat().st_size for export in exports)  # progress counts bytes read
    offset = added = skipped = 0
    plans: list[ImportPlan] = []
    existing = store.contacts()
    present_state = store.nudge_state_uids()
    for nth, export in enumerate(exports):
        # each export is planned against the log as the exports before it left it (with --dry-run:
        # as they would leave it), so rows two exports share are already imported, not repeated
        before = store.last_interaction_rowid()
        if not dry_run:
            existing = store.contacts()
        plan, people = plan_export(existing, export.head.contacts, now=now, label=export.label)
        rowids = _Rowids(store) if dry_run else _apply_contacts(store, plan, now)
        known = {contact.id for contact in existing}
        planner = ExportInteractions(people, known, now=now, label=export.label)
        with open(export.path, "rb") as raw:
            records = InteractionStream(io.TextIOWrapper(raw, encoding="utf-8-sig"), export.label)
            stream = iter(records)
            while batch := [
                (number, item, interaction_uid(item.id)) for number, item in itertools.islice(stream, BATCH)
            ]:
                planner.check(batch)  # before its ids and sources go to SQLite
                uids = [uid for _, _, uid in batch]
                sources = [item.source for _, item, _ in batch if item.source is not None]
                in_log = store.interaction_rowids(uids) if look_up else {}
                by_source = store.source_rowids(sources) if look_up else {}
                present = {uid for uid, rowid in in_log.items() if rowid <= before}
                present_sources = {source for source, rowid in by_source.items() if rowid <= before}
                if dry_run:
                    noted, noted_sources = store.noted_import_keys(uids, sources)
                    repeated = {uid for uid, seen_in in noted.items() if seen_in == nth}
                    repeated_sources = {source for source, seen_in in noted_sources.items() if seen_in == nth}
                    present.update(uid for uid, seen_in in noted.items() if seen_in < nth)
                    present_sources.update(
                        source for source, seen_in in noted_sources.items() if seen_in < nth
                    )
                else:
                    repeated = {uid for uid, rowid in in_log.items() if rowid > before}
                    repeated_sources = {source for source, rowid in by_source.items() if rowid > before}
                planned = planner.plan(
                    batch,
                    present=present,
                    present_sources=present_sources,
                    repeated=repeated,
                    repeated_sources=repeated_sources,
                )
                if dry_run:  # what the import would write: the keys a later record must not repeat
                    store.note_import_keys(
                        [item.uid for item in planned if item.uid is not None],
                        [item.source_id for item in planned if item.source_id is not None],
                        nth,
                    )
                else:
                    _apply_interactions(store, planned, rowids, now)
                if progress is not None:
                    progress(offset + raw.tell(), total)
        offset += export.path.stat().st_size
        state = plan_state(
            records.state,
            people,
            known,
            present_state if dry_run else store.nudge_state_uids(),
            now=now,
            label=export.label,
        )
        plan = dataclasses.replace(plan, state=state)
        plans.append(plan)
        added += planner.added
        skipped += planner.skipped
        if dry_run:
            existing = planned_contacts(existing, plan)
            present_state = present_state | {record.id for record in state}
        else:
            _apply_state(store, plan)
    if len(plans) == 1:
        return plans[0], added, skipped
    return (
        ImportPlan(
            creates=tuple(item for plan in plans for item in plan.creates),
            updates=tuple(item for plan in plans for item in plan.updates),
            matched=sum(plan.matched for plan in plans),
            state=tuple(item for plan in plans for item in plan.state),
        ),
        added,
        skipped,
    )


def _add_values(store: Store, rowid: int, kind: str, values: Iterable[str]) -> None:
    for value in values:
        if value.strip():
            store.add_value(rowid, kind, value.strip(), match_key(kind, value) or value.strip())


class _Rowids(dict[str, int]):
    """Contact row ids by stable id, looked up in the store the first time each is needed."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def __missing__(self, uid: str) -> int:
        found = self.store.contact_rowid(uid)
        if found is None:
            raise DataError("a contact vanished during the import", "run the import again")
        self[uid] = found
        return found


def _apply_contacts(store: Store, plan: Any, now: dt.datetime) -> _Rowids:
    """Create and update the plan's contacts; return their row ids (created ones also by index)."""
    rowids = _Rowids(store)
    for index, new_contact in enumerate(plan.creates):
        created = new_contact.created or now
        if new_contact.created is None and new_contact.added is not None:
            # the day the file says they were added, at noon there
            created = min(now, dt.datetime.combine(new_contact.added, dt.time(12), tzinfo=now.tzinfo))
        rowid = store.insert_contact(
            uid=new_contact.uid,
            name=new_contact.name,
            name_key=name_key(new_contact.name),
            created=created,
            circle=new_contact.circle,
            every_days=new_contact.every_days,
            see_every_days=new_contact.see_every_days,
            birthday=new_contact.birthday,
            note=new_contact.note,
            archived=new_contact.archived,
        )
        _add_values(store, rowid, "alias", new_contact.aliases)
        _add_values(store, rowid, "tag", new_contact.tags)
        _add_values(store, rowid, "email", new_contact.emails)
        _add_values(store, rowid, "phone", new_contact.phones)
        _add_values(store, rowid, "source", new_contact.source_ids)
        rowids[f"#{index}"] = rowid
        if new_contact.uid is not None:
            rowids[new_contact.uid] = rowid
    for update in plan.updates:
        rowid = rowids[update.contact_id]
        _add_values(store, rowid, "email", update.add_emails)
        _add_values(store, rowid, "phone", update.add_phones)
        _add_values(store, rowid, "source", update.add_source_ids)
        _add_values(store, rowid, "alias", update.aliases)
        _add_values(store, rowid, "tag", update.add_tags)
        fields: dict[str, object] = {}
        for column in ("birthday", "note", "circle", "every_days", "see_every_days"):
            if getattr(update, column) is not None:
                fields[column] = getattr(update, column)
        store.update_contact(rowid, fields)
    return rowids


def _apply_interactions(store: Store, planned: Sequence[Any], rowids: _Rowids, now: dt.datetime) -> None:
    """Write planned interactions, a batch at a time."""
    from kinship.store import NewInteraction

    for start in range(0, len(planned), BATCH):
        store.insert_interactions(
            [
                NewInteraction(
                    when=item.when,
                    day=item.day,
                    channel=item.channel,
                    contact_rowids=sorted(
                        {rowids[f"#{index}"] for index in item.new_contacts}
                        | {rowids[uid] for uid in item.contact_ids}
                    ),
                    created=item.created or now,
                    uid=item.uid,
                    minutes=item.minutes,
                    note=item.note,
                    feel=item.feel,
                    group=item.group,
                    source=item.source_id,
                    messages=item.messages,
                )
                for item in planned[start : start + BATCH]
            ]
        )


def _apply_state(store: Store, plan: Any) -> None:
    for record in plan.state:
        store.add_nudge_state(
            uid=record.id,
            kind=record.kind,
            key=record.key,
            contact_rowid=None if record.contact_id is None else store.contact_rowid(record.contact_id),
            made_at=record.made_at,
            made_day=record.made_day,
            until_day=record.until,
        )


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
    from kinship.exportfmt import contact_json, interaction_json

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
