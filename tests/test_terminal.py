"""On a real terminal (a pseudo-terminal here): `log` asks who and how; an ambiguous name offers a choice.

Also shell completion of contact names, through typer's completion protocol.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ok

SCRIPT = str(Path(sys.executable).parent / "kinship")


def _on_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run kinship with stdin, stdout and stderr on a pseudo-terminal, answering each prompt."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, SCRIPT, *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=os.environ.copy(),
    )
    os.close(terminal)
    seen = b""
    pending = list(answers)
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        if not ready:
            process.kill()
            raise AssertionError(f"no output from kinship; so far: {seen!r}")
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        seen += chunk
        if pending and (seen.rstrip().endswith(b"]") or seen.rstrip().endswith(b")")):
            os.write(controller, pending.pop(0).encode() + b"\n")
    os.close(controller)
    return process.wait(timeout=30), seen.decode(errors="replace")


def test_log_without_names_asks_who_and_how() -> None:
    ok("add", "Ana Lima")
    ok("add", "Ben Ode")
    code, screen = _on_terminal(["log"], ["ana, ben", "video"])
    assert code == 0, screen
    assert "Who did you see or talk to?" in screen
    [item] = json.loads(ok("history", "--json").stdout)
    assert item["channel"] == "video"
    assert sorted(person["name"] for person in item["people"]) == ["Ana Lima", "Ben Ode"]


def test_ambiguous_name_offers_a_choice_on_a_terminal() -> None:
    ok("add", "Ana Lima")
    ok("add", "Ana Souza")
    code, screen = _on_terminal(["log", "ana", "--via", "call"], ["2"])
    assert code == 0, screen
    assert "1. Ana Lima" in screen and "2. Ana Souza" in screen
    [item] = json.loads(ok("history", "--json").stdout)
    assert [person["name"] for person in item["people"]] == ["Ana Souza"]


def test_shell_completion_offers_contact_names() -> None:
    ok("add", "Ana Lima", "--alias", "nana")
    ok("add", "Cy Park")
    env = dict(os.environ, _KINSHIP_COMPLETE="complete_bash", COMP_WORDS="kinship log Cy", COMP_CWORD="2")
    done = subprocess.run([sys.executable, SCRIPT], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.split("\n")[0] == "'Cy Park'"


def test_completion_ignores_case_and_accents() -> None:
    from kinship.cli.complete import name_matches

    names = ["Ana Lima", "José Núñez", "Cy Park", "nana"]
    assert name_matches("an", names) == ["Ana Lima"]
    assert name_matches("jose n", names) == ["José Núñez"]
    assert name_matches("", names) == names
    assert name_matches("x", names) == []


def test_people_on_a_terminal_is_a_rich_table_and_plain_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok("add", "Ana Lima", "--circle", "friends")
    code, screen = _on_terminal(["people"], [])
    assert code == 0 and "Ana Lima" in screen
    assert "━" in screen or "─" in screen or "┃" in screen  # rich's box drawing
    monkeypatch.setenv("NO_COLOR", "1")
    code, screen = _on_terminal(["people"], [])
    assert code == 0 and "Ana Lima" in screen
    assert "━" not in screen and "─" not in screen and "\x1b[" not in screen
