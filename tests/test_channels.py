"""Channel words (SPEC §4): everyday words for the six channels, wherever a channel is typed."""

from __future__ import annotations

import json

import pytest
from tests.conftest import ok, run

from kinship.channels import CHANNEL_NAMES, WORDS, channel_from_word, channel_name, complete_words
from kinship.errors import UsageError
from kinship.models import Channel

SPEC_WORDS = {
    "irl": "in-person",
    "f2f": "in-person",
    "face-to-face": "in-person",
    "in person": "in-person",
    "phone": "call",
    "facetime": "video",
    "zoom": "video",
    "meet": "video",
    "teams": "video",
    "text": "message",
    "sms": "message",
    "chat": "message",
    "whatsapp": "message",
    "signal": "message",
    "telegram": "message",
    "mail": "email",
    "dm": "social",
}


def test_the_channel_names_are_the_model_channels() -> None:
    assert tuple(channel.value for channel in Channel) == CHANNEL_NAMES


@pytest.mark.parametrize(
    ("word", "channel"), [*SPEC_WORDS.items(), *((name, name) for name in CHANNEL_NAMES)]
)
def test_every_word_names_its_channel(word: str, channel: str) -> None:
    assert channel_from_word(word) is Channel(channel)
    assert channel_from_word(word.upper()) is Channel(channel)
    assert channel_from_word(f"  {word.title()} ") is Channel(channel)


def test_the_table_is_the_spec_table() -> None:
    assert WORDS == SPEC_WORDS


@pytest.mark.parametrize("text", ["In Person", "in_person", "IN-PERSON", "Face To Face", "face_to_face"])
def test_spaces_dashes_and_underscores_read_alike(text: str) -> None:
    assert channel_name(text) == "in-person"


@pytest.mark.parametrize("text", ["", "pigeon", "phones", "in", "vid", "e-mail-x"])
def test_an_unknown_word_lists_the_channels_and_the_words(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        channel_from_word(text)
    assert caught.value.exit_code == 2
    assert "call" in str(caught.value.hint) and "whatsapp (message)" in str(caught.value.hint)


def test_completion_offers_channels_then_words() -> None:
    assert complete_words("") == list(CHANNEL_NAMES)
    assert complete_words("WH") == ["whatsapp"]
    assert complete_words("m") == ["message", "meet", "mail"]


def _last() -> dict[str, object]:
    items = json.loads(ok("history", "--json").stdout)
    assert isinstance(items[0], dict)
    return items[0]


def test_log_and_amend_take_everyday_words_end_to_end() -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--via", "phone")
    item = _last()
    assert (item["channel"], item["mode"]) == ("call", "digital")
    ok("amend", str(item["id"]), "--via", "IRL")
    assert _last()["channel"] == "in-person"
    ok("log", "ana", "--via=WhatsApp", "--when", "1h ago")  # the same word through --opt=value
    channels = [item["channel"] for item in json.loads(ok("history", "--json").stdout)]
    assert channels == ["in-person", "message"]


def test_an_unknown_channel_word_is_exit_2_and_writes_nothing() -> None:
    ok("add", "Ana Lima")
    result = run("log", "ana", "--via", "pigeon")
    assert result.exit_code == 2
    assert "Error: unknown channel 'pigeon'" in result.stderr
    assert "facetime (video)" in result.stderr
    assert json.loads(ok("history", "--json").stdout) == []
