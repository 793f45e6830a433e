"""Name resolution: exact, alias, then a unique prefix; case- and accent-insensitive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinship import actions
from kinship.actions import LogRequest, entries_for, match_name, resolve_name
from kinship.errors import AmbiguousError, NotFoundError, UsageError
from kinship.keys import name_key
from kinship.store import NameEntry, Store, open_store

ENTRIES = [
    NameEntry(1, "a", "Ana Lima", False, ("annie",)),
    NameEntry(2, "b", "Ana Luísa Souza", False, ()),
    NameEntry(3, "c", "Cy Park", False, ()),
    NameEntry(4, "d", "Zoë Müller", False, ("zo",)),
    NameEntry(5, "e", "Ben Ode", True, ("benny",)),
    NameEntry(6, "f", "Park", False, ()),
    NameEntry(7, "g", "Jean-Luc Picard", False, ()),
]


MATCHES = [
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
]
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "expected"), MATCHES)
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


@pytest.fixture(scope="module")
def named_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The ENTRIES above as a real database (ids, names, aliases, archived)."""
    store = open_store(Path(tmp_path_factory.mktemp("names")) / "kinship.db", NOW)
    with store.write():
        for entry in ENTRIES:
            rowid = store.insert_contact(
                uid=entry.uid,
                name=entry.name,
                name_key=name_key(entry.name),
                created=NOW,
                archived=entry.archived,
            )
            for alias in entry.aliases:
                store.add_value(rowid, "alias", alias, name_key(alias))
    yield store
    store.close()


def _reads_every_name(store: Store, text: str) -> tuple[list[str], bool]:
    """Return (the names ``text`` matches through ``entries_for``, whether every contact was read)."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        with store.read():
            found = match_name(entries_for(store, text), text)
    finally:
        store.conn.set_trace_callback(None)
    everyone = any("FROM contacts ORDER BY name_key" in sql for sql in seen)
    return [entry.name for entry in found], everyone


@pytest.mark.parametrize(("text", "expected"), MATCHES)
def test_the_indexed_lookup_matches_what_searching_every_name_matches(
    named_store: Store, text: str, expected: list[str]
) -> None:
    names, everyone = _reads_every_name(named_store, text)
    assert names == expected
    exact = any(
        name_key(text) and (entry.uid == text or name_key(alias) == name_key(text))
        for entry in ENTRIES
        for alias in (entry.name, *entry.aliases)
    )
    assert everyone is not exact  # an exact id, name or alias never folds every name


def test_namesakes_stay_ambiguous_and_a_new_name_taken_meanwhile_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kinship.db", NOW)
    with store.write():
        for uid in ("first", "second"):
            store.insert_contact(uid=uid, name="Sam Berg", name_key="sam berg", created=NOW)
    with store.read(), pytest.raises(AmbiguousError) as caught:
        resolve_name(entries_for(store, "sam berg"), "sam berg")
    assert caught.value.candidates == ("Sam Berg", "Sam Berg")
    with pytest.raises(UsageError, match="just added by another command"):
        original = store.name_entries

        def add_tao_first() -> list[NameEntry]:  # another command adds Tao after kinship looked
            entries = original()
            with store.write():
                store.insert_contact(name="Tao Ito", name_key="tao ito", created=NOW)
            return entries

        store.name_entries = add_tao_first  # type: ignore[method-assign]
        actions.log_interaction(store, NOW, dt.UTC, LogRequest(names=("Tao Ito",), create_new=True))
    store.close()
