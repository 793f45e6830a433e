"""End-to-end contact commands through CliRunner: add, edit, archive, merge, forget, people, show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import dump, ok, run


def people() -> list[dict[str, object]]:
    result: list[dict[str, object]] = json.loads(ok("people", "--json").stdout)
    return result


def test_add_then_people_json_has_the_contract_fields(db_path: Path) -> None:
    ok(
        "add",
        "Ana Lima",
        "--circle",
        "friends",
        "--every",
        "2w",
        "--alias",
        "ana",
        "--tag",
        "climbing",
        "--birthday",
        "1990-11-06",
        "--email",
        "Ana@Example.org",
        "--phone",
        "+49 30 1234567",
        "--note",
        "met at uni",
    )
    [ana] = people()
    for field in (
        "id",
        "name",
        "circle",
        "aliases",
        "tags",
        "emails",
        "phones",
        "birthday",
        "every_days",
        "rhythm_days",
        "last_seen",
        "last_face_to_face",
        "archived",
        "status",
    ):
        assert field in ana
    assert ana["name"] == "Ana Lima"
    assert ana["circle"] == "friends"
    assert ana["every_days"] == 14
    assert ana["rhythm_days"] == 14
    assert ana["aliases"] == ["ana"]
    assert ana["tags"] == ["climbing"]
    assert ana["emails"] == ["Ana@Example.org"]
    assert ana["birthday"] == "1990-11-06"
    assert ana["last_seen"] is None
    assert ana["archived"] is False
    assert isinstance(ana["id"], str) and len(str(ana["id"])) >= 16


def test_partial_birthday_and_no_circle() -> None:
    ok("add", "Cy Park", "--birthday", "--03-04")
    [cy] = people()
    assert cy["birthday"] == "--03-04"
    assert cy["circle"] is None
    assert cy["status"] == "no_rhythm"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["add", "Ana Lima", "--circle", "neighbours"], 2),
        (["add", "Ana Lima", "--every", "1m"], 2),
        (["add", "Ana Lima", "--every", "often"], 2),
        (["add", "Ana Lima", "--birthday", "someday"], 2),
        (["add", "Ana Lima", "--phone", "none"], 2),
        (["add", "   "], 2),
    ],
)
def test_bad_add_values_write_nothing(args: list[str], code: int, db_path: Path) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert result.stderr.startswith("Error:")
    assert "Traceback" not in result.output
    assert dump(db_path) is None  # the failed command left no database behind


def test_duplicate_name_or_alias_is_refused(db_path: Path) -> None:
    ok("add", "Ana Lima", "--alias", "ana")
    before = dump(db_path)
    assert run("add", "ana lima").exit_code == 2
    assert run("add", "Ana Souza", "--alias", "ANA").exit_code == 2
    assert dump(db_path) == before


def test_edit_changes_and_removes_values() -> None:
    ok("add", "Ana Lima", "--alias", "annie", "--tag", "climbing", "--email", "a@example.org")
    ok(
        "edit",
        "ana",
        "--name",
        "Ana Lima Souza",
        "--circle",
        "family",
        "--every",
        "1w",
        "--tag",
        "uni",
        "--untag",
        "climbing",
        "--unalias",
        "annie",
        "--alias",
        "nana",
        "--phone",
        "0171 555 1234",
    )
    [ana] = people()
    assert ana["name"] == "Ana Lima Souza"
    assert ana["circle"] == "family"
    assert ana["every_days"] == 7
    assert ana["tags"] == ["uni"]
    assert ana["aliases"] == ["nana"]
    assert ana["phones"] == ["0171 555 1234"]
    ok("edit", "nana", "--circle", "none", "--no-every")
    [ana] = people()
    assert ana["circle"] is None
    assert ana["every_days"] is None


def test_edit_removing_a_value_that_is_not_there_writes_nothing(db_path: Path) -> None:
    ok("add", "Ana Lima", "--tag", "uni")
    before = dump(db_path)
    result = run("edit", "ana", "--circle", "family", "--untag", "climbing")
    assert result.exit_code == 2
    assert dump(db_path) == before


def test_archived_contacts_match_only_by_exact_name_or_alias() -> None:
    ok("add", "Ben Ode", "--alias", "benny", "--circle", "friends")
    ok("archive", "ben")
    [ben] = people()
    assert ben["archived"] is True
    assert ben["status"] == "archived"
    assert run("log", "ben").exit_code == 3
    ok("log", "benny")
    ok("unarchive", "Ben Ode")
    assert people()[0]["archived"] is False


def test_merge_moves_interactions_and_keeps_both_names() -> None:
    ok("add", "Ana Lima", "--email", "ana@example.org")
    ok("add", "Ana L.", "--phone", "+49 171 5551234", "--circle", "friends")
    ok("log", "Ana Lima", "--when", "3d ago")
    ok("log", "Ana L.", "--via", "call", "--when", "yesterday")
    assert run("merge", "Ana Lima", "Ana L.").exit_code == 2  # no terminal: needs --yes
    merged = ok("merge", "Ana Lima", "Ana L.", "--yes")
    assert merged.stdout == "Merged Ana L. into Ana Lima: 1 interaction moved\n"
    [ana] = people()
    assert ana["name"] == "Ana Lima"
    assert ana["aliases"] == ["Ana L."]
    assert ana["phones"] == ["+49 171 5551234"]
    assert ana["circle"] == "friends"  # filled where the kept record was empty
    history = json.loads(ok("history", "--json").stdout)
    assert [item["people"][0]["name"] for item in history] == ["Ana Lima", "Ana Lima"]
    assert run("merge", "Ana Lima", "Ana Lima", "--yes").exit_code == 2


def test_forget_without_terminal_needs_yes(db_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("add", "Ben Ode")
    ok("log", "ana")
    ok("log", "ana", "ben")
    before = dump(db_path)
    result = run("forget", "ana")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert dump(db_path) == before
    ok("forget", "ana", "--yes")
    assert [p["name"] for p in people()] == ["Ben Ode"]
    history = json.loads(ok("history", "--json").stdout)
    assert len(history) == 1  # the shared interaction stays, with Ben only
    assert [p["name"] for p in history[0]["people"]] == ["Ben Ode"]


def test_people_filters_by_circle_and_tag() -> None:
    ok("add", "Ana Lima", "--circle", "friends", "--tag", "climbing")
    ok("add", "Mum", "--circle", "family")
    assert [p["name"] for p in json.loads(ok("people", "--circle", "family", "--json").stdout)] == ["Mum"]
    assert [p["name"] for p in json.loads(ok("people", "--tag", "Climbing", "--json").stdout)] == ["Ana Lima"]
    assert run("people", "--circle", "pets").exit_code == 2


def test_people_table_is_plain_text_when_piped() -> None:
    ok("add", "Ana Lima", "--circle", "friends")
    output = ok("people").stdout
    assert "Ana Lima" in output
    assert "\x1b[" not in output and "─" not in output and "┃" not in output


def test_show_json_has_interactions_newest_first() -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--when", "3d ago", "--note", "lunch")
    ok("log", "ana", "--via", "video", "--when", "yesterday 8pm")
    shown = json.loads(ok("show", "ana", "--json").stdout)
    assert shown["name"] == "Ana Lima"
    assert [item["channel"] for item in shown["interactions"]] == ["video", "in-person"]
    assert shown["last_seen"] == "2026-11-25"
    assert shown["last_face_to_face"] == "2026-11-23"
    text = ok("show", "ana").stdout
    assert "Timeline" in text and "lunch" in text


def test_unknown_and_ambiguous_names_exit_3_and_4_and_write_nothing(db_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("add", "Ana Souza")
    before = dump(db_path)
    unknown = run("edit", "xavier", "--circle", "family")
    assert unknown.exit_code == 3
    assert unknown.stderr.startswith("Error: no contact matches 'xavier'")
    ambiguous = run("archive", "ana")
    assert ambiguous.exit_code == 4
    assert "Ana Lima" in ambiguous.stderr and "Ana Souza" in ambiguous.stderr
    assert dump(db_path) == before


def test_reading_commands_do_not_create_a_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINSHIP_DB")  # the default location, with no database yet: the empty state
    assert json.loads(ok("people", "--json").stdout) == []
    assert json.loads(ok("history", "--json").stdout) == []
    assert json.loads(ok("nudges", "--json").stdout)["nudges"] == []
    assert not db_path.exists()
    assert not any(db_path.parent.parent.rglob("*.db"))


def test_a_never_contacted_contact_is_measured_from_the_local_day_it_was_added() -> None:
    env = {"TZ": "Pacific/Auckland", "KINSHIP_NOW": "2026-11-26T10:00:00"}  # 25 Nov in UTC
    ok("add", "Ben Ode", "--every", "1w", env=env)
    quiet = json.loads(ok("nudges", "--json", "--as-of", "2026-12-06", env=env).stdout)
    assert quiet["nudges"] == []  # 10 days since it was added: not past 1.5 x 7
    due = json.loads(ok("nudges", "--json", "--as-of", "2026-12-07", env=env).stdout)
    assert [n["kind"] for n in due["nudges"]] == ["fading"]
    assert due["nudges"][0]["days_since"] == 11


def test_a_contact_can_be_named_by_its_id() -> None:
    ok("add", "Ana Lima")
    [ana] = people()
    ok("edit", str(ana["id"]), "--circle", "friends")
    assert people()[0]["circle"] == "friends"


def test_db_commands(db_path: Path, tmp_path: Path) -> None:
    assert ok("db", "path").stdout.strip() == str(db_path)
    assert json.loads(ok("db", "path", "--json").stdout) == {
        "path": str(db_path),
        "source": "env KINSHIP_DB",
        "exists": False,
    }
    assert run("db", "status").exit_code == 5  # no database yet: nothing to report, nothing created
    assert not db_path.exists()
    ok(
        "add",
        "Ana Lima",
        "--alias",
        "ana",
        "--tag",
        "uni",
        "--email",
        "a@example.org",
        "--phone",
        "+49 30 1234567",
    )
    status = json.loads(ok("db", "status", "--json").stdout)
    assert status["contacts"] == 1 and status["pending"] == [] and status["journal_mode"] == "wal"
    assert json.loads(ok("db", "check", "--json").stdout)["ok"] is True
    ok("db", "backup", str(tmp_path / "copy.db"))
    assert (tmp_path / "copy.db").stat().st_mode & 0o777 == 0o600
