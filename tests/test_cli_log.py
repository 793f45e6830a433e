"""End-to-end interaction commands: log, undo, amend, unlog, history; and the fast log path."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import dump, ok, run

from kinship.cli.app import run_app
from kinship.cli.parse import parse
from kinship.cli.run import execute


def history(*args: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(ok("history", "--json", *args).stdout)
    return result


@pytest.fixture
def two_people() -> None:
    ok("add", "Ana Lima", "--alias", "ana", "--circle", "friends")
    ok("add", "Ben Ode", "--circle", "friends")


@pytest.mark.usefixtures("two_people")
def test_log_defaults_to_in_person_now() -> None:
    ok("log", "ana")
    [item] = history()
    assert item["channel"] == "in-person"
    assert item["mode"] == "face_to_face"
    assert item["when"] == "2026-11-26T10:00:00+01:00"
    assert item["day"] == "2026-11-26"
    assert [p["name"] for p in item["people"]] == ["Ana Lima"]
    for field in ("id", "minutes", "note", "feel", "group", "source"):
        assert field in item


@pytest.mark.usefixtures("two_people")
def test_log_with_every_option() -> None:
    ok(
        "log",
        "ana",
        "ben",
        "--via",
        "video",
        "--when",
        "yesterday 7pm",
        "--minutes",
        "40",
        "--note",
        "planned the trip",
        "--feel",
        "4",
    )
    [item] = history()
    assert item["channel"] == "video" and item["mode"] == "digital"
    assert item["when"] == "2026-11-25T19:00:00+01:00"
    assert item["minutes"] == 40 and item["feel"] == 4 and item["note"] == "planned the trip"
    assert sorted(p["name"] for p in item["people"]) == ["Ana Lima", "Ben Ode"]


def test_group_activity_needs_no_names() -> None:
    ok("log", "--group", "book club", "--when", "last thursday")
    [item] = history()
    assert item["people"] == [] and item["group"] == "book club"
    assert item["day"] == "2026-11-19"


def test_log_new_creates_unknown_people() -> None:
    ok("log", "Dee Nakamura", "--new")
    assert [p["name"] for p in json.loads(ok("people", "--json").stdout)] == ["Dee Nakamura"]


def test_log_keeps_the_offset_it_was_recorded_with_across_dst() -> None:
    ok("add", "Eve Ruiz")
    ok("log", "eve", "--when", "2026-10-25 02:30")  # clocks went back that night: first occurrence
    ok("log", "eve", "--when", "2026-08-01 12:00")
    items = history()
    assert [item["when"] for item in items] == ["2026-10-25T02:30:00+02:00", "2026-08-01T12:00:00+02:00"]
    # changing the time zone later does not move old interactions to another day
    moved = json.loads(ok("history", "--json", env={"TZ": "America/New_York"}).stdout)
    assert [item["day"] for item in moved] == ["2026-10-25", "2026-08-01"]
    assert [item["when"] for item in moved] == ["2026-10-25T02:30:00+02:00", "2026-08-01T12:00:00+02:00"]


@pytest.mark.usefixtures("two_people")
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["log", "xavier"], 3, "no contact matches"),
        (["log", "ana", "xavier"], 3, "no contact matches"),
        (["log", "--when", "tomorrow", "ana"], 2, "in the future"),
        (["log", "ana", "--when", "in an hour"], 2, "in the future"),
        (["log", "ana", "--when", "2026-11-26 12:00"], 2, "future"),
        (["log", "ana", "--via", "pigeon"], 2, "pigeon"),
        (["log", "ana", "--feel", "9"], 2, ""),
        (["log", "ana", "--minutes", "-5"], 2, ""),
        (["log", "ana", "--when", "2026-03-29 02:30"], 2, "does not exist"),
        (["log"], 2, "name at least one person"),
    ],
)
def test_bad_log_writes_nothing(args: list[str], code: int, message: str, db_path: Path) -> None:
    before = dump(db_path)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert dump(db_path) == before


def test_ambiguous_log_exits_4_listing_candidates(db_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("add", "Ana Souza")
    before = dump(db_path)
    result = run("log", "ana")
    assert result.exit_code == 4
    assert "Ana Lima" in result.stderr and "Ana Souza" in result.stderr
    assert dump(db_path) == before


@pytest.mark.usefixtures("two_people")
def test_undo_removes_only_the_last_log() -> None:
    ok("log", "ana", "--when", "2d ago")
    ok("log", "ben")
    assert run("undo").exit_code == 2  # no terminal: needs --yes
    ok("undo", "--yes")
    assert [item["people"][0]["name"] for item in history()] == ["Ana Lima"]
    ok("undo", "--yes")  # undo steps further back: the log with Ana
    assert history() == []
    ok("redo", "--yes")
    assert [item["people"][0]["name"] for item in history()] == ["Ana Lima"]


@pytest.mark.usefixtures("two_people")
def test_amend_by_prefix_changes_fields_and_people() -> None:
    ok("log", "ana", "--when", "yesterday", "--note", "coffee")
    [item] = history()
    prefix = item["id"][:6]
    ok("amend", prefix, "--via", "call", "--add", "ben", "--remove", "ana", "--minutes", "25")
    [changed] = history()
    assert changed["id"] == item["id"]
    assert changed["channel"] == "call"
    assert changed["minutes"] == 25
    assert changed["note"] == "coffee"
    assert [p["name"] for p in changed["people"]] == ["Ben Ode"]
    assert changed["when"] == item["when"]


@pytest.mark.usefixtures("two_people")
@pytest.mark.parametrize(("prefix", "code"), [("abc", 2), ("zzzzzz", 2), ("not an id", 2), ("missing", 3)])
def test_amend_and_unlog_bad_ids_write_nothing(prefix: str, code: int, db_path: Path) -> None:
    ok("log", "ana")
    [item] = history()
    if prefix == "missing":  # a well-formed prefix that is not the logged id
        prefix = "0123456789" if not item["id"].startswith("0123456789") else "fedcba9876"
    before = dump(db_path)
    assert run("amend", prefix, "--via", "call").exit_code == code
    assert run("unlog", prefix).exit_code == code
    assert run("unlog", prefix, "--yes").exit_code == code
    assert dump(db_path) == before


@pytest.mark.usefixtures("two_people")
def test_unlog_removes_one_interaction() -> None:
    ok("log", "ana", "--when", "3d ago")
    ok("log", "ben", "--when", "2d ago")
    target = next(item for item in history() if item["people"][0]["name"] == "Ana Lima")
    assert run("unlog", target["id"][:8]).exit_code == 2  # no terminal: needs --yes
    ok("unlog", target["id"][:8], "--yes")
    assert [item["people"][0]["name"] for item in history()] == ["Ben Ode"]


@pytest.mark.usefixtures("two_people")
def test_history_filters_and_orders_newest_first() -> None:
    for when in ("20d ago", "10d ago", "3d ago", "yesterday"):
        ok("log", "ana", "--when", when)
    ok("log", "ben", "--when", "2d ago")
    days = [item["day"] for item in history()]
    assert days == sorted(days, reverse=True) and len(days) == 5
    assert len(history("ana")) == 4
    assert [item["day"] for item in history("--since", "1w ago")] == [
        "2026-11-25",
        "2026-11-24",
        "2026-11-23",
    ]
    assert len(history("--limit", "2")) == 2
    assert run("history", "--limit", "0").exit_code == 2
    assert run("history", "--since", "whenever").exit_code == 2


@pytest.mark.usefixtures("two_people")
def test_kinship_now_replaces_the_clock() -> None:
    ok("log", "ana", env={"KINSHIP_NOW": "2026-06-01T08:15:00"})
    assert history()[0]["when"] == "2026-06-01T08:15:00+02:00"
    assert run("log", "ana", env={"KINSHIP_NOW": "not a time"}).exit_code == 2


# ---- the fast path -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["log", "ana"],
        ["log", "ana", "ben", "--via", "call"],
        ["--db", "/tmp/x.db", "log", "ana", "--via=video", "--when", "yesterday 7pm", "--minutes", "40"],
        ["log", "--group", "book club"],
        ["log", "ana", "--note", "-- a dash", "--feel", "4", "--new"],
    ],
)
def test_fast_path_understands_plain_invocations(args: list[str]) -> None:
    assert parse(args) is not None


@pytest.mark.parametrize(
    "args",
    [
        ["log", "--help"],
        ["log", "ana", "--minutes", "ten"],
        ["log", "ana", "--via", "call", "--via", "video"],
        ["log", "ana", "--unknown"],
        ["log", "ana", "-v=call"],  # click reads the value "=call"
        ["people", "-c=friends"],
        ["--version"],
    ],
)
def test_fast_path_leaves_everything_else_to_the_typer_app(args: list[str]) -> None:
    assert parse(args) is None


@pytest.mark.usefixtures("two_people")
@pytest.mark.parametrize(
    "args",
    [
        ["log"],  # no names and no terminal: the handler explains, whichever parser read it
        ["log", "ana", "--via", "pigeon"],
        ["log", "--group", ""],
        ["people"],
    ],
)
def test_values_the_handlers_judge_fail_alike_on_both_paths(args: list[str]) -> None:
    parsed = parse(args)
    assert parsed is not None
    fast, slow = _both(args)
    assert fast == slow


def _outcome(args: list[str], typer_path: bool) -> tuple[int, str, str]:
    """Return (exit code, stdout, stderr) of ``args`` run by the fast parser or the typer app."""
    from typer.testing import CliRunner

    from kinship.cli.run import report_error
    from kinship.errors import KinshipError

    with CliRunner().isolation() as (stdout, stderr, _):
        try:
            if typer_path:
                code = run_app(list(args))
            else:
                parsed = parse(list(args))
                assert parsed is not None
                code = execute(parsed.command, parsed.values, parsed.db)
        except KinshipError as error:
            code = report_error(error)
        sys.stdout.flush()
        sys.stderr.flush()
        return code, stdout.getvalue().decode(), stderr.getvalue().decode()


def _both(args: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """Return the outcome of ``args`` on the fast path and on the typer app."""
    return _outcome(args, False), _outcome(args, True)


def _fast(*args: str) -> int | None:
    buffer = io.StringIO()
    parsed = parse(list(args))
    assert parsed is not None
    with redirect_stdout(buffer):
        code = execute(parsed.command, parsed.values, parsed.db)
    sys.stdout.write(buffer.getvalue())
    return code


def _comparable(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in item.items() if key not in ("id", "created")}
        | {"people": [p["name"] for p in item["people"]]}
        for item in items
    ]


@pytest.mark.usefixtures("two_people")
def test_fast_path_records_exactly_what_the_typer_app_records() -> None:
    cases = [
        ["log", "ana", "ben", "--via", "call", "--when", "2h ago", "--minutes", "12", "--note", "plans"],
        ["log", "--group", "choir", "--when", "last monday", "--feel", "5"],
        ["log", "Gil New", "--new", "--via", "message", "--when", "yesterday 9pm"],
    ]
    for case in cases:
        assert _fast(*case) == 0
    fast_items = _comparable(history())
    for item in history():
        ok("unlog", item["id"], "--yes")
    ok("forget", "Gil New", "--yes")
    for case in cases:
        assert _outcome(case, typer_path=True)[0] == 0
    assert _comparable(history()) == fast_items


def _fast_output(*args: str) -> str:
    buffer = io.StringIO()
    parsed = parse(list(args))
    assert parsed is not None
    with redirect_stdout(buffer):
        assert execute(parsed.command, parsed.values, parsed.db) == 0
    return buffer.getvalue()


def _typer_output(*args: str) -> str:
    code, stdout, _ = _outcome(list(args), True)
    assert code == 0
    return stdout


@pytest.mark.usefixtures("two_people")
def test_fast_read_commands_print_exactly_what_the_typer_app_prints() -> None:
    ok("add", "Mum", "--circle", "family", "--birthday", "--11-29")
    ok("log", "ana", "--when", "2026-09-01")
    ok("log", "ben", "--via", "message", "--when", "2026-11-18")
    cases = [
        ["people"],
        ["people", "--json"],
        ["people", "--circle", "family", "--json"],
        ["nudges"],
        ["nudges", "--json", "--as-of", "2026-11-25"],
        ["review"],
        ["review", "--json"],
        ["review", "--markdown", "--week", "2026-W46"],
        ["remind", "--dry-run"],
        ["remind", "--dry-run", "--json", "--as-of", "2026-11-25"],
    ]
    for case in cases:
        assert _fast_output(*case) == ok(*case).stdout == _typer_output(*case), case


@pytest.mark.parametrize(
    "args",
    [
        ["people", "ana"],
        ["nudges", "--json", "--json"],
        ["review", "--week"],
        ["review", "--help"],
        ["nudges", "--as-of"],
        ["remind", "--dry-run", "--dry-run"],
        ["remind", "--quiet"],
    ],
)
def test_fast_path_leaves_odd_read_invocations_to_typer(args: list[str]) -> None:
    assert parse(args) is None
