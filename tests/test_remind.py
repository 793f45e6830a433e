"""`kinship remind` (SPEC §8): due nudges once per repeat window, birthdays, snoozes, --notify, errors."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tests.conftest import dump, ok, run

SECRET = "my-secret-diagnosis-9f3c"


@pytest.fixture
def fading_ana(db_path: Path) -> Path:
    """Ana (every week, last met 1 October) is fading and the user isolated; Bea's birthday is 29 Nov."""
    ok("add", "Ana Lima", "--every", "1w")
    ok("log", "ana", "--when", "2026-10-01", "--note", SECRET)
    ok("add", "Bea Cruz", "--birthday", "1985-11-29")
    return db_path


def remind_json(*args: str, now: str | None = None) -> list[dict[str, object]]:
    env = {"KINSHIP_NOW": now} if now else None
    result = ok("remind", "--json", *args, env=env)
    payload = json.loads(result.stdout)
    assert set(payload) == {"as_of", "nudges"}
    nudges: list[dict[str, object]] = payload["nudges"]
    return nudges


def keys(nudges: list[dict[str, object]]) -> list[str]:
    return sorted(str(n["key"]) for n in nudges)


def reminders(db_path: Path) -> int:
    text = dump(db_path) or ""
    return sum(1 for line in text.splitlines() if "'remind'" in line and "nudge_state" in line)


def test_remind_prints_due_nudges_as_plain_lines_then_nothing_the_second_time(fading_ana: Path) -> None:
    first = ok("remind")
    lines = first.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("- ") for line in lines)
    assert "Ana Lima" in first.stdout and "Bea Cruz's birthday is in 3 days" in first.stdout
    assert "\x1b[" not in first.stdout  # no colour
    assert not any(ch in first.stdout for ch in "─│┌┐└┘━┃╭╮")  # no box drawing
    second = ok("remind")
    assert second.stdout == ""
    assert second.stderr == ""


def test_remind_is_due_again_once_the_repeat_window_has_passed(fading_ana: Path) -> None:
    first = remind_json("--as-of", "2026-11-26")
    assert {n["kind"] for n in first} == {"fading", "isolation", "birthday"}
    assert remind_json("--as-of", "2026-11-26") == []
    # six days later: still inside the 7-day window
    assert remind_json("--as-of", "2026-12-02", now="2026-12-02T08:00:00") == []
    # seven days later: the still-fading tie and the isolation come back; the birthday has passed
    again = remind_json("--as-of", "2026-12-03", now="2026-12-03T08:00:00")
    assert {n["kind"] for n in again} == {"fading", "isolation"}
    assert {n["key"] for n in again} < {n["key"] for n in first}
    assert remind_json("--as-of", "2026-12-03", now="2026-12-03T08:00:00") == []


def test_remind_repeat_days_comes_from_the_config(fading_ana: Path, kinship_env: Path) -> None:
    (kinship_env / "config.toml").write_text("remind_repeat_days = 2\n")
    assert len(remind_json("--as-of", "2026-11-26")) == 3
    assert remind_json("--as-of", "2026-11-27", now="2026-11-27T08:00:00") == []
    assert len(remind_json("--as-of", "2026-11-28", now="2026-11-28T08:00:00")) == 3


def test_remind_with_as_of_records_that_day_as_now(fading_ana: Path) -> None:
    """A reminder recorded --as-of 1 December does not count on 28 November (it came later)."""
    assert len(remind_json("--as-of", "2026-12-01", now="2026-12-01T08:00:00")) == 2
    earlier = remind_json("--as-of", "2026-11-28", now="2026-11-28T08:00:00")
    assert {n["kind"] for n in earlier} == {"fading", "isolation", "birthday"}
    # and nothing more is due on 1 December, reminded that very day
    assert remind_json("--as-of", "2026-12-01", now="2026-12-01T08:00:00") == []


def test_birthday_is_reminded_a_week_ahead_and_again_on_the_day(db_path: Path) -> None:
    ok("add", "Bea Cruz", "--birthday", "1985-12-10")
    assert remind_json("--as-of", "2026-12-02", now="2026-12-02T08:00:00") == []  # 8 days ahead
    soon = remind_json("--as-of", "2026-12-03", now="2026-12-03T08:00:00")
    assert keys(soon) == [k for k in keys(soon) if k.endswith(":2026-12-10:soon")] and len(soon) == 1
    assert "in 7 days" in str(soon[0]["message"])
    assert remind_json("--as-of", "2026-12-09", now="2026-12-09T08:00:00") == []  # soon, reminded
    today = remind_json("--as-of", "2026-12-10", now="2026-12-10T08:00:00")
    assert len(today) == 1 and str(today[0]["key"]).endswith(":2026-12-10:today")
    assert "today" in str(today[0]["message"])
    assert remind_json("--as-of", "2026-12-10", now="2026-12-10T18:00:00") == []


def test_nothing_due_prints_nothing_and_exits_0(db_path: Path) -> None:
    ok("add", "Cy Park")
    result = ok("remind")
    assert result.stdout == "" and result.stderr == ""
    assert remind_json() == []


def test_dry_run_shows_what_would_be_sent_and_records_nothing(fading_ana: Path) -> None:
    before = dump(fading_ana)
    shown = ok("remind", "--dry-run")
    assert len(shown.stdout.splitlines()) == 3
    assert dump(fading_ana) == before
    assert len(ok("remind", "--dry-run").stdout.splitlines()) == 3
    assert len(ok("remind").stdout.splitlines()) == 3  # the dry runs sent nothing
    assert reminders(fading_ana) == 3


