"""Every command has --help with an example and a section in docs/usage.md; the README opens right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import ok

from kinship.cli.app import app, db_app

ROOT = Path(__file__).parent.parent
COMMANDS = [info.name or info.callback.__name__ for info in app.registered_commands if info.callback]
DB_COMMANDS = [info.name for info in db_app.registered_commands if info.name]


def test_the_command_list_is_complete() -> None:
    wanted = {
        "add", "edit", "archive", "unarchive", "merge", "forget", "log", "undo", "amend", "unlog", "people",
        "show", "history", "nudges", "review", "remind", "snooze", "dismiss", "import", "export", "cron",
        "config", "demo",
    }  # fmt: skip
    assert wanted <= set(COMMANDS)
    assert set(DB_COMMANDS) == {"path", "status", "check", "backup"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    text = ok(command, "--help").stdout
    assert re.search(r"Examples?", text), f"{command} --help has no example"
    assert f"kinship {command}" in text or command == "remind"


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_every_db_command_has_help_with_an_example(command: str) -> None:
    assert "Example" in ok("db", command, "--help").stdout


@pytest.mark.parametrize("command", [*COMMANDS, "db path"])
def test_every_command_is_documented(command: str) -> None:
    usage = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
    assert re.search(rf"^### .*\b{re.escape(command)}\b", usage, re.MULTILINE), (
        f"{command} not in docs/usage.md"
    )


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    assert blocks[0] == "pip install . && kinship demo"
    assert blocks[1] == "pip install '.[test]' && python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "'.[test]'" in ci and "python -m pytest" in ci


def test_version() -> None:
    from kinship import __version__

    assert ok("--version").stdout.strip() == f"kinship {__version__}"
