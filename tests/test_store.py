"""The store: file modes, migrations with backups, refusing foreign and newer files, reopening."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinship import migrations, store
from kinship.errors import DataError
from kinship.models import Channel

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_light_copy_of_migration_names_matches_the_migrations() -> None:
    assert store.MIGRATION_NAMES == migrations.MIGRATION_NAMES


@pytest.mark.usefixtures("umask_022")
def test_new_database_is_0600_in_new_0700_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "kinship.db"
    store.open_store(path, NOW).close()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert _mode(path.parent.parent) == 0o700


@pytest.mark.usefixtures("umask_022")
def test_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    store.open_store(folder / "kinship.db", NOW).close()
    assert _mode(folder) == 0o755
    assert _mode(folder / "kinship.db") == 0o600


def test_blank_to_current_then_reopen_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    first = store.open_store(path, NOW)
    with first.write():
        rowid = first.insert_contact(name="Ana", name_key="ana", created=NOW)
        first.insert_interaction(
            when=NOW, day=NOW.date(), channel=Channel.CALL, contact_rowids=[rowid], created=NOW
        )
    first.close()
    conn = sqlite3.connect(path)
    applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == list(migrations.MIGRATION_NAMES)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    again = store.open_store(path, NOW)  # a fresh connection sees the committed rows
    assert again.status().interactions == 1
    assert [c.name for c in again.contacts()] == ["Ana"]
    again.close()
    assert not list(tmp_path.glob("kinship.db.bak-*"))  # nothing pending: no backup


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    store.open_store(path, NOW).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('kinship', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DataError, match="newer"):
        store.open_store(path, NOW)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [b"hello, this is a text file\n", b"", b"SQLite format 3\x00" + b"\x00" * 50],
    ids=["text", "empty-is-fine", "truncated"],
)
def test_foreign_or_truncated_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kinship.db"
    path.write_bytes(content)
    if not content:
        store.open_store(path, NOW).close()  # an empty file becomes a new database
        return
    with pytest.raises(DataError):
        store.open_store(path, NOW)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kinship.db"]


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DataError, match="not a kinship one"):
        store.open_store(path, NOW)
    assert path.read_bytes() == before


def test_pending_migration_backs_up_first_and_keeps_five(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kinship.db"
    first = store.open_store(path, NOW)
    with first.write():
        rowid = first.insert_contact(name="Ana", name_key="ana", created=NOW)
        first.add_value(rowid, "alias", "Annie", "annie")  # values too: the backup must pass its check
        first.add_value(rowid, "email", "ana@example.org", "ana@example.org")
    first.close()

    def m002_test(db: object) -> None:
        db.execute("CREATE TABLE test_extra (x INTEGER)")  # type: ignore[attr-defined]

    names = []
    for number in range(2, 9):  # seven new migrations, applied one opening at a time
        name = f"m{number:03d}_test"
        monkeypatch.setattr(
            migrations.migrations,
            "_migrations",
            [*migrations.migrations._migrations, migrations.migrations._Migration(name, lambda db: None)],
        )
        names.append(name)
        monkeypatch.setattr(store, "MIGRATION_NAMES", (*migrations.MIGRATION_NAMES, *names))
        later = NOW + dt.timedelta(minutes=number)
        store.open_store(path, later).close()
    backups = sorted(tmp_path.glob("kinship.db.bak-*"))
    assert len(backups) == 5
    assert backups[-1].name == "kinship.db.bak-20261126T100800"
    for backup in backups:
        assert _mode(backup) == 0o600
        conn = sqlite3.connect(backup)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM contacts").fetchall() == [("Ana",)]
        conn.close()
    conn = sqlite3.connect(path)
    applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    conn.close()
    assert applied == [*migrations.MIGRATION_NAMES, *names]


def test_failed_write_rolls_back_everything(tmp_path: Path) -> None:
    opened = store.open_store(tmp_path / "kinship.db", NOW)
    with pytest.raises(RuntimeError), opened.write():
        opened.insert_contact(name="Ana", name_key="ana", created=NOW)
        raise RuntimeError("boom")
    assert opened.contacts() == []
    opened.close()


def test_backup_command_refuses_to_overwrite(tmp_path: Path) -> None:
    opened = store.open_store(tmp_path / "kinship.db", NOW)
    target = tmp_path / "copy.db"
    opened.backup_to(target)
    assert _mode(target) == 0o600
    with pytest.raises(Exception, match="already exists"):
        opened.backup_to(target)
    opened.close()


def test_db_check_reports_a_broken_link_and_leaves_the_page_cache_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    opened = store.open_store(path, NOW)
    with opened.write():
        contact = opened.insert_contact(name="Ana Lima", name_key="ana lima", created=NOW)
        opened.insert_interaction(
            when=NOW, day=NOW.date(), channel=Channel.CALL, contact_rowids=[contact], created=NOW
        )
    assert opened.integrity_problems() == []
    opened.close()
    other = sqlite3.connect(path)  # foreign keys are off in other tools: a link to nobody
    other.execute("INSERT INTO links VALUES (99, 20000, 1, 1)")
    other.commit()
    other.close()
    opened = store.open_store(path, NOW)
    cache_size = opened.conn.execute("PRAGMA cache_size").fetchone()[0]
    assert opened.integrity_problems() == ["foreign key: links row None -> contacts"]
    assert opened.conn.execute("PRAGMA cache_size").fetchone()[0] == cache_size
    opened.close()
