"""`kinship history` filters of SPEC §4: names (all of them), --until, --via, --mode, --circle, --group, --grep."""

from __future__ import annotations

import json

import pytest
from tests.conftest import ok, run


@pytest.fixture
def logged() -> None:
    ok("add", "Ana Lima", "--circle", "family")
    ok("add", "Ben Ode", "--circle", "friends")
    ok("add", "Cy Park")
    ok("log", "ana", "ben", "--via", "video", "--when", "2026-11-01 18:00", "--note", "Planning the Birthday")
    ok("log", "ana", "--when", "2026-11-10 12:00", "--group", "Book Club")
    ok("log", "ben", "--via", "phone", "--when", "2026-11-20 09:00")
    ok("log", "cy", "--via", "text", "--when", "2026-11-25 21:00", "--note", "café plans")


def notes(*args: str) -> list[tuple[str, str | None, str | None]]:
    rows = json.loads(ok("history", *args, "--json").stdout)
    return [(row["day"], row["channel"], row["note"] or row["group"]) for row in rows]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ana", "ben"], [("2026-11-01", "video", "Planning the Birthday")]),
        (
            ["ana"],
            [("2026-11-10", "in-person", "Book Club"), ("2026-11-01", "video", "Planning the Birthday")],
        ),
        (
            ["--until", "2026-11-10"],
            [("2026-11-10", "in-person", "Book Club"), ("2026-11-01", "video", "Planning the Birthday")],
        ),
        (
            ["--since", "2026-11-10", "--until", "2026-11-20 09:00"],
            [("2026-11-20", "call", None), ("2026-11-10", "in-person", "Book Club")],
        ),
        (["--via", "phone"], [("2026-11-20", "call", None)]),
        (["--via", "message"], [("2026-11-25", "message", "café plans")]),
        (["--mode", "face_to_face"], [("2026-11-10", "in-person", "Book Club")]),
        (["--mode", "digital", "--circle", "family"], [("2026-11-01", "video", "Planning the Birthday")]),
        (
            ["--circle", "friends"],
            [("2026-11-20", "call", None), ("2026-11-01", "video", "Planning the Birthday")],
        ),
        (["--group", "BOOK club"], [("2026-11-10", "in-person", "Book Club")]),
        (["--grep", "birthday"], [("2026-11-01", "video", "Planning the Birthday")]),
        (["--grep", "CAFE"], [("2026-11-25", "message", "café plans")]),
        (["--grep", "club"], [("2026-11-10", "in-person", "Book Club")]),
        (["ben", "--via", "video", "--limit", "1"], [("2026-11-01", "video", "Planning the Birthday")]),
    ],
)
def test_each_filter_keeps_exactly_what_it_names(
    logged: None, args: list[str], expected: list[object]
) -> None:
    assert notes(*args) == expected


def test_filters_that_match_nothing_say_so(logged: None) -> None:
    result = ok("history", "cy", "--mode", "face_to_face")
    assert "No interactions match these filters." in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--mode", "sideways"], 2), (["--circle", "enemies"], 2), (["--via", "pigeon"], 2), (["nobody"], 3)],
)
def test_bad_filter_values_are_usage_errors(logged: None, args: list[str], code: int) -> None:
    result = run("history", *args)
    assert result.exit_code == code and result.stderr.startswith("Error:"), result.output


def test_history_json_is_read_a_chunk_at_a_time(logged: None, db_path: object) -> None:
    """The JSON list is produced from a lazy reader: rows are fetched while they are printed."""
    import datetime as dt
    from pathlib import Path

    from kinship import actions
    from kinship.store import open_store

    assert isinstance(db_path, Path)
    now = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
    store = open_store(db_path, now, create=False)
    try:
        lazy = actions.iter_history(store, now, dt.UTC, where=actions.HistoryFilter(names=("ana",)))
        assert not isinstance(lazy, list)
        first = next(lazy)
        assert [first, *lazy] == actions.history(store, now, dt.UTC, name="ana")
        chunks = list(store.iter_history(chunk=1))
        assert chunks == store.history()
    finally:
        store.close()


def test_people_status_keeps_that_status_only(logged: None) -> None:
    """`people --status S` (SPEC §4): Ana and Ben are family/friends, Cy has no circle."""
    rows = json.loads(ok("people", "--status", "no_rhythm", "--json").stdout)
    assert [row["name"] for row in rows] == ["Cy Park"]
    everyone = json.loads(ok("people", "--json").stdout)
    for status in {row["status"] for row in everyone}:
        kept = json.loads(ok("people", "--status", status, "--json").stdout)
        assert kept == [row for row in everyone if row["status"] == status]
    assert "No contacts match --status fading" in ok("people", "--status", "fading").stdout
    result = run("people", "--status", "sad")
    assert result.exit_code == 2 and "unknown status 'sad'" in result.stderr
