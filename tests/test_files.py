"""Files written whole or not at all (files.py, db backup), and damaged databases reported, not crashed on."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import ok, run
from tests.kinship_process import kinship_script

from kinship import actions
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import DataError, UsageError
from kinship.files import write_atomically, write_text_atomically
from kinship.models import Channel
from kinship.store import open_store

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)
PAGE = 4096


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real kinship database of 60 contacts and 600 interactions (~170 KB), checkpointed."""
    path = tmp_path_factory.mktemp("sample") / "kinship.db"
    store = open_store(path, NOW)
    try:
        for number in range(60):
            actions.add_contact(store, NOW, ContactChanges(name=f"Person {number:03d}"))
        for number in range(600):
            request = LogRequest(
                names=(f"Person {number % 60:03d}",),
                when_text=f"{1 + number % 300}d ago",
                channel=Channel.CALL,
            )
            actions.log_interaction(store, NOW, BERLIN, request)
    finally:
        store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".part") or ".part-" in name)


def test_write_atomically_writes_the_whole_file_0600(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert write_atomically(target, lambda handle: handle.write(b"x" * 100_000)) == 100_000
    assert target.read_bytes() == b"x" * 100_000
    assert target.stat().st_mode & 0o777 == 0o600
    assert write_text_atomically(tmp_path / "t.csv", lambda handle: handle.write("é,\r\n")) == 4
    assert (tmp_path / "t.csv").read_bytes() == "é,\r\n".encode()
    assert _leftovers(tmp_path) == []


def test_write_atomically_never_overwrites_nor_follows_a_symlink(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.write_text("keep")
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "live-link").symlink_to(victim)
    (tmp_path / "dangling-link").symlink_to(tmp_path / "nowhere")
    for name, words in [
        ("existing", "already exists"),
        ("live-link", "symbolic link"),
        ("dangling-link", "symbolic link"),
    ]:
        with pytest.raises(UsageError, match=words):
            write_atomically(tmp_path / name, lambda handle: handle.write(b"new"))
    assert existing.read_text() == "keep" and victim.read_text() == "keep"
    assert not (tmp_path / "nowhere").exists()
    with pytest.raises(UsageError, match="does not exist"):
        write_atomically(tmp_path / "no-folder" / "out", lambda handle: handle.write(b"new"))
    assert _leftovers(tmp_path) == []


def test_a_failing_writer_leaves_nothing_behind(tmp_path: Path) -> None:
    def broken(handle: object) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "out", broken)  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []


def test_the_file_size_limit_is_named_and_nothing_is_left(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))  # Python ignores SIGXFSZ: writes fail
    try:
        with pytest.raises(DataError) as caught:
            write_atomically(tmp_path / "big.json", lambda handle: handle.write(b"x" * 1_000_000))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert (
        caught.value.message == f"the file-size limit (ulimit -f) was reached writing {tmp_path / 'big.json'}"
    )
    assert caught.value.exit_code == 5
    assert os.listdir(tmp_path) == []


def test_db_backup_under_a_file_size_limit_fails_cleanly(sample_db: Path, tmp_path: Path) -> None:
    """A real process with RLIMIT_FSIZE (what `ulimit -f` sets): exit 5, the cause named, nothing left."""
    database = tmp_path / "kinship.db"
    shutil.copy(sample_db, database)
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "copy.db"
    env = {
        **os.environ,
        "KINSHIP_DB": str(database),
        "KINSHIP_NOW": "2026-11-26T10:00",
        "TZ": "Europe/Berlin",
    }
    limit = 64 * 1024
    assert database.stat().st_size > 2 * limit

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    done = subprocess.run(
        [str(kinship_script()), "db", "backup", str(target)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=120,
        check=False,
    )
    assert done.returncode == 5, done.stderr
    assert done.stderr.startswith(f"Error: the file-size limit (ulimit -f) was reached writing {target}")
    assert "Traceback" not in done.stderr
    assert os.listdir(folder) == []
    ok("--db", str(database), "db", "backup", str(target))  # without the limit it works
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_db_backup_never_writes_through_a_symlink_nor_over_a_file(tmp_path: Path, db_path: Path) -> None:
    ok("add", "Ana Lima")
    victim = tmp_path / "victim"
    (tmp_path / "dangling").symlink_to(victim)
    result = run("db", "backup", str(tmp_path / "dangling"))
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert not victim.exists()
    (tmp_path / "taken").write_text("keep")
    result = run("db", "backup", str(tmp_path / "taken"))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / "taken").read_text() == "keep"


def test_a_database_path_that_is_a_dangling_symlink_is_a_clean_error(tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "gone" / "kinship.db")
    result = run("--db", str(link), "log", "ana", "--new")
    assert result.exit_code == 5
    assert "is a symbolic link to" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "gone").exists()


def _damage_root_page(path: Path, table: str) -> int:
    """Overwrite the interior root page of ``table`` (past its header) with noise; return its number."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * PAGE
    assert data[offset] == 0x05, "the root of a table this size is an interior page"
    noise = random.Random(7)
    for index in range(offset + 12, offset + PAGE):
        data[index] = noise.randrange(256)
    path.write_bytes(bytes(data))
    return int(root)


def test_a_damaged_interior_page_is_exit_5_everywhere_and_db_check_names_it(
    sample_db: Path, tmp_path: Path
) -> None:
    database = tmp_path / "damaged.db"
    shutil.copy(sample_db, database)
    _damage_root_page(database, "interactions")
    before = database.read_bytes()
    for args in (
        ("log", "Person 001", "--via", "call"),
        ("history",),
        ("review",),
        ("show", "Person 001"),
        ("export",),
        ("db", "backup", str(tmp_path / "copy.db")),
    ):
        result = run("--db", str(database), *args)
        assert result.exit_code == 5, (args, result.output, result.exception)
        assert "kinship db check" in result.stderr and "Traceback" not in result.output
    assert database.read_bytes() == before
    assert not (tmp_path / "copy.db").exists()
    result = run("--db", str(database), "db", "check", "--json")
    assert result.exit_code == 5
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"][0] == "table interactions: cannot be read: database disk image is malformed"
