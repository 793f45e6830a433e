"""Shell completion per shell (SPEC §4): its own script for bash, zsh and fish; names quoted in
their stored spelling, matched by any word ignoring case and accents; --via and --circle values;
completion never creates or changes a database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import dump, ok, run

NAMES = ("Ana Lima", "Maria Costa", "Chloé Martin", "Cy Park", "O'Brien Dee")


@pytest.fixture
def people() -> None:
    for name in NAMES:
        ok("add", name)


def bash(line: str) -> list[str]:
    """Complete the last word of ``line`` as bash asks (COMP_WORDS, COMP_CWORD)."""
    words = line.split(" ")
    result = run(
        env={"_KINSHIP_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    )
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout.splitlines()


def shell(name: str, line: str) -> list[str]:
    """Complete at the end of ``line`` as the zsh and fish scripts ask (the line so far)."""
    result = run(env={"_KINSHIP_COMPLETE": f"complete_{name}", "_KINSHIP_COMPLETE_ARGS": line})
    assert result.exit_code == 0 and result.stderr == ""
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kinship show ana", ["'Ana Lima'"]),  # the stored spelling, quoted
        ("kinship log chloe", ["'Chloé Martin'"]),  # accents ignored
        ("kinship log PARK", ["'Cy Park'"]),  # any word, any case
        ("kinship log ana 'mari", ["'Maria Costa'"]),  # an open quote
        ("kinship log dee", ["'O'\\''Brien Dee'"]),
        ("kinship log mar", ["Maria\\ Costa", "Chloé\\ Martin"]),  # several: escaped, never a lone quote
        ("kinship log --via ph", ["phone"]),
        ("kinship amend 3f9a1c -v vi", ["video"]),
        ("kinship log --via = wh", ["whatsapp"]),  # bash splits --via=wh at "="
        ("kinship people --circle f", ["family", "friends"]),
        ("kinship lo", ["log"]),
        ("kinship db st", ["status"]),
        ("kinship log ana --fe", ["--feel"]),
        ("kinship --show-completion z", ["zsh"]),
    ],
)
def test_bash(people: None, line: str, expected: list[str]) -> None:
    assert bash(line) == expected


def test_zsh_and_fish(people: None) -> None:
    assert shell("zsh", "kinship log park") == ["Cy Park"]  # zsh quotes what it inserts
    assert shell("zsh", "kinship log --via ") == ["in-person", "call", "video", "message", "email", "social"]
    assert shell("zsh", "kinship log 'maria co") == ["Maria Costa"]
    assert shell("fish", "kinship log maria") == ["Maria Costa"]  # fish escapes what it inserts
    assert shell("fish", "kinship people --circle=co") == ["--circle=colleagues", "--circle=community"]
    assert shell("fish", "kinship ") == shell("zsh", "kinship ")
    assert "log" in shell("fish", "kinship ")
    assert shell("zsh", "") == []
    assert run(env={"_KINSHIP_COMPLETE": "complete_zsh"}).stdout == ""  # no line (an old script): nothing


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_own_script(name: str) -> None:
    scripts = {other: ok("--show-completion", other).stdout for other in ("bash", "zsh", "fish")}
    assert f"complete_{name}" in scripts[name]
    assert all(f"complete_{name}" not in text for other, text in scripts.items() if other != name)
    assert run("--show-completion", "tcsh").exit_code == 2


def test_the_bash_script_completes_in_bash(people: None, tmp_path: Path) -> None:
    script = tmp_path / "kinship.bash"
    script.write_text(ok("--show-completion", "bash").stdout)
    program = (
        f'source {script}; COMP_WORDS=(kinship log "\'mari"); COMP_CWORD=2;'
        ' _kinship_completion kinship; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the installed kinship
    env = dict(os.environ, PATH=path)
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, env=env, check=True)
    assert done.stdout == "'Maria Costa'\n"


def test_completion_never_writes(db_path: Path, tmp_path: Path) -> None:
    assert bash("kinship log an") == []
    assert not db_path.exists() and not db_path.parent.exists()
    assert bash(f"kinship --db {tmp_path / 'other.db'} log an") == []
    assert not (tmp_path / "other.db").exists()
    ok("add", "Ana Lima")
    before = dump(db_path), db_path.stat().st_mtime_ns
    assert bash("kinship log an") == ["'Ana Lima'"]
    assert bash(f"kinship --db = {db_path} log an") == ["'Ana Lima'"]  # bash splits --db=PATH
    assert (dump(db_path), db_path.stat().st_mtime_ns) == before
