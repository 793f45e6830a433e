"""kinship sync: two or three databases exchanging journal entries through one folder (SPEC §11)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from tests.journal_world import NOW, ZONE, export_text, small_log

from kinship import actions, history_actions, sync
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import UsageError
from kinship.models import Channel
from kinship.store import Store, open_store


def comparable(store: Store) -> str:
    """Return ``kinship export`` without its exported_at: what two synced devices must share byte for byte."""
    return export_text(store)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def test_two_laptops_converge(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    actions.add_contact(laptop, NOW, ContactChanges(name="Dee Fox"))
    first = sync.sync(desk, folder, name="desk")
    assert first.sent == 1 and sum(first.received.values()) == 0
    second = sync.sync(laptop, folder, name="laptop")
    assert second.received == {"desk": 1}
    assert comparable(laptop) != comparable(desk)
    sync.sync(desk, folder)
    assert comparable(laptop) == comparable(desk)
    # and on: a log on the laptop, an edit on the desk
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Dee", "Ana"), channel=Channel.VIDEO))
    actions.edit_contact(desk, "Ben", ContactChanges(note="climbing partner", tags=("bouldering",)))
    for store in (laptop, desk, laptop, desk):
        sync.sync(store, folder)
    assert comparable(laptop) == comparable(desk)
    assert "climbing partner" in comparable(laptop)
    desk.close()
    laptop.close()


def test_files_are_private_complete_and_never_rewritten(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    sync.sync(desk, folder, name="desk")
    device = desk.get_meta("device_id")
    own = folder / str(device)
    files = sorted(own.iterdir())
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert json.loads(files[0].read_text().splitlines()[-1])["complete"] is True
    before = files[0].read_bytes()
    sync.sync(desk, folder)  # nothing new: no new file
    assert sorted(own.iterdir()) == files and files[0].read_bytes() == before
    actions.snooze(desk, NOW, 7, name="Eve")
    sync.sync(desk, folder)
    assert len(list(own.iterdir())) == 2 and files[0].read_bytes() == before
    desk.close()


def test_a_half_copied_file_is_skipped_until_whole(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    sync.sync(desk, folder, name="desk")
    own = folder / str(desk.get_meta("device_id"))
    whole = next(own.iterdir())
    content = whole.read_bytes()
    whole.write_bytes(content[: len(content) // 2])  # the sync tool is still copying it in
    report = sync.sync(laptop, folder)
    assert report.incomplete_files == 1 and not report.received
    assert laptop.contacts() == []
    whole.write_bytes(content)
    assert sync.sync(laptop, folder).received == {"desk": 1}
    assert comparable(laptop) == comparable(desk)
    desk.close()
    laptop.close()


def test_the_same_folder_synced_twice_applies_nothing_twice(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    sync.sync(desk, folder)
    sync.sync(laptop, folder)
    once = comparable(laptop)
    entries = laptop.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    again = sync.sync(laptop, folder)
    assert not again.received and again.sent == 0
    # a copy of the same file under another name (a sync tool's conflict copy) is applied once too
    own = folder / str(desk.get_meta("device_id"))
    original = next(own.iterdir())
    (own / (original.name[:-4].replace("0", "1", 1) + ".kjl")).write_bytes(original.read_bytes())
    sync.sync(laptop, folder)
    assert comparable(laptop) == once
    assert laptop.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == entries
    desk.close()
    laptop.close()


def test_an_undo_travels(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    sync.sync(desk, folder)
    sync.sync(laptop, folder)
    actions.unlog_interaction(laptop, laptop.history(limit=1)[0].id[:8])
    sync.sync(laptop, folder)
    sync.sync(desk, folder)
    assert comparable(desk) == comparable(laptop)
    history_actions.undo(laptop)  # the unlog, taken back
    sync.sync(laptop, folder)
    sync.sync(desk, folder)
    assert comparable(desk) == comparable(laptop)
    assert len(desk.history()) == 3
    desk.close()
    laptop.close()


def test_same_name_on_two_devices_becomes_one_contact(tmp_path: Path, folder: Path) -> None:
    desk = open_store(tmp_path / "desk.db", NOW)
    laptop = open_store(tmp_path / "laptop.db", NOW + dt.timedelta(minutes=1))
    actions.add_contact(desk, NOW, ContactChanges(name="Ana Lima", circle="friends"))
    actions.log_interaction(desk, NOW, ZONE, LogRequest(names=("Ana",)))
    actions.add_contact(laptop, NOW, ContactChanges(name="Ana Lima", emails=("ana@example.org",)))
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Ana",), channel=Channel.CALL))
    sync.sync(desk, folder)
    report = sync.sync(laptop, folder)
    assert report.merged and "Ana Lima" in report.merged[0]
    for store in (desk, laptop, desk):
        sync.sync(store, folder)
    assert comparable(desk) == comparable(laptop)
    (ana,) = desk.contacts()
    assert ana.circle == "friends" and ana.emails == ("ana@example.org",)
    assert len(desk.history()) == 2
    desk.close()
    laptop.close()


def test_forgotten_stays_forgotten_and_removal_wins(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    sync.sync(desk, folder)
    sync.sync(laptop, folder)
    coffee = desk.history(limit=1)[0].id[:8]
    actions.forget_contact(desk, actions.find_contact(desk, "Cy").id)
    actions.unlog_interaction(desk, coffee)
    # meanwhile, offline, the laptop logs with Cy and amends the coffee
    actions.log_interaction(laptop, NOW, ZONE, LogRequest(names=("Cy",), channel=Channel.CALL))
    actions.amend_interaction(laptop, NOW, ZONE, coffee, LogRequest(note="long coffee"), channel_given=False)
    actions.edit_contact(laptop, "Cy", ContactChanges(note="moved away"))
    for store in (laptop, desk, laptop, desk):
        sync.sync(store, folder)
    assert comparable(desk) == comparable(laptop)
    assert [c.name for c in laptop.contacts()] == ["Ana Lima", "Ben Ode", "Eve Ruiz"]
    assert "long coffee" not in comparable(laptop)
    desk.close()
    laptop.close()


def test_a_folder_holding_the_database_is_refused(tmp_path: Path) -> None:
    store = small_log(tmp_path / "kinship.db")
    before = export_text(store)
    with pytest.raises(UsageError) as raised:
        sync.sync(store, tmp_path)
    assert raised.value.exit_code == 2 and "holds the database" in str(raised.value)
    assert os.listdir(tmp_path) == ["kinship.db"] or "kinship.db" in os.listdir(tmp_path)
    assert export_text(store) == before
    store.close()


def test_dry_run_changes_nothing(tmp_path: Path, folder: Path) -> None:
    desk = small_log(tmp_path / "desk.db")
    laptop = open_store(tmp_path / "laptop.db", NOW)
    sync.sync(desk, folder)
    report = sync.sync(laptop, folder, dry_run=True)
    assert report.received == {"desk": 1} or sum(report.received.values()) == 1
    assert laptop.contacts() == []
    assert not (folder / str(laptop.get_meta("device_id"))).exists()
    desk.close()
    laptop.close()


KILLED_SYNC = """
import datetime as dt, os, signal, sys
from pathlib import Path
from kinship import store, sync

