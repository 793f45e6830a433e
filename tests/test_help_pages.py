"""The saved help pages are typer's own output, byte for byte; other widths fall back to typer."""

from __future__ import annotations

import pytest
from tests.conftest import ok

from kinship.cli.helppages import PAGES
from kinship.cli.prerender import page_keys, render_page, saved_page


@pytest.mark.parametrize("key", page_keys())
def test_saved_page_is_what_typer_prints(key: str) -> None:
    assert PAGES[key] == render_page(key), "run: python -m kinship.cli.prerender"


def test_every_page_is_saved_and_served() -> None:
    assert set(PAGES) == set(page_keys())
    assert ok("--help").stdout == PAGES[""]
    assert ok().stdout == PAGES[""]  # bare kinship prints the help, exit 0
    assert ok("db").stdout == PAGES["db"]  # and bare `kinship db` its subcommands
    assert ok("log", "-h").stdout == PAGES["log"]
    assert ok("db", "path", "--help").stdout == PAGES["db path"]


def test_a_narrow_terminal_gets_typer_at_its_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert saved_page(["log", "--help"]) is None
    narrow = ok("log", "--help").stdout
    assert narrow != PAGES["log"] and "Record one interaction" in narrow
    wrapped = [line for line in narrow.splitlines() if not line.startswith("    kinship ")]  # examples keep
    assert max(len(line) for line in wrapped) <= 60
    assert "backup" in ok("db").stdout  # a bare group at this width too
