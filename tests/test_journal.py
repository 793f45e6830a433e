"""The change journal: one entry per changing command, and undo / redo of every kind of change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.journal_world import (
    FIXTURES,
    NOW,
    ZONE,
    export_text,
    interaction_ids,
    journal_rows,
    raw_tables,
    small_log,
)

from kinship import actions, history_actions, journal, journal_store, transfer
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import NotFoundError, UsageError
from kinship.models import Channel, Settings
from kinship.store import Store, open_store

Change = Callable[[Store], object]


def _ana(store: Store) -> str:
    return actions.find_contact(store, "Ana Lima").id


CHANGES: dict[str, tuple[str, Change]] = {
    "add": (
        "add: Dee Fox",
        lambda s: actions.add_contact(s, NOW, ContactChanges(name="Dee Fox", tags=("x",))),
    ),
    "log": (
        "log: call with Ana Lima, Cy Park",
        lambda s: actions.log_interaction(
            s, NOW, ZONE, LogRequest(names=("Ana", "Cy"), channel=Channel.CALL)
        ),
    ),
    "log-new": (
        "log: in person with Zed Quill",
        lambda s: actions.log_interaction(s, NOW, ZONE, LogRequest(names=("Zed Quill",), create_new=True)),
    ),
    "group": (
        "log: in person at book club",
        lambda s: actions.log_interaction(s, NOW, ZONE, LogRequest(group="book club")),
    ),
    "amend": (
        "amend: ",
        lambda s: actions.amend_interaction(
            s,
            NOW,
            ZONE,
            interaction_ids(s)[0][:8],
            LogRequest(note="changed", when_text="2026-11-20 18:00", channel=Channel.VIDEO),
            channel_given=True,
            add=("Cy",),
            remove=("Ana",),
        ),
    ),
    "unlog": (
        "unlog: in person with Ana Lima, Ben Ode",
        lambda s: actions.unlog_interaction(s, interaction_ids(s)[0][:8]),
    ),
    "edit": (
        "edit: Ana Lima",
        lambda s: actions.edit_contact(
            s,
            "Ana",
            ContactChanges(
                name="Ana Lima-Ruiz",
                note="met at uni",
                circle="family",
                tags=("uni",),
                remove_aliases=("ani",),
            ),
        ),
    ),
    "archive": ("archive: Ben Ode", lambda s: actions.set_archived(s, "Ben", True)),
    "merge": ("merge: Cy Park into Ana Lima", lambda s: actions.merge_contacts(s, "Ana", "Cy")),
    "forget": ("forget: Ana Lima", lambda s: actions.forget_contact(s, _ana(s))),
    "snooze": ("snooze: Eve Ruiz for 14 days", lambda s: actions.snooze(s, NOW, 14, name="Eve")),
    "dismiss": ("dismiss: Eve Ruiz", lambda s: actions.dismiss(s, NOW, "Eve")),
    "unsnooze": (
        "unsnooze: Eve Ruiz",
        lambda s: actions.unquiet(s, Settings(), NOW, "Eve", kind="snooze"),
    ),
    "import": (
        "import: ",
        lambda s: transfer.import_files(
            s,
            NOW,
            ZONE,
            [
                FIXTURES / "vcard" / "ezvcard-outlook-2007.vcf",
                FIXTURES / "vcard" / "ezvcard-gmail-single.vcf",
            ],
        ),
    ),
    "old-undo": ("unlog: ", lambda s: actions.undo_last(s)),
}


@pytest.fixture
def world(tmp_path: Path) -> Store:
    store = small_log(tmp_path / "kinship.db")
    yield store
    store.close()


def test_every_write_of_the_small_log_made_one_entry(world: Store) -> None:
    words = [row[1] for row in journal_rows(world)]
    assert words == [
        "add: Ana Lima",
        "add: Ben Ode",
        "add: Cy Park",
        "log: in person with Ana Lima, Ben Ode",
        "log: call with Cy Park",
        "log: in person with Ana Lima",
        "add: Eve Ruiz",
    ]
    ids = [row[0] for row in journal_rows(world)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_kind_of_change_is_one_entry_and_undo_restores_the_export(world: Store, kind: str) -> None:
    words, change = CHANGES[kind]
    if kind == "unsnooze":
        actions.snooze(world, NOW, 14, name="Eve")
    before = export_text(world)
    before_rows = raw_tables(world.path)
    count = len(journal_rows(world))
    change(world)
    after = export_text(world)
    assert after != before
    entries = journal_rows(world)
    assert len(entries) == count + 1
    assert entries[-1][1].startswith(words), entries[-1]
    assert history_actions.next_undo(world).id == entries[-1][0]

    step = history_actions.undo(world)
    assert step.target.id == entries[-1][0]
    assert export_text(world) == before
    assert raw_tables(world.path) == before_rows
    assert journal_rows(world)[-1][2] == entries[-1][0]  # the undo names what it took back

    history_actions.redo(world)
    assert export_text(world) == after
    history_actions.undo(world)
    assert export_text(world) == before


def test_a_write_that_changes_nothing_records_nothing(world: Store) -> None:
    count = len(journal_rows(world))
    with world.write():
        pass
    with pytest.raises(UsageError):
        actions.add_contact(world, NOW, ContactChanges(name="Ana Lima"))
    assert len(journal_rows(world)) == count


def test_undo_steps_back_and_never_undoes_an_undo(world: Store) -> None:
    states = [export_text(world)]
    actions.snooze(world, NOW, 7, name="Eve")
    states.append(export_text(world))
    actions.edit_contact(world, "Cy", ContactChanges(note="hello"))
    states.append(export_text(world))
    history_actions.undo(world)
    assert export_text(world) == states[1]
    history_actions.undo(world)
    assert export_text(world) == states[0]
    listed = [entry.words for entry in history_actions.undo_list(world)]
    assert listed[0] == "add: Eve Ruiz"
    assert not any(words.startswith("undo") for words in listed)
    while True:
        try:
            history_actions.undo(world)
        except NotFoundError:
            break
    assert export_text(world) == export_text(open_store(world.path.with_name("empty.db"), NOW))


def test_redo_is_refused_after_another_change(world: Store) -> None:
    actions.edit_contact(world, "Cy", ContactChanges(note="hello"))
    history_actions.undo(world)
    actions.edit_contact(world, "Ben", ContactChanges(note="other"))
    before = export_text(world)
    count = len(journal_rows(world))
    with pytest.raises(UsageError) as raised:
        history_actions.redo(world)
    assert raised.value.exit_code == 2
    assert export_text(world) == before
    assert len(journal_rows(world)) == count


def test_two_undos_then_two_redos(world: Store) -> None:
    first = export_text(world)
    actions.edit_contact(world, "Cy", ContactChanges(note="one"))
    second = export_text(world)
    actions.edit_contact(world, "Cy", ContactChanges(note="two"))
    third = export_text(world)
    history_actions.undo(world)
    history_actions.undo(world)
    assert export_text(world) == first
    history_actions.redo(world)
    assert export_text(world) == second
    history_actions.redo(world)
    assert export_text(world) == third
    with pytest.raises(UsageError):
        history_actions.redo(world)


def test_an_import_of_many_interactions_is_one_small_entry(tmp_path: Path) -> None:
    store = open_store(tmp_path / "big.db", NOW)
    actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))
    with store.write():
        rowid = store.contact_rowid(_ana(store))
        assert rowid is not None
        for number in range(5000):
            when = NOW - dt.timedelta(hours=number + 1)
            store.insert_interaction(
                when=when, day=when.date(), channel=Channel.MESSAGE, contact_rowids=[rowid], created=NOW
            )
    blob = store.conn.execute("SELECT changes FROM journal ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert len(blob) < 100  # a range of row ids, not 5,000 ids
    assert journal.decode_changes(blob)["i"]["new"] == [[1, 5000]]
    history_actions.undo(store)
    assert store.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    store.close()


def test_an_upgraded_database_gets_a_device_id(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db", NOW)
    other = open_store(tmp_path / "b.db", NOW)
    first, second = journal_store.device_id(store.conn), journal_store.device_id(other.conn)
    assert len(first) == 16 and first != second
    store.close()
    other.close()


def test_demo_and_remind_are_one_entry_each(tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db", NOW)
    actions.load_demo(store, NOW, ZONE)
    assert len(journal_rows(store)) == 1
    due = actions.remind(store, Settings(), NOW, NOW.date())
    assert due
    assert journal_rows(store)[-1][1] == f"remind: {len(due)} nudges"
    before = len(journal_rows(store))
    history_actions.undo(store)
    assert len(journal_rows(store)) == before + 1
    assert store.nudge_state().reminders == ()
    store.close()


def test_every_column_of_the_tracked_tables_is_captured(world: Store) -> None:
    for table in journal_store.TRACKED:
        captured = journal_store.columns_of(world.conn, f"journal_capture_{table}")
        assert captured == ["jop", *journal_store.columns_of(world.conn, table)], table
    attic = journal_store.columns_of(world.conn, "journal_attic")
    assert attic == ["entry", *journal_store.columns_of(world.conn, "interactions"), "people"]
    world.conn.execute("ALTER TABLE interactions ADD COLUMN mood TEXT")  # a later migration
    journal_store.install_capture(world.conn)
    assert "mood" in journal_store.columns_of(world.conn, "journal_attic")


def test_the_journal_keeps_a_thousand_entries_or_ninety_days(world: Store) -> None:
    device = journal_store.device_id(world.conn)
    old = int((NOW - dt.timedelta(days=100)).timestamp())
    recent = int((NOW - dt.timedelta(days=10)).timestamp())
    with world.write():
        for number in range(1100):  # old entries, from before the small log's
            world.conn.execute(
                "INSERT INTO journal(id, device, at, words, changes) VALUES (?, ?, ?, 'old', NULL)",
                (f"{number:012x}{device}0000", device, old if number < 1050 else recent),
            )
    actions.edit_contact(world, "Cy", ContactChanges(note="one more"))
    words = [row[1] for row in journal_rows(world)]
    assert len(words) == 1000  # the newest 1,000 (the small log's seven, the edit, 992 made-up ones)
    assert "edit: Cy Park" in words and "add: Ana Lima" in words
    remaining_old = world.conn.execute("SELECT count(*) FROM journal WHERE at = ?", (old,)).fetchone()[0]
    assert remaining_old == 1050 - 108  # the 108 oldest went: beyond the newest 1,000 and over 90 days
    recent_count = world.conn.execute("SELECT count(*) FROM journal WHERE at = ?", (recent,)).fetchone()[0]
    assert recent_count == 50
    # within 90 days nothing goes, however many entries there are
    with world.write():
        world.conn.execute("UPDATE journal SET at = ? WHERE at = ?", (recent, old))
    actions.edit_contact(world, "Cy", ContactChanges(note="and another"))
    assert len(journal_rows(world)) == 1001


def _import_many(store: Store, count: int) -> None:
    """One write adding a contact and ``count`` interactions with them and Ana (an import)."""
    with store.write(describe=f"import: {count} interactions"):
        ana = store.contact_rowid(_ana(store))
        ben = store.conn.execute(
            "INSERT INTO contacts(uid, name, name_key, created) VALUES ('b0b', 'Bo Imported', 'bo imported', 0)"
        ).lastrowid
        assert ana is not None and ben is not None
        for number in range(count):
            when = NOW - dt.timedelta(hours=number + 1)
            store.insert_interaction(
                when=when, day=when.date(), channel=Channel.MESSAGE, contact_rowids=[ana, ben], created=NOW
            )


def test_undo_and_redo_of_a_large_import_go_through_the_attic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_store, "ATTIC_AT_LEAST", 50)
    store = small_log(tmp_path / "big.db")
    before = export_text(store)
    _import_many(store, 300)
    after = export_text(store)
    history_actions.undo(store)
    assert export_text(store) == before
    undo_blob = store.conn.execute("SELECT changes FROM journal ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert len(undo_blob) < 300  # the 300 rows wait in the attic, not in the entry
    assert store.conn.execute("SELECT count(*) FROM journal_attic").fetchone()[0] == 300
    history_actions.redo(store)
    assert export_text(store) == after
    assert store.conn.execute("SELECT count(*) FROM journal_attic").fetchone()[0] == 0
    history_actions.undo(store)  # the import again, then its redo again
    assert export_text(store) == before
    history_actions.redo(store)
    assert export_text(store) == after
    assert store.integrity_problems() == []
    store.close()


def test_a_large_undo_and_its_redo_travel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kinship import sync

    monkeypatch.setattr(journal_store, "ATTIC_AT_LEAST", 50)
    folder = tmp_path / "shared"
    folder.mkdir()
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    _import_many(desk, 120)
    sync.sync(desk, folder)
    sync.sync(laptop, folder)
    assert len(laptop.history()) == len(desk.history())
    history_actions.undo(desk)
    sync.sync(desk, folder)
    sync.sync(laptop, folder)
    assert export_text(laptop) == export_text(desk)
    history_actions.redo(desk)
    for store in (desk, laptop, desk, laptop):
        sync.sync(store, folder)
    assert export_text(laptop) == export_text(desk)
    assert "Bo Imported" in export_text(laptop)
    desk.close()
    laptop.close()


def test_quieting_a_nudge_reads_like_the_command_in_the_list(world: Store) -> None:
    nudge = next(n for n in actions.nudges(world, Settings(), NOW.date()) if n.contact is not None)
    assert nudge.handle is not None
    actions.quiet(world, Settings(), NOW, nudge.handle, days=7)
    words = history_actions.undo_list(world)[0].words
    assert words == f"snooze: {nudge.handle} ({nudge.kind.replace('_', '-')}, Eve Ruiz) for 7 days"
    actions.unquiet(world, Settings(), NOW, nudge.handle, kind="snooze")
    assert history_actions.undo_list(world)[0].words.startswith(f"unsnooze: {nudge.handle} (")
    actions.dismiss(world, NOW, "Eve")
    assert history_actions.undo_list(world)[0].words == "dismiss: Eve Ruiz"


def test_a_redo_after_sync_took_the_row_ids_brings_every_row_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinship import sync

    monkeypatch.setattr(journal_store, "ATTIC_AT_LEAST", 50)
    folder = tmp_path / "shared"
    folder.mkdir()
    desk = small_log(tmp_path / "desk.db")
    laptop = small_log(tmp_path / "laptop.db")
    for store in (desk, laptop, desk):
        sync.sync(store, folder)
    _import_many(desk, 120)
    history_actions.undo(desk)  # the 120 rows wait in the attic; their row ids are free
    for hours in (1, 2, 3):
        actions.log_interaction(laptop, NOW - dt.timedelta(hours=hours), ZONE, LogRequest(names=("Cy",)))
    sync.sync(laptop, folder)
    sync.sync(desk, folder)  # the laptop's three rows take some of those row ids here
    history_actions.redo(desk)
    assert (
        desk.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == 3 + 3 + 3 + 120
    )  # two small logs, three new, the import
    assert desk.integrity_problems() == []
    for store in (desk, laptop, desk, laptop):
        sync.sync(store, folder)
    assert export_text(laptop) == export_text(desk)
    desk.close()
    laptop.close()
