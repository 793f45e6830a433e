"""Hand commands apply validate.py's rules: exit 2 naming the field and the rule, nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import dump, ok, run

from kinship import actions
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import UsageError
from kinship.store import open_store

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "Bea", "--email", "not-an-email"), "email must be an address"),
        (("add", "Bea", "--phone", "MobilePhone"), "phone must be a phone number"),
        (("add", "Bea", "--birthday", "2030-01-01"), "birthday must be a real date"),
        (("add", "Bea", "--circle", "enemies"), "circle must be one of"),
        (("add", "Bea", "--every", "11y"), "every must be a whole number from 1 to 3,650"),
        (("add", "B\x1bea"), "name must not contain control characters"),
        (("add", "x" * 201), "name must be at most 200 characters"),
        (("add", "Bea", "--tag", "t" * 51), "tag must be at most 50"),
        (("add", "ana  lima"), "'Ana Lima' already exists"),
        (("add", "Annie"), "'Annie' is already an alias of 'Ana Lima'"),
        (("add", "Bea", "--alias", "annie"), "'annie' is already an alias of 'Ana Lima'"),
        (("add", "Bea", "--alias", "Ana Lima"), "'Ana Lima' already exists"),
        (("edit", "ana", "--birthday", "2030-01-01"), "birthday must be a real date"),
        (("edit", "ana", "--email", "a@b"), "email must be an address"),
        (
            ("log", "ana", "--minutes", "9223372036854775807"),
            "minutes must be a whole number from 0 to 1,440",
        ),
        (("log", "ana", "--minutes", "-5"), "minutes"),
        (("log", "ana", "--feel", "99"), "feel"),
        (("log", "ana", "--note", "ring\x07"), "note must not contain control characters"),
        (("log", "--group", "g" * 101), "group must be at most 100 characters"),
        (("log", "B\x1bea", "--new"), "name must not contain control characters"),
        (("log", "ana", "--when", "2026-11-26 10:06"), "in the future"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    args: tuple[str, ...], words: str, db_path: Path
) -> None:
    ok("add", "Ana Lima", "--alias", "Annie")
    before = dump(db_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert dump(db_path) == before


def test_amend_applies_the_same_rules(kinship_env: Path) -> None:
    store = open_store(kinship_env / "a.db", NOW)
    try:
        actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))
        logged = actions.log_interaction(store, NOW, NOW.tzinfo, LogRequest(names=("ana",)))  # type: ignore[arg-type]
        for request in (
            LogRequest(minutes=100_000),
            LogRequest(feel=0),
            LogRequest(group=" "),
            LogRequest(when_text="2026-11-27"),
        ):
            with pytest.raises(UsageError):
                actions.amend_interaction(
                    store,
                    NOW,
                    NOW.tzinfo,
                    logged.id[:8],
                    request,
                    channel_given=False,  # type: ignore[arg-type]
                )
        with pytest.raises(UsageError):
            actions.edit_contact(store, "ana", ContactChanges(birthday="2026-11-27"), today=NOW.date())
        assert actions.edit_contact(
            store, "ana", ContactChanges(birthday="2026-11-26"), today=NOW.date()
        ).birthday
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (("log", "ana", "--when", "999999999d ago"), {}, "100 years"),
        (("log", "ana", "--when", "tomorrow"), {}, "in the future"),
        (("log", "ana"), {"KINSHIP_NOW": "0001-01-01"}, "1900-2999"),
        (("people",), {"KINSHIP_NOW": "9999-12-31T23:59"}, "1900-2999"),
        (("nudges", "--as-of", "0001-01-01"), {}, "1900-2999"),
        (("nudges", "--as-of", "9999-12-31"), {}, "1900-2999"),
        (("remind", "--as-of", "9999-12-31"), {}, "1900-2999"),
        (("review", "--as-of", "9999-12-31"), {}, "1900-2999"),
        (("review", "--week", "9999-W52"), {}, "1900-2999"),
        (("snooze", "ana", "99999999y"), {}, "100 years"),
        (("history", "--limit", str(10**20)), {}, "--limit must be a whole number from 1 to 1,000,000,000"),
        (("history", "--since", "0001-01-01"), {}, "1900"),
        (("add", "Bea", "--every", "101y"), {}, "100 years"),
    ],
)
def test_numbers_and_dates_out_of_bounds_are_exit_2_naming_the_limit(
    args: tuple[str, ...], env: dict[str, str], words: str, db_path: Path
) -> None:
    ok("add", "Ana Lima")
    before = dump(db_path)
    result = run(*args, env=env)
    assert result.exit_code == 2, (result.output, result.exception)
    assert words in result.stderr
    assert dump(db_path) == before
