"""Every command's options, driven from the command table with hostile values: never exit 1.

Huge, negative, NaN, empty, control characters, 100 KB: each must be a clean ``Error:`` line
with exit 2, 3, 4 or 5 (or work), never the "unexpected problem" exit 1, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.conftest import ok, run

from kinship.cli.spec import Argument, Command, Option
from kinship.cli.table import COMMANDS

HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "9" * 30,
    "-9223372036854775809",
    "9223372036854775807",
    "1e20",
    "nan",
    "inf",
    "-inf",
    "1.5",
    "0001-01-01",
    "9999-12-31",
    "9999-W52",
    "99999999y",
    "999999999d ago",
    "tomorrow",
    "\x1b[31mred\x1b[0m",
    "\u202eevil",
    "a\nb",
    "\x07\x08\x7f",
    "[bold]x[/]",
    "'; DROP TABLE contacts; --",
    "%s%n",
    "../../etc/passwd",
    "x" * 100_000,
    "ana",
    "Ana Lima",
    "fading:nonsense",
    "0123456789abcdef",
]
# Left to their owners (transfer.py, sync.py; see /work/notes/valid-needs.md): a FILE or DIR name
# of 100 KB is OSError "File name too long", exit 1. Remove an entry once its command reports it.
KNOWN_ELSEWHERE = {("import", "files", "x" * 100_000), ("sync", "folder", "x" * 100_000)}
SKIPPED = {"demo"}  # builds a whole sample year: slow, and it has no value to abuse but --keep
COMMANDABLE = [command for command in COMMANDS if command.name not in SKIPPED]


def _words(command: Command, draw: st.DrawFn) -> list[str]:
    words = command.name.split()
    for argument in command.arguments:
        words += _argument(argument, draw)
    for option in command.options:
        if not draw(st.booleans()):
            continue
        words += _option(option, draw)
    return words


def _argument(argument: Argument, draw: st.DrawFn) -> list[str]:
    count = (
        draw(st.integers(0, 2)) if argument.many else (1 if argument.required else draw(st.integers(0, 1)))
    )
    return [draw(st.sampled_from(HOSTILE)) for _ in range(count)]


def _option(option: Option, draw: st.DrawFn) -> list[str]:
    if option.kind == "flag":
        return [option.flag]
    return [option.flag, draw(st.sampled_from(HOSTILE))]


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(COMMANDABLE))
    return _words(command, draw)


@pytest.fixture
def seeded(kinship_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with two contacts and an interaction; the working folder is a scratch one."""
    scratch = kinship_env / "cwd"
    scratch.mkdir()
    monkeypatch.chdir(scratch)  # `export -o X` and `db backup X` write relative paths here
    ok("add", "Ana Lima", "--alias", "ana")
    ok("add", "Ben Ode")
    ok("log", "ana", "--via", "call", "--when", "yesterday", "--minutes", "20")
    return kinship_env


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=invocations())
def test_hostile_option_values_never_exit_1_nor_show_a_traceback(seeded: Path, args: list[str]) -> None:
    assume(not (args[0] in ("import", "sync") and "x" * 100_000 in args[1:]))  # KNOWN_ELSEWHERE
    result = run(*args)
    shown = [arg[:40] for arg in args]
    assert result.exception is None, (shown, repr(result.exception)[:300])
    assert result.exit_code != 1, (shown, result.output[-300:])
    assert "Traceback" not in result.output
    if result.exit_code not in (0, 130):
        assert "Error:" in result.stderr, (shown, result.stderr[:300])


@pytest.mark.parametrize("command", COMMANDABLE, ids=lambda command: command.name)
def test_every_option_of_every_command_takes_each_hostile_value(seeded: Path, command: Command) -> None:
    """The exhaustive pass: one option at a time, every hostile value, the arguments sane."""
    base = command.name.split() + [_sane(argument) for argument in command.arguments if argument.required]
    for option in command.options:
        values = [None] if option.kind == "flag" else HOSTILE
        for value in values:
            args = [*base, option.flag] + ([] if value is None else [value])
            result = run(*args)
            shown = [arg[:40] for arg in args]
            assert result.exception is None and result.exit_code != 1, (shown, result.output[-300:])
            assert "Traceback" not in result.output


def _sane(argument: Argument) -> str:
    return {
        "interaction_id": "0123456789ab",
        "key": "fading:x",
        "target": "copy.db",
        "files": "none.vcf",
    }.get(argument.dest, "Ana Lima")


@pytest.mark.parametrize("command", COMMANDABLE, ids=lambda command: command.name)
def test_every_argument_of_every_command_takes_each_hostile_value(seeded: Path, command: Command) -> None:
    """One argument at a time, every hostile value, the other arguments sane."""
    for index, argument in enumerate(command.arguments):
        for value in HOSTILE:
            if (command.name, argument.dest, value) in KNOWN_ELSEWHERE:
                continue
            words = [
                value if position == index else _sane(other)
                for position, other in enumerate(command.arguments)
                if other.required or position == index
            ]
            args = [*command.name.split(), *words]
            result = run(*args)
            shown = [arg[:40] for arg in args]
            assert result.exception is None and result.exit_code != 1, (shown, result.output[-300:])
            assert "Traceback" not in result.output