database, folder, point, number = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
calls = 0

def die_at(count):
    global calls
    calls += 1
    if calls == count:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "apply":  # killed between two received entries
    apply_entry = sync._Applier.apply_entry
    def dying_apply(self, header, ops):
        die_at(number)
        apply_entry(self, header, ops)
    sync._Applier.apply_entry = dying_apply
elif point == "write":  # killed with this device's file half written
    line = sync._line
    def dying_line(value):
        die_at(number)
        return line(value)
    sync._line = dying_line
elif point == "renamed":  # killed after the file is in place, before the database committed
    replace = os.replace
    def dying_replace(source, target):
        replace(source, target)
        os.kill(os.getpid(), signal.SIGKILL)
    sync.os.replace = dying_replace
opened = store.open_store(Path(database), dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC))
sync.sync(opened, Path(folder))
"""


@pytest.mark.parametrize(("point", "number"), [("apply", 2), ("apply", 5), ("write", 7), ("renamed", 1)])
def test_a_sync_killed_midway_then_run_again_loses_nothing(
    tmp_path: Path, folder: Path, point: str, number: int
) -> None:
    import subprocess
    import sys

    desk = small_log(tmp_path / "desk.db")
    sync.sync(desk, folder)
    for hours in range(1, 6):  # five entries after the first exchange: five points to die between
        actions.log_interaction(desk, NOW - dt.timedelta(hours=hours), ZONE, LogRequest(names=("Ben",)))
    sync.sync(desk, folder)
    laptop = small_log(tmp_path / "laptop.db")
    actions.snooze(laptop, NOW, 5, name="Eve")
    laptop.close()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_SYNC, str(tmp_path / "laptop.db"), str(folder), point, str(number)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    assert bool(list(folder.glob("*/.*.tmp"))) == (point == "write")  # others never read it
    laptop = open_store(tmp_path / "laptop.db", NOW)
    assert laptop.integrity_problems() == []
    for store in (laptop, desk, laptop, desk):
        sync.sync(store, folder)
    assert not list(folder.glob("*/.*.tmp"))
    assert comparable(laptop) == comparable(desk)
    assert len(desk.history()) == 3 + 5 + 3  # each small log's three, and the five with Ben, none twice
    desk.close()
    laptop.close()


def test_a_copied_database_takes_a_new_device_id_and_both_converge(tmp_path: Path, folder: Path) -> None:
    import shutil

    desk = small_log(tmp_path / "desk.db")
    sync.sync(desk, folder, name="desk")
    original = desk.get_meta("device_id")
    desk.close()
    shutil.copy(tmp_path / "desk.db", tmp_path / "copy.db")  # what docs/sync.md says not to do
    moved = tmp_path / "moved"
    moved.mkdir()
    (tmp_path / "desk.db").rename(moved / "desk.db")  # a move keeps the file: the same device
    desk = open_store(moved / "desk.db", NOW)
    copy = open_store(tmp_path / "copy.db", NOW)
    actions.log_interaction(desk, NOW, ZONE, LogRequest(names=("Ana",), note="at the desk"))
    actions.log_interaction(copy, NOW, ZONE, LogRequest(names=("Ben",), note="on the copy"))
    assert desk.get_meta("device_id") == original
    assert copy.get_meta("device_id") not in (None, original)
    assert history_actions.undo_list(copy)[0].words.startswith("log:")  # undo still reaches back
    for store in (copy, desk, copy, desk):
        sync.sync(store, folder)
    assert comparable(copy) == comparable(desk)
    assert "at the desk" in comparable(copy) and "on the copy" in comparable(desk)
    assert len(copy.history()) == 3 + 2
    desk.close()
    copy.close()
