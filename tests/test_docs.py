"""Every command has --help with an example and a section in docs/usage.md; the README opens right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import ok

from kinship.cli.table import COMMANDS as TABLE

ROOT = Path(__file__).parent.parent
COMMANDS = [command.name for command in TABLE if " " not in command.name]
DB_COMMANDS = [command.name.split(" ")[1] for command in TABLE if command.name.startswith("db ")]


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


@pytest.mark.parametrize("command", [command.name for command in TABLE])
def test_every_table_command_has_a_whole_help_sentence_and_an_example(command: str) -> None:
    entry = next(item for item in TABLE if item.name == command)
    assert entry.help.endswith(".") and entry.examples
    assert all(example.startswith("kinship ") or " kinship " in example for example in entry.examples)


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
