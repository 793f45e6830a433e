"""The fast parser and the typer app read every argument list from the table alike.

Argument lists are generated from the command table (options, short forms, ``--opt=value``,
values that look like options, ``--``, wrong counts); whenever the fast parser accepts one, the
typer app must reach the runner with exactly the same values. Plain invocations (each option
once, values that do not look like options, the right number of names) must be accepted.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinship.cli import run as runner
from kinship.cli.app import build
from kinship.cli.parse import parse
from kinship.cli.spec import Command
from kinship.cli.table import COMMANDS

WORDS = ["ana", "Ana Lima", "0", "3", "-5", "12", "", "-", "--", "x=y", "2w", "--note", "--help", "-v", "é"]


@cache
def _click_command(head: str) -> Any:
    return typer.main.get_command(build(head))


def _typer_values(args: list[str]) -> tuple[str | None, str, dict[str, object]] | None:
    """Return (--db, command, values) the typer app hands to the runner, or None if it stops first."""
    seen: list[tuple[str | None, str, dict[str, object]]] = []

    def capture(command: Command, values: dict[str, object], db: str | None) -> int:
        seen.append((db, command.name, values))
        return 0

    head = args[2]  # every generated list starts: --db PATH COMMAND
    original = runner.execute
    runner.execute = capture
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            _click_command(head).main(args=args, prog_name="kinship", standalone_mode=False)
    except Exception:  # typer refused the arguments: a usage error
        return None
    finally:
        runner.execute = original
    return seen[0] if seen else None


@st.composite
def any_invocation(draw: st.DrawFn, command: Command) -> list[str]:
    """A plain invocation of ``command`` with up to three odd tokens spliced in."""
    tokens = draw(plain_invocation(command))
    for _ in range(draw(st.integers(1, 3))):
        if command.options and draw(st.booleans()):
            option = draw(st.sampled_from(command.options))
            name = draw(st.sampled_from([option.flag, *([option.short] if option.short else [])]))
            odd = ["-1", "6", "x", "+2", "1_0", "0"] if option.kind == "int" else ["", "-", "--x", "ana"]
            form = draw(st.sampled_from(["alone", "equals", "separate"]))
            spliced = [name] if form == "alone" else [f"{name}={draw(st.sampled_from(odd))}"]
            if form == "separate":
                spliced = [name, draw(st.sampled_from(odd))]
        else:
            spliced = [draw(st.sampled_from(WORDS))]
        where = draw(st.integers(3, len(tokens)))
        tokens[where:where] = spliced
    if draw(st.booleans()) and len(tokens) > 3:
        del tokens[draw(st.integers(3, len(tokens) - 1))]
    return tokens


@st.composite
def plain_invocation(draw: st.DrawFn, command: Command) -> list[str]:
    """Plain, valid argument lists: each option once, the right number of names."""
    plain_words = st.sampled_from(["ana", "Ana Lima", "2w", "x=y", "é"])
    tokens: list[str] = []
    for argument in command.arguments:
        if argument.many:
            tokens += draw(st.lists(plain_words, min_size=1 if argument.required else 0, max_size=3))
        elif argument.required or draw(st.booleans()):
            tokens.append(draw(plain_words))
    chosen = (
        draw(st.lists(st.sampled_from(command.options), unique=True, max_size=4)) if command.options else []
    )
    for option in chosen:
        if option.kind == "flag":
            tokens.append(option.flag)
        elif option.kind == "int":
            low = option.low if option.low is not None else 0
            high = option.high if option.high is not None else 99
            tokens += [option.flag, str(draw(st.integers(max(low, 1), high)))]
        else:
            tokens += [draw(st.sampled_from([option.flag, *([option.short] if option.short else [])]))]
            tokens.append(draw(plain_words))
    return ["--db", "/tmp/kinship-agree.db", *command.name.split(" "), *tokens]


IDS = [command.name for command in COMMANDS]


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_whatever_the_fast_parser_accepts_typer_reads_the_same(command: Command, data: st.DataObject) -> None:
    args = data.draw(any_invocation(command))
    fast = parse(args)
    if fast is None:
        return
    slow = _typer_values(args)
    assert slow is not None, f"the fast parser accepted {args} but typer refused it"
    assert slow == (fast.db, fast.command.name, fast.values)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plain_invocations_never_need_typer(command: Command, data: st.DataObject) -> None:
    args = data.draw(plain_invocation(command))
    fast = parse(args)
    assert fast is not None, args
    assert _typer_values(args) == (fast.db, fast.command.name, fast.values)


@pytest.mark.parametrize("command", COMMANDS, ids=IDS)
def test_every_command_has_a_plain_invocation_the_fast_parser_reads(command: Command) -> None:
    words = ["ana" for argument in command.arguments if argument.required]
    assert parse([*command.name.split(" "), *words]) is not None


TRICKY = [
    ["log", "ana", "--minutes", "-1"],
    ["log", "ana", "--minutes=-1"],
    ["log", "ana", "--feel", "6"],
    ["log", "ana", "--feel", "0"],
    ["log", "ana", "--feel", "+5"],
    ["log", "ana", "--minutes", "1_0"],
    ["log", "ana", "--note", "--help"],
    ["log", "ana", "--note=--help"],
    ["log", "--", "--new"],
    ["log", "ana", "-n", "-"],
    ["log", "ana", "--new", "--new"],
    ["log", "ana", "--via", "call", "-v", "video"],
    ["add", "Ana", "--alias", "a", "-a", "b", "--tag=t"],
    ["add", "Ana", "Ben"],
    ["add"],
    ["add", "Ana", "--birthday", "--11-06"],
    ["history", "--limit", "0"],
    ["history", "ana", "ben"],
    ["snooze"],
    ["snooze", "ana", "2w", "--key", "k"],
    ["import"],
    ["merge", "a"],
    ["db", "backup", "a", "b"],
    ["db", "path", "--json=1"],
    ["review", "--json", "--markdown"],
    ["people", "-c", "friends", "-t", "x", "--json"],
]


@pytest.mark.parametrize("tail", TRICKY, ids=[" ".join(case) for case in TRICKY])
def test_tricky_invocations_agree(tail: list[str]) -> None:
    args = ["--db", "/tmp/kinship-agree.db", *tail]
    fast = parse(args)
    if fast is not None:
        assert _typer_values(args) == (fast.db, fast.command.name, fast.values)
