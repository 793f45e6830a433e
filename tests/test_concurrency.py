"""Real processes at once: WAL, busy timeout and BEGIN IMMEDIATE keep every write, lock nobody out."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ok
from tests.kinship_process import finish, kinship, start

from kinship.migrations import MIGRATION_NAMES

LOGGERS = 20


@pytest.fixture
def busy_database(db_path: Path) -> Path:
    ok("add", "Ana Lima", "--every", "1w", "--birthday", "1990-11-29")
    ok("add", "Ben Ode", "--circle", "friends")
    ok("log", "ana", "--when", "2026-10-01")
    return db_path


def test_parallel_logs_beside_remind_and_nudges_all_succeed(busy_database: Path) -> None:
    processes = []
    for number in range(LOGGERS):
        day = 1 + number % 25
        who = "ana" if number % 2 else "ben"
        processes.append(start("log", who, "--via", "call", "--when", f"2026-11-{day:02d} 09:00"))
        if number == LOGGERS // 2:
            processes += [start("remind"), start("nudges", "--json"), start("people")]
    processes += [start("remind", "--json"), start("review")]
    results = [finish(process) for process in processes]
    for result in results:
        assert result.returncode == 0, (result.args, result.stderr)
        assert "locked" not in result.stderr.lower() and "error" not in result.stderr.lower()
    history = json.loads(kinship("history", "--json").stdout)
    assert len(history) == LOGGERS + 1
    # the two remind runs never send a nudge twice
    reminded = [r.stdout for r in results if r.args[1:] == ["remind"]]
    as_json = [json.loads(r.stdout) for r in results if r.args[1:] == ["remind", "--json"]]
    sent = [line for text in reminded for line in text.splitlines()]
    sent += [n["message"] for payload in as_json for n in payload["nudges"]]
    assert len(sent) == len(set(sent))
    assert integrity(busy_database) == "ok"


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


OPENER = """
import datetime as dt, sys
from pathlib import Path
from kinship.cli import main
from kinship.store import open_store
import kinship.cli.app, kinship.migrations, sqlite_utils  # pay the imports before the race
print("ready", flush=True)
sys.stdin.readline()
if sys.argv[1] == "open_store":  # the tightest race: straight into opening
    open_store(Path(sys.argv[2]), dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)).close()
else:
    main(sys.argv[1:])
"""


def race(*argv: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start one process per argv, let each import kinship, then release them all at once."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for args in argv
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n", process.stderr.read() if process.stderr else ""
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return [finish(process) for process in processes]


@pytest.mark.parametrize("start_from", ["no file", "empty file", "no file", "empty file"])
def test_two_processes_creating_the_database_at_once_migrate_it_once(db_path: Path, start_from: str) -> None:
    if start_from == "empty file":
        db_path.parent.mkdir(parents=True)
        db_path.touch(mode=0o600)
    results = race(
        ["add", "Ana Lima"], ["add", "Ben Ode"], ["log", "--new", "Cy Park"], ["log", "--new", "Dee Moss"]
    )
    for result in results:
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    conn = sqlite3.connect(db_path)
    try:
        migrations = conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
        names = sorted(row[0] for row in conn.execute("SELECT name FROM contacts"))
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert migrations == [("kinship", name) for name in MIGRATION_NAMES]  # each exactly once
    assert names == ["Ana Lima", "Ben Ode", "Cy Park", "Dee Moss"]
    assert mode == "wal"
    assert not list(db_path.parent.glob("*.bak-*"))  # an empty database needs no backup
    assert db_path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("round_number", range(6))
def test_processes_opening_a_new_database_at_the_same_moment_all_succeed(
    db_path: Path, round_number: int
) -> None:
    db_path.parent.mkdir(parents=True)
    if round_number % 2:
        db_path.touch(mode=0o600)
    results = race(*(["open_store", str(db_path)] for _ in range(8)))
    for result in results:
        assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT name FROM _sqlite_migrations").fetchall() == [
            (n,) for n in MIGRATION_NAMES
        ]
    finally:
        conn.close()


def test_commands_that_only_read_never_write(busy_database: Path) -> None:
    before = busy_database.read_bytes()
    for args in (
        ["nudges"],
        ["nudges", "--json", "--as-of", "2026-11-01"],
        ["people", "--json"],
        ["show", "ana"],
        ["history"],
        ["review", "--json"],
        ["remind", "--dry-run"],
    ):
        result = kinship(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert busy_database.read_bytes() == before
    assert not Path(f"{busy_database}-wal").exists() or Path(f"{busy_database}-wal").stat().st_size == 0


def test_reading_an_empty_file_writes_no_schema_into_it(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch(mode=0o600)
    for args in (["nudges"], ["people"], ["history", "--json"], ["review"]):
        result = kinship(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert db_path.read_bytes() == b""
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["kinship.db"]
