"""Only a successful write creates the database (SPEC §3), for every way a command opens it."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from tests.conftest import ok, run

from kinship.cli.spec import EXISTING, NONE, READ, WRITE
from kinship.cli.table import COMMANDS

FAILING_WRITES = [
    ["add", "Ana Lima", "--every", "often"],
    ["edit", "nobody", "--circle", "family"],
    ["archive", "nobody"],
    ["unarchive", "nobody"],
    ["merge", "nobody", "somebody"],
    ["forget", "nobody", "--yes"],
    ["log", "nobody"],
    ["log", "ana", "--via", "pigeon"],
    ["undo", "--yes"],
    ["redo", "--yes"],
    ["amend", "abcdef", "--note", "x"],
    ["unlog", "abcdef"],
    ["snooze", "nobody", "2w"],
    ["dismiss", "no_such_key:1"],
    ["unsnooze", "nobody"],
    ["undismiss", "nobody"],
    ["sync"],
    ["import", "missing-file.vcf"],
]
READS = [["people"], ["show", "ana"], ["history"], ["nudges"], ["review"], ["groups"], ["export"]]
EXISTING_ONLY = [["remind"], ["db", "status"], ["db", "check"], ["db", "backup"]]


def test_every_command_class_is_covered_here() -> None:
    heads = {
        tuple(case[:2]) if case[0] == "db" else (case[0],) for case in FAILING_WRITES + READS + EXISTING_ONLY
    }
    for command in COMMANDS:
        key = tuple(command.name.split(" "))
        if command.store in (WRITE, READ, EXISTING):
            assert key in heads, f"{command.name} ({command.store}) has no case here"
        else:
            assert command.store == NONE


@pytest.mark.parametrize("args", FAILING_WRITES, ids=[" ".join(case) for case in FAILING_WRITES])
def test_a_failed_write_leaves_no_file_and_no_folder(args: list[str], tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "x.db"
    result = run("--db", str(target), *args)
    assert result.exit_code != 0 and result.stderr.startswith("Error:"), result.output
    assert not (tmp_path / "new").exists()


def test_a_successful_write_creates_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "x.db"
    ok("--db", str(target), "add", "Ana Lima")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "args", READS + EXISTING_ONLY, ids=[" ".join(case) for case in READS + EXISTING_ONLY]
)
def test_an_explicitly_named_missing_database_is_exit_5_naming_it(args: list[str], tmp_path: Path) -> None:
    target = tmp_path / "typo.db"
    result = run("--db", str(target), *args)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error:") and str(target) in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("source", ["env", "config"])
def test_kinship_db_and_config_db_count_as_named(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "typo.db"
    monkeypatch.delenv("KINSHIP_DB")
    if source == "env":
        monkeypatch.setenv("KINSHIP_DB", str(target))
    else:
        (tmp_path / "config.toml").write_text(f'db = "{target}"\n', encoding="utf-8")
    result = run("nudges")
    assert result.exit_code == 5 and str(target) in result.stderr
    assert not target.exists()


def test_the_default_location_with_no_database_shows_the_empty_state_and_a_hint(
    kinship_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KINSHIP_DB")
    people = run("people")
    assert people.exit_code == 0 and "No contacts yet" in people.stdout
    assert "no kinship database yet" in people.stderr
    assert json.loads(ok("review", "--json").stdout)["week"]
    assert json.loads(ok("people", "--json").stdout) == []
    assert not (kinship_env / "xdg-data").exists()


def test_db_path_config_and_cron_never_create_anything(db_path: Path) -> None:
    for args in (["db", "path"], ["db", "path", "--json"], ["config"], ["cron"]):
        ok(*args)
    assert not db_path.parent.exists()


def _make_older(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_nudges'")
    conn.commit()
    conn.close()


def test_db_status_shows_a_pending_migration_and_leaves_it_pending(db_path: Path) -> None:
    ok("add", "Ana Lima")
    _make_older(db_path)
    for _ in range(2):
        status = json.loads(ok("db", "status", "--json").stdout)
        assert status["pending"] == ["m003_nudges"]
    ok("db", "check")
    assert json.loads(ok("db", "status", "--json").stdout)["pending"] == ["m003_nudges"]
    assert not list(db_path.parent.glob("*.bak-*"))  # no migration, so no backup before one


def test_completion_never_migrates(db_path: Path) -> None:
    from kinship.cli.complete import complete_names

    ok("add", "Ana Lima")
    _make_older(db_path)
    assert complete_names(None, "an") == ["Ana Lima"]
    assert json.loads(ok("db", "status", "--json").stdout)["pending"] == ["m003_nudges"]


def test_contacts_read_every_field_into_its_own_place(tmp_path: Path) -> None:
    """``Store.contacts`` builds each Contact positionally (fast): every field lands where it belongs."""
    import datetime as dt

    from kinship import actions
    from kinship.actions import ContactChanges
    from kinship.models import Contact
    from kinship.store import open_store

    now = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
    store = open_store(tmp_path / "kinship.db", now)
    actions.add_contact(
        store,
        now,
        ContactChanges(
            name="Ana Lima",
            circle="friends",
            aliases=("Nana",),
            tags=("climbing",),
            emails=("ana@example.org",),
            phones=("+351 912 345 678",),
            birthday="--03-04",
            every_days=14,
            note="likes tea",
            see_every_days=30,
        ),
    )
    actions.add_contact(store, now, ContactChanges(name="Ben Ode"))
    with store.read():
        ana, ben = store.contacts()
    assert ana == Contact(
        id=ana.id,
        name="Ana Lima",
        circle="friends",
        aliases=("Nana",),
        tags=("climbing",),
        emails=("ana@example.org",),
        phones=(ana.phones[0],),
        birthday="--03-04",
        every_days=14,
        note="likes tea",
        archived=False,
        created=now,
        source_ids=(),
        see_every_days=30,
    )
    assert ana.phones[0].replace(" ", "").endswith("912345678")
    assert ben == Contact(id=ben.id, name="Ben Ode", created=now)
    store.close()
