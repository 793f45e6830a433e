"""Completion in the real shells (SPEC §4): the script ``kinship --show-completion SHELL`` prints,
loaded into zsh and fish as a person would, completes names, values and commands.

zsh is driven on a pseudo-terminal: the line is typed, TAB pressed, and a key bound to a widget
prints the edited line, so the test sees exactly what zsh inserted (quoting included). fish
answers ``complete -C LINE`` with its own completion engine. Both need the shell installed;
``.ci/run`` installs zsh and fish when the machine's package manager can.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ok

NAMES = ("Maria Costa", "Cy Park", "O'Brien Dee", "Chloé Martin")


def shell_env(tmp_path: Path) -> dict[str, str]:
    """The test's environment, with the installed kinship first on PATH and a private HOME."""
    home = tmp_path / "shell-home"
    home.mkdir(exist_ok=True)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return dict(os.environ, PATH=path, HOME=str(home), ZDOTDIR=str(home), PS1="> ", TERM="dumb")


class Zsh:
    """An interactive ``zsh -f`` on a pseudo-terminal with kinship's completion loaded."""

    MARK = rb"\[42\](.*?)\[42\]"  # what the ^X widget prints around $BUFFER ([$((6*7))] typed)

    def __init__(self, script: Path, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # pragma: no cover - the child becomes zsh
            os.execvpe("zsh", ["zsh", "-f", "-i"], env)
        self.seen = b""
        self.send(f"autoload -U compinit && compinit -u -D && source {script}\n")
        self.send(
            """show() { print -r -- "[$((6*7))]${BUFFER}[$((6*7))]" }; zle -N show; bindkey '^X' show\n"""
        )
        self.send("echo $((6*7))READY\n")
        self.wait(rb"42READY")

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, pattern: bytes) -> re.Match[bytes]:
        """Read until ``pattern`` appears (at most 20 s without output: then fail)."""
        while (found := re.search(pattern, self.seen, re.S)) is None:
            ready, _, _ = select.select([self.fd], [], [], 20)
            if not ready:
                raise AssertionError(f"zsh said nothing more; so far: {self.seen!r}")
            self.seen += os.read(self.fd, 4096)
        self.seen = self.seen[found.end() :]
        return found

    def tab(self, line: str) -> str:
        """Type ``line``, press TAB, and return the line as zsh left it."""
        self.send(line + "\t\x18")
        edited = self.wait(self.MARK).group(1).decode()
        self.send("\x15")  # ^U: clear the line for the next one
        return edited

    def close(self) -> None:
        self.send("\x15exit\n")
        os.close(self.fd)
        os.waitpid(self.pid, 0)


@pytest.mark.skipif(
    shutil.which("zsh") is None, reason="zsh is not installed (.ci/run installs it with apt-get)"
)
def test_the_zsh_script_completes_in_zsh(tmp_path: Path) -> None:
    for name in NAMES:
        ok("add", name)
    script = tmp_path / "_kinship"
    script.write_text(ok("--show-completion", "zsh").stdout)
    zsh = Zsh(script, shell_env(tmp_path))
    try:
        assert zsh.tab("kinship log mari") == "kinship log Maria\\ Costa "  # zsh quotes what it inserts
        assert zsh.tab("kinship log 'cy") == "kinship log 'Cy Park' "  # inside a quote already typed
        assert zsh.tab("kinship log dee") == "kinship log O\\'Brien\\ Dee "
        assert zsh.tab("kinship log chloe") == "kinship log Chloé\\ Martin "  # accents ignored
        assert zsh.tab("kinship log --via ph") == "kinship log --via phone "
        assert zsh.tab("kinship sh") == "kinship show "
        assert zsh.tab("kinship db st") == "kinship db status "
    finally:
        zsh.close()


@pytest.mark.skipif(
    shutil.which("fish") is None, reason="fish is not installed (.ci/run installs it with apt-get)"
)
def test_the_fish_script_completes_in_fish(tmp_path: Path) -> None:
    for name in NAMES:
        ok("add", name)
    script = tmp_path / "kinship.fish"
    script.write_text(ok("--show-completion", "fish").stdout)
    lines = [
        "kinship log mari",
        "kinship log PARK",
        "kinship log --via ph",
        "kinship lo",
        "kinship people --circle=co",
    ]
    program = f"source {script}; " + "; ".join(f"complete -C '{line}'; echo ---" for line in lines)
    done = subprocess.run(
        ["fish", "--no-config", "-c", program],
        capture_output=True,
        text=True,
        env=shell_env(tmp_path),
        check=True,
    )
    answers = [block.strip().splitlines() for block in done.stdout.split("---\n")[:-1]]
    assert answers == [
        ["Maria Costa"],
        ["Cy Park"],
        ["phone"],
        ["log"],
        ["--circle=colleagues", "--circle=community"],
    ]
