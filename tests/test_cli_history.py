"""undo, redo and sync from the command line (end to end through the command table)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import dump, ok, run


def test_undo_list_undo_and_redo(db_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--via", "call")
    ok("edit", "ana", "--note", "met at uni")
    listed = json.loads(ok("undo", "--list", "--json").stdout)
    assert [item["words"] for item in listed] == [
        "edit: Ana Lima",
        "log: call with Ana Lima",
        "add: Ana Lima",
    ]
    assert "edit: Ana Lima" in ok("undo", "--list").stdout
    assert run("undo").exit_code == 2  # no terminal: needs --yes
    assert ok("undo", "--yes").stdout.strip() == "Took back edit: Ana Lima"
    assert ok("redo", "--yes").stdout.strip() == "Put back edit: Ana Lima"
    ok("undo", "--yes")
    ok("log", "ana")
    before = dump(db_path)
    refused = run("redo", "--yes")
    assert refused.exit_code == 2 and "nothing to redo" in refused.stderr
    assert dump(db_path) == before


def test_two_databases_sync_through_a_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    desk, laptop = str(tmp_path / "desk.db"), str(tmp_path / "laptop.db")
    ok("--db", desk, "add", "Ana Lima")
    ok("--db", desk, "log", "ana", "--via", "video")
    sent = json.loads(ok("--db", desk, "sync", str(shared), "--name", "desk", "--json").stdout)
    assert sent["sent"] == 1 and sent["name"] == "desk"
    report = ok("--db", laptop, "sync", str(shared), "--name", "laptop").stdout
    assert "from desk: 1" in report
    exports = [ok("--db", db, "export").stdout for db in (desk, laptop)]
    assert exports[0] == exports[1]


def test_sync_refuses_the_database_folder(db_path: Path) -> None:
    ok("add", "Ana Lima")
    before = dump(db_path)
    result = run("sync", str(db_path.parent))
    assert result.exit_code == 2 and "holds the database" in result.stderr
    assert dump(db_path) == before
    assert run("sync").exit_code == 2  # no folder and no sync_dir
