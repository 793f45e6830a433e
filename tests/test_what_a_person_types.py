"""What a person types (SPEC §4): channel words, what commands say they did, help that reads."""

from __future__ import annotations

import json

import pytest
from tests.conftest import ok, run

from kinship.cli.helppages import PAGES


@pytest.mark.parametrize(
    ("word", "channel"),
    [
        ("phone", "call"),
        ("text", "message"),
        ("SMS", "message"),
        ("whatsapp", "message"),
        ("facetime", "video"),
        ("zoom", "video"),
        ("irl", "in-person"),
        ("f2f", "in-person"),
        ("in person", "in-person"),
        ("mail", "email"),
        ("dm", "social"),
    ],
)
def test_everyday_channel_words(word: str, channel: str) -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--via", word)
    assert json.loads(ok("history", "--json").stdout)[0]["channel"] == channel


def test_an_unknown_channel_lists_the_choices() -> None:
    ok("add", "Ana Lima")
    result = run("log", "ana", "--via", "pigeon")
    assert result.exit_code == 2 and "in-person, call, video" in result.stderr


def test_log_new_says_it_created_a_contact() -> None:
    ok("add", "Ana Lima")
    said = ok("log", "ana", "Gil New", "--new").stdout
    assert "new contact: Gil New" in said and "Ana Lima" in said


def test_edit_with_nothing_to_change_says_so_and_creates_nothing(db_path: object) -> None:
    result = ok("edit", "ana")
    assert result.stdout.startswith("Nothing to change")


def test_people_columns_say_last_contact_and_last_face_to_face() -> None:
    ok("add", "Ana Lima")
    header = ok("people").stdout.split("\n")[0]
    assert "last contact" in header and "last face-to-face" in header


def test_help_reads_as_words() -> None:
    for page in PAGES.values():
        assert "{" not in page.split("\n")[0]  # usage: NAME, not {NAME}
        assert "<str>" not in page and "<int" not in page and "x>=" not in page
    assert "--via CHANNEL" in PAGES["log"] and "--when WHEN" in PAGES["log"] and "--minutes N" in PAGES["log"]
    words = {key: " ".join(page.split()) for key, page in PAGES.items()}
    assert "whatsapp" in words["log"] and "family, friends, colleagues or community" in words["people"]


def test_a_mistyped_command_gets_did_you_mean() -> None:
    result = run("lgo", "ana")
    assert result.exit_code == 2 and "did you mean" in result.stderr.lower() and "log" in result.stderr


def test_show_limits_the_timeline_and_all_shows_everything() -> None:
    ok("add", "Ana Lima")
    for day in range(1, 26):
        ok("log", "ana", "--when", f"2026-10-{day:02d}")
    assert len(json.loads(ok("show", "ana", "--json").stdout)["interactions"]) == 20
    assert len(json.loads(ok("show", "ana", "--json", "--limit", "3").stdout)["interactions"]) == 3
    assert len(json.loads(ok("show", "ana", "--json", "--all").stdout)["interactions"]) == 25
    text = ok("show", "ana").stdout
    assert "--all" in text and text.count(" 12:00  in-person") == 20


def test_a_filter_that_matches_nobody_says_so() -> None:
    ok("add", "Ana Lima", "--circle", "friends")
    said = ok("people", "--circle", "family").stdout
    assert said.startswith("No contacts match --circle family") and "yet" not in said
