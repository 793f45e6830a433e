"""Crashes and bad files: SIGKILL mid-write, a leftover WAL, and files kinship must refuse untouched."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import ok
from tests.kinship_process import kinship, kinship_script

BATCH = 3000

WRITER = """
import datetime as dt, sys
from pathlib import Path
from kinship.models import Channel
from kinship.store import open_store

path, batch, commit = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "commit"
now = dt.datetime(2026, 11, 26, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
store = open_store(path, now)
contact = store.conn.execute("SELECT id FROM contacts ORDER BY id LIMIT 1").fetchone()[0]
with store.write():
    for number in range(batch):
        when = now - dt.timedelta(minutes=number)
        store.insert_interaction(
            when=when, day=when.date(), channel=Channel.CALL, contact_rowids=[contact], created=now
        )
        if number % 100 == 0:
            print(number, flush=True)
    if not commit:
        sys.stdin.readline()  # never returns: the test kills us inside the transaction
print("committed", flush=True)
sys.stdin.readline()  # keep the connection open, so the WAL is left behind when we are killed
"""


def start_writer(path: Path, *, commit: bool) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(BATCH), "commit" if commit else "hang"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


def read_until(process: subprocess.Popen[str], wanted: str) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == wanted:
            return
    raise AssertionError(f"the writer ended before printing {wanted!r}: {process.communicate()}")


def count_and_check(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(path)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        count = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM links").fetchone()[0]
    finally:
        conn.close()
    assert links == count  # every interaction came with its link, or neither did
    return int(count), str(verdict)


@pytest.fixture
def one_contact(db_path: Path) -> Path:
    ok("add", "Ana Lima", "--every", "1w")
    return db_path


def test_sigkill_during_a_long_write_leaves_all_or_nothing(one_contact: Path) -> None:
    """Kill the writer at a different point each time: inside the transaction, or just after it."""
    chooser = random.Random(20261126)
    expected = 0
    for iteration in range(12):
        committing = iteration % 4 == 3
        writer = start_writer(one_contact, commit=committing)
        # let it get a random way into the batch (or all the way through the commit)
        read_until(writer, "committed" if committing else str(100 * chooser.randrange(0, BATCH // 100)))
        kill(writer)
        if committing:
            expected += BATCH
        assert count_and_check(one_contact) == (expected, "ok"), iteration
    # kinship carries on with the database as if nothing had happened
    ok("log", "ana", "--via", "call")
    assert count_and_check(one_contact) == (expected + 1, "ok")


def test_a_leftover_wal_is_recovered_not_deleted(one_contact: Path) -> None:
    writer = start_writer(one_contact, commit=True)
    read_until(writer, "committed")
    kill(writer)
    wal = Path(f"{one_contact}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the committed batch lives only in the WAL
    # a command that only reads sees the batch
    status = kinship("history", "--json")
    assert status.returncode == 0, status.stderr
    assert status.stdout.count('"channel": "call"') == BATCH
    # and so does a command that writes, which keeps it
    assert kinship("log", "ana").returncode == 0
    assert count_and_check(one_contact) == (BATCH + 1, "ok")


# ---- files kinship must refuse, untouched -------------------------------------------------------

COMMANDS = (["remind"], ["remind", "--dry-run"], ["nudges"], ["people"], ["log", "ana"], ["add", "Bo Yu"])


def snapshot(path: Path) -> tuple[bytes, list[str]]:
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


def assert_refused(path: Path, commands: tuple[list[str], ...] = COMMANDS, *, says: str = "") -> None:
    """Every command exits 5 with one Error line (and a hint) and leaves the folder as it was."""
    before = snapshot(path)
    for args in commands:
        result = kinship("--db", str(path), *args)
        assert result.returncode == 5, (args, result.returncode, result.stderr)
        lines = result.stderr.splitlines()
        assert lines[0].startswith("Error: ") and says in lines[0], (args, result.stderr)
        assert len(lines) <= 2 and all(line.startswith(("Error: ", "Hint: ")) for line in lines)
        assert result.stdout == ""
        assert snapshot(path) == before, args  # byte for byte, and no -wal / -shm beside it


def real_database(kinship_env: Path) -> Path:
    """A small real kinship database, checkpointed into its one file."""
    path = kinship_env / "real.db"
    for args in (["add", "Ana Lima", "--every", "1w"], ["log", "ana", "--when", "2026-10-01"]):
        ok("--db", str(path), *args)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    Path(f"{path}-wal").unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)
    return path


def test_garbage_file_is_refused_untouched(kinship_env: Path) -> None:
    path = kinship_env / "garbage.db"
    path.write_bytes(random.Random(7).randbytes(9000))
    assert_refused(path, says="not a kinship database")


def test_text_file_is_refused_untouched(kinship_env: Path) -> None:
    path = kinship_env / "notes.txt"
    path.write_text("Ana's phone number is in here\n")
    assert_refused(path, says="not a kinship database")


@pytest.mark.parametrize("keep", [100, 4096, 0.5, 0.9])
def test_truncated_database_is_refused_untouched(kinship_env: Path, keep: float) -> None:
    path = real_database(kinship_env)
    data = path.read_bytes()
    path.write_bytes(data[: int(keep * len(data)) if keep < 1 else int(keep)])
    assert_refused(path)


def test_database_from_a_newer_kinship_is_refused_untouched(kinship_env: Path) -> None:
    path = real_database(kinship_env)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('kinship', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    assert_refused(path, says="newer kinship")


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_other_sqlite_database_is_refused_untouched(kinship_env: Path, journal_mode: str) -> None:
    path = kinship_env / "other-app.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute("CREATE TABLE notes(body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()
    assert_refused(path, says="not a kinship one")


@pytest.mark.parametrize(
    "args",
    [
        ["remind"],
        ["nudges"],
        ["people"],
        ["log", "ana"],
    ],
)
def test_damaged_page_inside_a_database_is_a_data_error_not_a_crash(
    kinship_env: Path, args: list[str]
) -> None:
    path = real_database(kinship_env)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(random.Random(3).randbytes(page_size))
    before = path.read_bytes()
    result = kinship("--db", str(path), *args)
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert path.read_bytes() == before
    assert result.returncode == 5, result.stderr


def test_folder_given_as_database_is_refused(kinship_env: Path) -> None:
    folder = kinship_env / "a-folder"
    folder.mkdir()
    for args in (["remind"], ["log", "ana"]):
        result = kinship("--db", str(folder), *args)
        assert result.returncode == 5 and result.stderr.startswith("Error: ")
    assert list(folder.iterdir()) == []


# ---- read-only file and folder -------------------------------------------------------------------


def unprivileged() -> Callable[[list[str]], list[str]]:
    """Return a wrapper that runs a command without root's power to ignore file permissions."""
    if os.geteuid() != 0:
        return lambda argv: argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    drop = "-dac_override,-dac_read_search"
    prefix = [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("cannot drop root's file-permission override here")
    return lambda argv: [*prefix, *argv]


def run_unprivileged(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = unprivileged()([str(kinship_script()), "--db", str(path), *args])
    return subprocess.run(
        argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_refuses_writes_allows_reads_and_stays_untouched(
    kinship_env: Path, what: str
) -> None:
    path = real_database(kinship_env)
    if what == "folder":
        folder = kinship_env / "locked"
        folder.mkdir()
        path = path.rename(folder / "kinship.db")
    target = path if what == "file" else path.parent
    target.chmod(0o400 if what == "file" else 0o500)
    try:
        before = snapshot(path)
        for args in (["log", "ana", "--note", "private words"], ["add", "Bo Yu"], ["remind"]):
            result = run_unprivileged(path, *args)
            assert result.returncode == 5, (args, result.stderr)
            assert result.stderr.startswith("Error: ") and "read-only" in result.stderr.splitlines()[0]
            assert "private words" not in result.stderr
        for args in (["nudges"], ["people"], ["remind", "--dry-run"], ["history"]):
            result = run_unprivileged(path, *args)
            assert result.returncode == 0, (args, result.stderr)
        assert "Ana Lima" in run_unprivileged(path, "people").stdout
        assert snapshot(path) == before  # no NAME-wal / NAME-shm left beside it
    finally:
        target.chmod(0o600 if what == "file" else 0o700)
    # once writable again, kinship writes as usual
    assert kinship("--db", str(path), "log", "ana").returncode == 0