def test_snoozed_contact_is_not_reminded_birthday_included(db_path: Path) -> None:
    ok("add", "Ana Lima", "--every", "1w", "--birthday", "1990-11-29")
    ok("log", "ana", "--when", "2026-10-01")
    ok("log", "--group", "book club", "--when", "2026-11-25")  # no isolation nudge
    ok("snooze", "ana", "2w")
    assert [n["kind"] for n in remind_json()] == []  # SPEC §6: a snoozed contact is left out
    # still snoozed on 9 December; the snooze ends on 10 December, but the digest of 9 December
    # (isolation comes 14 days after the book club) keeps remind quiet for a week: the fading
    # tie comes with the next digest, on 16 December
    still = remind_json("--as-of", "2026-12-09", now="2026-12-09T08:00:00")
    assert [n["kind"] for n in still] == ["isolation"]
    assert remind_json("--as-of", "2026-12-10", now="2026-12-10T08:00:00") == []
    later = remind_json("--as-of", "2026-12-16", now="2026-12-16T08:00:00")
    assert [n["kind"] for n in later] == ["fading", "isolation"]


def test_dismissed_key_is_never_reminded_and_a_new_episode_is(fading_ana: Path) -> None:
    due = remind_json("--dry-run")
    fading = next(str(n["key"]) for n in due if n["kind"] == "fading")
    ok("dismiss", fading)
    assert fading not in keys(remind_json())
    assert fading not in keys(remind_json("--as-of", "2026-12-10", now="2026-12-10T08:00:00"))
    # meeting Ana, then drifting apart again, starts a new fading episode with a new key
    ok("log", "ana", "--when", "2026-12-11", env={"KINSHIP_NOW": "2026-12-11T20:00:00"})
    fresh = remind_json("--as-of", "2027-01-10", now="2027-01-10T08:00:00")
    fading_keys = [k for k in keys(fresh) if k.startswith("fading:")]
    assert fading_keys and fading_keys[0].endswith(":2026-12-11") and fading_keys[0] != fading


def fake_notify_send(folder: Path, *, exit_code: int) -> Path:
    """Write a notify-send that records its arguments (one per line) and exits with ``exit_code``."""
    folder.mkdir(exist_ok=True)
    record = folder / "calls.txt"
    script = folder / "notify-send"
    script.write_text(
        f'#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg" >> "{record}"; done\nexit {exit_code}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return record


def test_notify_sends_one_desktop_notification_and_prints_nothing(
    fading_ana: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_notify_send(tmp_path / "bin", exit_code=0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = ok("remind", "--notify")
    assert result.stdout == ""
    args = record.read_text()
    assert "--app-name=kinship" in args
    assert "Ana Lima" in args and "Bea Cruz" in args
    assert reminders(fading_ana) == 3  # counted as sent
    assert ok("remind", "--notify").stdout == ""
    assert record.read_text() == args  # nothing due: no second notification


def test_notify_falls_back_to_printing_when_notify_send_fails(
    fading_ana: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_notify_send(tmp_path / "bin", exit_code=1)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = ok("remind", "--notify")
    assert record.exists()  # it was tried
    assert len(result.stdout.splitlines()) == 3
    assert reminders(fading_ana) == 3  # and the reminder counts as sent
    assert ok("remind", "--notify").stdout == ""


def test_notify_without_notify_send_prints(
    fading_ana: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = ok("remind", "--notify")
    assert len(result.stdout.splitlines()) == 3


def test_notify_with_dry_run_prints_and_sends_nothing(
    fading_ana: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_notify_send(tmp_path / "bin", exit_code=0)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = ok("remind", "--notify", "--dry-run")
    assert len(result.stdout.splitlines()) == 3
    assert not record.exists()
    assert reminders(fading_ana) == 0


def test_missing_database_is_an_error_and_is_not_created(db_path: Path, tmp_path: Path) -> None:
    wrong = tmp_path / "typo" / "kinship.db"
    result = run("--db", str(wrong), "remind")
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: no kinship database at")
    assert result.stdout == ""
    assert not wrong.exists() and not wrong.parent.exists()
    assert run("remind").exit_code == 5  # the default KINSHIP_DB of the test does not exist either
    assert not db_path.exists()


def test_empty_file_is_not_a_database_for_remind(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    result = run("remind", "--json")
    assert result.exit_code == 5
    assert "Error: no kinship database" in result.stderr and "empty" in result.stderr
    assert db_path.read_bytes() == b""


def test_error_messages_never_show_notes(fading_ana: Path, kinship_env: Path) -> None:
    ok("add", "Ana Park")
    failures = [
        run("log", "nobody-here", "--note", SECRET),  # not found
        run("log", "ana", "--note", SECRET),  # ambiguous: Ana Lima, Ana Park
        run("log", "ana lima", "--when", "not a date", "--note", SECRET),  # bad value
        run("log", "ana lima", "--feel", "9", "--note", SECRET),
        run("remind", "--as-of", "someday"),
    ]
    fading_ana.chmod(0o600)
    newer = kinship_env / "newer.db"
    newer.write_bytes(fading_ana.read_bytes())
    import sqlite3

    conn = sqlite3.connect(newer)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('kinship', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    failures += [run("--db", str(newer), "remind"), run("--db", str(newer), "log", "ana", "--note", SECRET)]
    for result in failures:
        assert result.exit_code in (2, 3, 4, 5), result.output
        assert SECRET not in result.stderr and SECRET not in result.stdout
        assert result.stderr.startswith("Error:") or "Usage" in result.stderr
    assert (dump(fading_ana) or "").count(SECRET) == 1  # nothing more was written
