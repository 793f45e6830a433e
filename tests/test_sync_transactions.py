"""kinship sync holds the write lock one received file at a time, and publishes only what committed.

A sync used to apply everything in one transaction and rename its own file into place before
that transaction committed: a large received file kept `kinship log` and cron's `kinship
remind` waiting past their busy timeout, and a failed commit could leave a file in the folder
holding entries this device never committed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import ok, run
from tests.journal_world import NOW, ZONE, export_text, small_log
from tests.kinship_process import finish, kinship
from tests.test_sync_hostile import HOSTILE, contact_put, interaction_put

from kinship import actions, sync
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import DataError
from kinship.store import Store, open_store

EARLY = "00000000000000aa"  # a device whose entries all come first
LATE = "00000000000000bb"


def entry_id(device: str, step: int) -> str:
    """Return the id of an entry ``device`` made ``step`` milliseconds after NOW."""
    return f"{int(NOW.timestamp() * 1000) + step:012x}{device}0000"


def device_file(folder: Path, device: str, entries: list[tuple[int, list[str]]], name: str) -> Path:
    """Write a complete sync file of ``device``: each entry as (milliseconds after NOW, op lines)."""
    own = folder / device
    own.mkdir(exist_ok=True)
    ids = [entry_id(device, step) for step, _ops in entries]
    lines = [json.dumps({"kinship_sync": 1, "device": device, "name": name})]
    for entry, (_step, ops) in zip(ids, entries, strict=True):
        lines += [json.dumps({"entry": entry, "at": 0, "words": "add: someone"}), *ops]
        lines.append(json.dumps({"end": entry}))
    lines.append(json.dumps({"complete": True, "entries": len(entries)}))
    path = own / f"{ids[0]}-{ids[-1]}.kjl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def names_committed(database: Path) -> set[str]:
    """Return the contact names another connection sees: what has committed."""
    conn = sqlite3.connect(database, timeout=0)
    try:
        return {str(row[0]) for row in conn.execute("SELECT name FROM contacts")}
    finally:
        conn.close()


def watch_entries(monkeypatch: pytest.MonkeyPatch, seen: Callable[[str], None]) -> None:
    """Call ``seen(entry id)`` before each received entry is applied."""
    apply_entry = sync._Applier.apply_entry

    def watched(self: Any, header: dict[str, Any], ops: Iterator[dict[str, Any]]) -> None:
        seen(str(header["entry"]))
        apply_entry(self, header, ops)

    monkeypatch.setattr(sync._Applier, "apply_entry", watched)


@pytest.fixture(autouse=True)
def a_transaction_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commit at every file boundary, as a sync does once a transaction did enough work."""
    monkeypatch.setattr(sync, "BOUNDARY_ENTRIES", 1)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def test_a_received_file_is_committed_before_the_next_one_is_applied(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")
    # the later file is hostile: its entry is rolled back and the file skipped with its reason
    device_file(folder, LATE, [(5, [contact_put("6b" * 16, "Zoe Far"), HOSTILE["a cut line"]])], "late")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    seen_while_applying: dict[str, set[str]] = {}
    watch_entries(
        monkeypatch, lambda entry: seen_while_applying.setdefault(entry, names_committed(laptop.path))
    )
    report = sync.sync(laptop, folder, name="laptop")
    assert seen_while_applying == {entry_id(EARLY, 0): set(), entry_id(LATE, 5): {"Yan Good"}}
    assert report.received == {"early": 1}
    assert len(report.skipped) == 1 and report.skipped[0].startswith(f"{LATE}/")
    assert "not valid JSON" in report.skipped[0]
    assert names_committed(laptop.path) == {"Yan Good"}
    applied = dict(laptop.conn.execute("SELECT device, last_applied FROM journal_devices").fetchall())
    assert applied == {EARLY: entry_id(EARLY, 0)}  # recorded with the file's entries, nothing of the other
    laptop.close()


def test_files_that_interleave_in_time_are_applied_in_id_order_a_stretch_at_a_time(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    yan = "7a" * 16
    # the late device heard of Yan (made by the early one between its two entries) and logged with him
    device_file(
        folder,
        LATE,
        [(0, [contact_put("6b" * 16, "Zoe Far")]), (2, [interaction_put("ab" * 16, [yan], note="with Yan")])],
        "late",
    )
    device_file(folder, EARLY, [(1, [contact_put(yan, "Yan Good")])], "early")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    seen_while_applying: dict[str, set[str]] = {}
    watch_entries(
        monkeypatch, lambda entry: seen_while_applying.setdefault(entry, names_committed(laptop.path))
    )
    report = sync.sync(laptop, folder, name="laptop")
    assert report.received == {"early": 1, "late": 2} and not report.skipped
    assert seen_while_applying == {
        entry_id(LATE, 0): set(),
        entry_id(EARLY, 1): {"Zoe Far"},
        entry_id(LATE, 2): {"Zoe Far", "Yan Good"},
    }
    (logged,) = laptop.history()
    assert [person.name for person in logged.people] == ["Yan Good"]
    laptop.close()


def tripwire(database: Path, name: str) -> None:
    """Make every transaction that adds a contact called ``name`` fail (an OperationalError:
    "malformed JSON", as a full disk or an I/O error would)."""
    conn = sqlite3.connect(database)
    try:
        conn.executescript(
            f"""
            CREATE TRIGGER tripwire AFTER INSERT ON contacts WHEN new.name = '{name}'
            BEGIN SELECT json('tripwire'); END;
            """
        )
    finally:
        conn.close()


def untrip(database: Path) -> None:
    conn = sqlite3.connect(database)
    try:
        conn.executescript("DROP TRIGGER tripwire;")
    finally:
        conn.close()


def own_files(folder: Path, store: Store) -> list[str]:
    own = folder / str(store.get_meta("device_id"))
    return sorted(path.name for path in own.iterdir()) if own.exists() else []


def test_a_transaction_that_fails_keeps_the_files_before_it_and_publishes_nothing(
    tmp_path: Path, folder: Path
) -> None:
    laptop = small_log(tmp_path / "laptop.db")
    sync.sync(laptop, folder, name="laptop")  # the first exchange: everything it holds, sent
    sent_before = own_files(folder, laptop)
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Ben",), note="new here"))
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")
    # another Cy Park: once applied, it is merged with this device's (an entry of this device)
    device_file(folder, LATE, [(5, [contact_put("6b" * 16, "Cy Park")])], "late")
    laptop.close()
    tripwire(tmp_path / "laptop.db", "Cy Park")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    with pytest.raises(DataError) as raised:
        sync.sync(laptop, folder)
    assert raised.value.exit_code == 5 and "malformed JSON" in raised.value.message
    assert raised.value.hint is not None
    assert raised.value.hint.startswith("the 1 change received stays applied; nothing was sent; ")
    # neither the merge that never committed nor "new here" (committed before) was sent
    assert own_files(folder, laptop) == sent_before
    assert not list(folder.glob("*/.*.tmp"))
    assert "Yan Good" in names_committed(laptop.path)
    assert not laptop.conn.execute("SELECT 1 FROM journal WHERE words LIKE 'sync: merged%'").fetchall()
    laptop.close()
    untrip(tmp_path / "laptop.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    report = sync.sync(laptop, folder)
    assert report.received == {"late": 1} and report.merged == [
        "merged Cy Park into Cy Park (added on two devices)"
    ]
    assert report.sent == 2  # "new here" and the merge
    desk = open_store(tmp_path / "desk.db", NOW)
    for store in (desk, laptop, desk):
        sync.sync(store, folder)
    assert export_text(desk) == export_text(laptop)
    assert "new here" in export_text(desk)
    desk.close()
    laptop.close()


def test_a_full_disk_while_writing_this_devices_file_sends_nothing_and_says_so(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    laptop = small_log(tmp_path / "laptop.db")
    sync.sync(laptop, folder, name="laptop")
    sent_before = own_files(folder, laptop)
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Ben",), note="new here"))
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sync.os, "fsync", full)
    with pytest.raises(DataError) as raised:
        sync.sync(laptop, folder)
    assert raised.value.exit_code == 5 and "no space left on device writing" in raised.value.message
    assert (
        raised.value.hint == "the 1 change received stays applied; nothing was sent; run `kinship sync` again"
    )
    assert own_files(folder, laptop) == sent_before and not list(folder.glob("*/.*.tmp"))
    assert "Yan Good" in names_committed(laptop.path)
    monkeypatch.undo()
    assert sync.sync(laptop, folder).sent == 1
    laptop.close()


def test_a_file_sent_but_not_recorded_is_sent_again_and_applied_once(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = small_log(tmp_path / "laptop.db")
    sync.sync(laptop, folder, name="laptop")
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Ben",), note="new here"))
    set_meta = Store.set_meta

    def failing(self: Store, key: str, value: str | None) -> None:
        if key.startswith(sync.PUBLISHED_PREFIX):
            raise sqlite3.OperationalError("disk I/O error")
        set_meta(self, key, value)

    monkeypatch.setattr(Store, "set_meta", failing)
    with pytest.raises(DataError) as raised:
        sync.sync(laptop, folder)
    assert raised.value.hint is not None and "file was sent but not recorded" in raised.value.hint
    assert len(own_files(folder, laptop)) == 2
    monkeypatch.undo()
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Cy",), note="newer"))
    assert sync.sync(laptop, folder).sent == 2  # "new here" again, with "newer", in a new file
    assert len(own_files(folder, laptop)) == 3
    desk = open_store(tmp_path / "desk.db", NOW)
    report = sync.sync(desk, folder, name="desk")
    assert report.received == {"laptop": 3} and not report.skipped  # the snapshot and the two logs, once each
    assert export_text(desk) == export_text(laptop)
    desk.close()
    laptop.close()


def test_the_cli_reports_a_failed_commit_in_one_line_with_exit_5(kinship_env: Path, db_path: Path) -> None:
    folder = kinship_env / "shared"
    folder.mkdir()
    ok("add", "Ana Lima")
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")
    device_file(folder, LATE, [(5, [contact_put("6b" * 16, "Zoe Far")])], "late")
    tripwire(db_path, "Zoe Far")
    result = run("sync", str(folder))
    assert result.exit_code == 5 and result.exception is None
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: ") and lines[1].startswith("Hint: ")
    assert "stays applied" in lines[1] and "Traceback" not in result.stderr
    assert "Yan Good" in run("people").stdout


PAUSING_SYNC = """
import sys
from kinship import store, sync
from kinship.cli import main

write = store.Store.write
paused = False

def pausing_write(self, *args, **kwargs):
    # pauses before the transaction that would apply the second file, once the first has committed
    global paused
    names = {row[0] for row in self.conn.execute("SELECT name FROM contacts")}
    if not paused and "Yan Good" in names and "Zoe Far" not in names:
        paused = True
        print("between files", flush=True)
        sys.stdin.readline()
    return write(self, *args, **kwargs)

store.Store.write = pausing_write
sync.BOUNDARY_ENTRIES = 1  # a transaction per file (files this small would share one)
main(["sync", sys.argv[1]])
"""


def paused_sync(kinship_env: Path) -> tuple[subprocess.Popen[str], Path]:
    """Start a `kinship sync` of two received files that pauses once the first has committed."""
    folder = kinship_env / "shared"
    folder.mkdir()
    ok("add", "Ana Lima")
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")
    device_file(folder, LATE, [(5, [contact_put("6b" * 16, "Zoe Far")])], "late")
    syncing = subprocess.Popen(
        [sys.executable, "-c", PAUSING_SYNC, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert syncing.stdout is not None and syncing.stdin is not None
    first = syncing.stdout.readline()
    if first != "between files\n":  # it ran to the end holding one transaction: say what it did
        done = finish(syncing)
        pytest.fail(f"the sync never paused between files: {first + done.stdout + done.stderr!r}")
    return syncing, folder


def go_on(syncing: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    assert syncing.stdin is not None
    syncing.stdin.write("go on\n")
    syncing.stdin.flush()
    return finish(syncing)


def test_another_command_writes_between_two_received_files(kinship_env: Path, db_path: Path) -> None:
    syncing, _folder = paused_sync(kinship_env)
    assert "Yan Good" in names_committed(db_path)  # the first file committed, the lock released
    other = kinship("log", "ana", "--via", "call", "--when", "2026-11-25 18:00")
    done = go_on(syncing)
    assert other.returncode == 0, other.stderr
    assert "locked" not in other.stderr
    assert done.returncode == 0, done.stderr
    people = {person["name"] for person in json.loads(kinship("people", "--json").stdout)}
    assert people == {"Ana Lima", "Yan Good", "Zoe Far"}
    assert "received 2" in done.stdout
    assert len(json.loads(kinship("history", "--json").stdout)) == 1


def database_rows(database: Path) -> list[Any]:
    conn = sqlite3.connect(database)
    try:
        tables = [str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [(table, sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"')))) for table in tables]
    finally:
        conn.close()


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_second_sync_of_the_same_database_refuses_while_one_runs(
    kinship_env: Path, db_path: Path, dry_run: bool
) -> None:
    syncing, folder = paused_sync(kinship_env)
    before = database_rows(db_path)
    files = sorted(folder.rglob("*"))
    other = kinship("sync", str(folder), *(["--dry-run"] if dry_run else []))
    assert other.returncode == 5 and other.stdout == ""
    lines = other.stderr.splitlines()
    assert lines == [
        f"Error: another `kinship sync` of {db_path} is running",
        "Hint: nothing was changed; try again when it has finished",
    ]
    assert database_rows(db_path) == before and sorted(folder.rglob("*")) == files
    done = go_on(syncing)
    assert done.returncode == 0 and "received 2" in done.stdout, done.stderr
    # the lock went with the first sync: the next one runs (nothing new to receive)
    again = kinship("sync", str(folder))
    assert again.returncode == 0 and "received 0" in again.stdout, again.stderr
    assert (db_path.parent / (db_path.name + ".sync-lock")).stat().st_mode & 0o777 == 0o600


def test_ctrl_c_between_received_files_says_what_stays_applied(kinship_env: Path, db_path: Path) -> None:
    syncing, _folder = paused_sync(kinship_env)
    syncing.send_signal(signal.SIGINT)  # while it waits between the two files' transactions
    done = finish(syncing)
    assert done.returncode == 130 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: interrupted; the 1 change received so far stays applied",
        "Hint: run `kinship sync` again to finish",
    ]
    assert names_committed(db_path) == {"Ana Lima", "Yan Good"}


@pytest.mark.parametrize("through_a_link", [False, True])
def test_a_sync_never_runs_inside_another_sync_of_the_same_database(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, through_a_link: bool
) -> None:
    """The interleaving that lost data (another sync's merge taking this one's candidates before
    its later files applied) cannot start: the second sync refuses while the first applies files,
    also when it names the database through a symbolic link (the lock sits beside the real file)."""
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Ana")])], "early")
    database = tmp_path / "laptop.db"
    first = open_store(database, NOW)
    if through_a_link:
        (tmp_path / "link.db").symlink_to(database)
    second = open_store(tmp_path / "link.db" if through_a_link else database, NOW)
    refused: list[str] = []
    apply_stretch = sync._apply_stretch

    def meanwhile(*args: Any) -> int:
        if not refused:
            with pytest.raises(DataError) as error:
                sync.sync(second, folder, name="laptop")
            refused.append(error.value.message)
        return apply_stretch(*args)

    monkeypatch.setattr(sync, "_apply_stretch", meanwhile)
    assert sync.sync(first, folder, name="laptop").received == {"early": 1}
    assert refused == [f"another `kinship sync` of {second.path} is running"]
    assert sorted(path.name for path in tmp_path.glob("*.sync-lock")) == ["laptop.db.sync-lock"]
    monkeypatch.setattr(sync, "_apply_stretch", apply_stretch)
    assert sync.sync(second, folder).received == {}  # free again once the first has finished
    first.close()
    second.close()


def test_a_transaction_ends_at_a_file_boundary_only_after_enough_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    database = tmp_path / "laptop.db"
    watch_entries(monkeypatch, lambda _entry: seen.append(len(names_committed(database))))

    def committed_while_applying(run: str) -> list[int]:
        """Return, for each received entry, how many contacts had committed before it."""
        shared = tmp_path / run
        shared.mkdir()
        # two devices' files interleave entry by entry: six stretches of one entry each
        early = [(step, [contact_put(f"{step:02x}" * 16, f"Early {step}")]) for step in (0, 2, 4)]
        device_file(shared, EARLY, early, "e")
        late = [(step, [contact_put(f"{step:02x}" * 16, f"Late {step}")]) for step in (1, 3, 5)]
        device_file(shared, LATE, late, "l")
        database.unlink(missing_ok=True)
        seen.clear()
        store = open_store(database, NOW)
        assert sync.sync(store, shared, name="laptop").received == {"e": 3, "l": 3}
        store.close()
        return list(seen)

    monkeypatch.setattr(sync, "BOUNDARY_ENTRIES", 500)
    monkeypatch.setattr(sync, "BOUNDARY_SECONDS", 3600.0)
    assert committed_while_applying(tmp_path / "one.db") == [0, 0, 0, 0, 0, 0]  # one transaction
    monkeypatch.setattr(sync, "BOUNDARY_ENTRIES", 2)
    assert committed_while_applying(tmp_path / "two.db") == [0, 0, 2, 2, 4, 4]
    # a transaction that ran long ends at the next boundary, however few its entries
    ticks = iter(range(0, 1000, 10))
    monkeypatch.setattr(sync, "BOUNDARY_ENTRIES", 500)
    monkeypatch.setattr(sync, "BOUNDARY_SECONDS", 15.0)
    monkeypatch.setattr(sync, "_clock", lambda: float(next(ticks)))
    assert committed_while_applying(tmp_path / "slow.db") == [0, 0, 2, 2, 4, 4]


def test_a_broken_constraint_at_commit_is_reported_as_a_bug_not_as_run_sync_again(
    tmp_path: Path, folder: Path
) -> None:
    device_file(folder, EARLY, [(0, [contact_put("7a" * 16, "Yan Good")])], "early")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    laptop.conn.executescript(
        """
        CREATE TABLE tripwire(contact INTEGER REFERENCES contacts(id) DEFERRABLE INITIALLY DEFERRED);
        CREATE TRIGGER tripwire AFTER INSERT ON contacts BEGIN INSERT INTO tripwire VALUES (-1); END;
        """
    )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        sync.sync(laptop, folder, name="laptop")
    assert names_committed(laptop.path) == set()
    laptop.close()


# ---- same-name merges: once, after every received file (as one transaction used to make them)

T = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def two_devices(tmp_path: Path) -> tuple[Store, Store, Path]:
    shared = tmp_path / "shared"
    shared.mkdir(exist_ok=True)
    return open_store(tmp_path / "desk.db", T), open_store(tmp_path / "laptop.db", T), shared


def at(store: Store, minutes: int) -> None:
    store.journal_now = T + dt.timedelta(minutes=minutes)


def test_a_contact_a_later_file_forgets_is_not_merged_into_a_namesake_first(tmp_path: Path) -> None:
    desk, laptop, shared = two_devices(tmp_path)
    at(desk, 0)
    actions.add_contact(desk, T - dt.timedelta(days=1), ContactChanges(name="Ana"))
    at(desk, 1)
    sync.sync(desk, shared, name="desk")
    at(laptop, 2)
    actions.add_contact(laptop, T, ContactChanges(name="Ana"))
    actions.log_interaction(laptop, T, ZONE, LogRequest(names=("Ana",), note="lunch with my Ana"))
    at(desk, 3)
    actions.forget_contact(desk, actions.find_contact(desk, "Ana").id)
    at(desk, 4)
    sync.sync(desk, shared)
    at(laptop, 5)
    report = sync.sync(laptop, shared, name="laptop")  # desk's Ana, then her forgetting: two files
    assert report.merged == []
    assert [contact.name for contact in laptop.contacts()] == ["Ana"]
    assert [logged.note for logged in laptop.history()] == ["lunch with my Ana"]
    desk.close()
    laptop.close()


def test_a_contact_a_later_file_renames_is_not_merged_with_a_namesake_of_its_old_name(
    tmp_path: Path,
) -> None:
    desk, laptop, shared = two_devices(tmp_path)
    at(desk, 0)
    actions.add_contact(desk, T, ContactChanges(name="Ana"))
    at(desk, 1)
    sync.sync(desk, shared, name="desk")
    at(laptop, 2)
    actions.add_contact(laptop, T, ContactChanges(name="Ana", note="the neighbour"))
    actions.log_interaction(laptop, T, ZONE, LogRequest(names=("Ana",), note="with the neighbour"))
    at(desk, 3)
    actions.edit_contact(desk, "Ana", ContactChanges(name="Ana Lima"))
    at(desk, 4)
    sync.sync(desk, shared)
    at(laptop, 5)
    report = sync.sync(laptop, shared, name="laptop")
    assert report.merged == [] and report.received == {"desk": 2}
    for store, minutes in ((desk, 6), (laptop, 7), (desk, 8)):
        at(store, minutes)
        sync.sync(store, shared)
    for store in (desk, laptop):
        assert sorted((contact.name, contact.note) for contact in store.contacts()) == [
            ("Ana", "the neighbour"),
            ("Ana Lima", None),
        ]
    desk.close()
    laptop.close()


def test_a_merge_already_received_is_not_made_again_over_a_later_edit(tmp_path: Path) -> None:
    desk, laptop, shared = two_devices(tmp_path)
    at(desk, 0)
    actions.add_contact(desk, T - dt.timedelta(days=1), ContactChanges(name="Ana Lima"))
    at(desk, 1)
    sync.sync(desk, shared, name="desk")
    at(laptop, 2)
    actions.add_contact(laptop, T, ContactChanges(name="Ana Lima", birthday="1990-11-06"))
    at(laptop, 3)
    assert sync.sync(laptop, shared, name="laptop").merged == [
        "merged Ana Lima into Ana Lima (added on two devices)"
    ]
    at(laptop, 4)
    actions.edit_contact(laptop, "Ana", ContactChanges(birthday=""))  # the birthday the merge filled
    at(laptop, 5)
    sync.sync(laptop, shared)
    at(desk, 6)
    assert sync.sync(desk, shared).merged == []  # the laptop's merge arrives: none of its own
    for store, minutes in ((laptop, 7), (desk, 8), (laptop, 9)):
        at(store, minutes)
        sync.sync(store, shared)
    for store in (desk, laptop):
        assert [(contact.name, contact.birthday) for contact in store.contacts()] == [("Ana Lima", None)]
    desk.close()
    laptop.close()


def test_namesakes_left_by_a_sync_stopped_before_its_merge_are_merged_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, laptop, shared = two_devices(tmp_path)
    at(desk, 0)
    actions.add_contact(desk, T - dt.timedelta(days=1), ContactChanges(name="Ana"))
    at(desk, 1)
    sync.sync(desk, shared, name="desk")
    at(laptop, 2)
    actions.add_contact(laptop, T, ContactChanges(name="Ana"))

    def stopped(store: Store) -> list[str]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sync, "_merge_namesakes", stopped)
    at(laptop, 3)
    with pytest.raises(DataError) as raised:
        sync.sync(laptop, shared, name="laptop")
    assert raised.value.hint is not None and raised.value.hint.startswith(
        "the 1 change received stays applied"
    )
    assert sorted(contact.name for contact in laptop.contacts()) == ["Ana", "Ana"]
    monkeypatch.undo()
    at(laptop, 4)
    report = sync.sync(laptop, shared)  # nothing new to receive: the candidate was kept
    assert report.received == {} and report.merged == ["merged Ana into Ana (added on two devices)"]
    assert [contact.name for contact in laptop.contacts()] == ["Ana"]
    assert not laptop.conn.execute("SELECT 1 FROM meta WHERE key LIKE 'sync_namesake %'").fetchall()
    at(laptop, 5)
    assert sync.sync(laptop, shared).merged == []
    desk.close()
    laptop.close()


def test_a_lock_file_left_by_another_user_is_still_a_lock(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock file this user may not write (left by a sync run with sudo) is opened to read: a
    lock needs no writing, so sync still runs; one that cannot be opened at all is named."""
    database = tmp_path / "laptop.db"
    store = open_store(database, NOW)
    lock = tmp_path / "laptop.db.sync-lock"
    lock.touch(mode=0o400)
    real_open = os.open
    modes: list[int] = []

    def as_another_user(path: Any, flags: int, *args: Any) -> int:
        if str(path).endswith(".sync-lock"):
            modes.append(flags & (os.O_RDWR | os.O_WRONLY))
            if flags & os.O_RDWR:  # root may write anything: refuse as the file's owner would
                raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", as_another_user)
    assert sync.sync(store, folder, name="laptop").received == {}
    assert modes == [os.O_RDWR, os.O_RDONLY]
    monkeypatch.setattr(os, "open", real_open)
    lock.unlink()
    lock.mkdir()  # not a file at all
    with pytest.raises(DataError) as error:
        sync.sync(store, folder, name="laptop")
    assert error.value.message.startswith(f"cannot open the sync lock file {lock}: ")
    assert "safe to remove that file" in (error.value.hint or "")
    store.close()
