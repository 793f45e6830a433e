"""Name resolution: exact, alias, then a unique prefix; case- and accent-insensitive."""

from __future__ import annotations

import pytest

from kinship.actions import match_name, resolve_name
from kinship.errors import AmbiguousError, NotFoundError
from kinship.store import NameEntry

ENTRIES = [
    NameEntry(1, "a", "Ana Lima", False, ("annie",)),
    NameEntry(2, "b", "Ana Luísa Souza", False, ()),
    NameEntry(3, "c", "Cy Park", False, ()),
    NameEntry(4, "d", "Zoë Müller", False, ("zo",)),
    NameEntry(5, "e", "Ben Ode", True, ("benny",)),
    NameEntry(6, "f", "Park", False, ()),
    NameEntry(7, "g", "Jean-Luc Picard", False, ()),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ana Lima", ["Ana Lima"]),
        ("ana lima", ["Ana Lima"]),
        ("ANNIE", ["Ana Lima"]),
        ("annie", ["Ana Lima"]),
        ("ana", ["Ana Lima", "Ana Luísa Souza"]),
        ("ana lu", ["Ana Luísa Souza"]),
        ("luisa", ["Ana Luísa Souza"]),
        ("souza", ["Ana Luísa Souza"]),
        ("park", ["Park"]),  # an exact name wins over a word prefix of Cy Park
        ("cy", ["Cy Park"]),
        ("zoe", ["Zoë Müller"]),
        ("MULLER", ["Zoë Müller"]),
        ("zo", ["Zoë Müller"]),
        ("Ben Ode", ["Ben Ode"]),  # archived: exact name still matches
        ("benny", ["Ben Ode"]),  # archived: alias still matches
        ("ben", []),  # archived: never by prefix
        ("jean luc", ["Jean-Luc Picard"]),
        ("jean-luc", ["Jean-Luc Picard"]),
        ("luc", ["Jean-Luc Picard"]),
        ("g", ["Jean-Luc Picard"]),  # the stable id
        ("xavier", []),
        ("", []),
    ],
)
def test_match_name(text: str, expected: list[str]) -> None:
    assert [entry.name for entry in match_name(ENTRIES, text)] == expected


def test_unknown_name_suggests_close_matches_and_new() -> None:
    with pytest.raises(NotFoundError) as caught:
        resolve_name(ENTRIES, "Ana Lma")
    assert caught.value.exit_code == 3
    assert "Ana Lima" in (caught.value.hint or "")
    assert "--new" in (caught.value.hint or "")


def test_ambiguous_name_lists_candidates_without_a_terminal() -> None:
    with pytest.raises(AmbiguousError) as caught:
        resolve_name(ENTRIES, "ana")
    assert caught.value.exit_code == 4
    assert caught.value.candidates == ("Ana Lima", "Ana Luísa Souza")


def test_ambiguous_name_offers_a_choice_on_a_terminal() -> None:
    asked: list[str] = []

    def choose(text: str, candidates: object) -> NameEntry:
        asked.append(text)
        return ENTRIES[1]

    assert resolve_name(ENTRIES, "ana", choose).name == "Ana Luísa Souza"
    assert asked == ["ana"]
