"""What reaches the screen: hostile text shown as itself, colour and a chart on a terminal,
display-width columns, and a closed pipe that ends quietly."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import ok
from tests.test_terminal import _on_terminal

from kinship.cli import main
from kinship.render import plain_table
from kinship.render.output import dumps, json_list
from kinship.render.safe import json_safe, shown
from kinship.render.width import cell_width

HOSTILE = "Eve \x1b]0;pwned\x07 [bold]x[/] [link=https://e.example]y \u202egnp.exe \x9b31m"
SHOWN = "Eve \\x1b]0;pwned\\x07 [bold]x[/] [link=https://e.example]y \\u202egnp.exe \\x9b31m"


def test_shown_escapes_controls_and_bidi_and_keeps_the_rest() -> None:
    assert shown(HOSTILE) == SHOWN
    assert shown("Zoë 名前 👩‍👩‍👧") == "Zoë 名前 👩‍👩‍👧"
    assert shown("a\nb") == "a\\x0ab"
    assert shown("a\nb", keep_newlines=True) == "a\nb"


UNSAFE_BY_RULE = set(range(0x20)) | set(range(0x7F, 0xA0)) | set(map(ord, "\u061c\u200e\u200f\u2028\u2029"))
UNSAFE_BY_RULE |= set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))  # bidi embeddings, isolates


def test_every_unsafe_character_is_one_isprintable_refuses() -> None:
    """``shown`` returns text that ``isprintable`` accepts as it is: that is only safe if so."""
    assert not any(chr(code).isprintable() for code in UNSAFE_BY_RULE)


def _by_rule(text: str, keep_newlines: bool) -> str:
    """What SPEC §3 says, one character at a time: the reference ``shown`` is checked against."""
    out = []
    for char in text:
        code = ord(char)
        if code in UNSAFE_BY_RULE and not (keep_newlines and char == "\n"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


@given(
    text=st.text(
        alphabet=st.one_of(st.characters(), st.sampled_from([chr(code) for code in sorted(UNSAFE_BY_RULE)]))
    ),
    keep_newlines=st.booleans(),
)
def test_shown_escapes_exactly_the_unsafe_characters(text: str, keep_newlines: bool) -> None:
    assert shown(text, keep_newlines=keep_newlines) == _by_rule(text, keep_newlines)
    spelled = json_safe(json.dumps(text, ensure_ascii=False))  # JSON as kinship prints it
    assert json.loads(spelled) == text
    assert not any(ord(char) in UNSAFE_BY_RULE for char in spelled)


def test_json_keeps_the_exact_strings() -> None:
    text = dumps({"name": HOSTILE})
    assert json.loads(text) == {"name": HOSTILE}
    assert "\x1b" not in text and "\u202e" not in text and "\x9b" not in text


def test_streamed_json_list_is_what_json_dumps_prints(capsys: pytest.CaptureFixture[str]) -> None:
    for items in ([], [{"a": 1}], [{"a": [1, {"b": "é"}]}, {"c": None}]):
        json_list(iter(items))
        assert capsys.readouterr().out == dumps(items) + "\n"


def test_plain_columns_align_by_display_width() -> None:
    table = plain_table(["name", "x"], [["名前", "1"], ["Ana", "2"], ["👍 ok", "3"]])
    lines = table.split("\n")
    assert {cell_width(line[: line.rindex(" ") + 1]) for line in lines} == {7}  # "👍 ok" is 5 wide, then 2
    assert cell_width("名前") == 4 and cell_width("👍") == 2 and cell_width("é") == 1


@pytest.fixture
def hostile_data(db_path: Path) -> None:
    """A contact, a note and a group label with markup, escapes and a bidi override.

    kinship refuses control characters when they are typed (validate.py), so they are written
    the way another tool, an older kinship or an old import could have left them: into the file.
    """
    import sqlite3

    ok("add", "Eve Ruiz", "--circle", "friends", "--every", "1w", "--note", "calm")
    ok("add", "Ana Lima", "--circle", "friends", "--every", "1w")
    ok("log", "eve", "--when", "2026-09-01", "--group", "club", "--note", "plain")
    ok("log", "ana", "--when", "2026-11-18", "--via", "message")
    ok("log", "ana", "--when", "2026-11-10")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contacts SET name = ?, note = ? WHERE name = 'Eve Ruiz'", (HOSTILE, "\x1b[2J"))
        conn.execute(
            "UPDATE interactions SET note = ?, group_label = ? WHERE group_label = 'club'",
            ("\x1b[31mred", "[red]club[/red]"),
        )
    conn.close()


PRINTING = [
    ["people"],
    ["show", "eve"],
    ["history"],
    ["nudges"],
    ["review", "--week", "2026-W36"],
    ["review", "--week", "2026-W36", "--markdown"],
    ["remind", "--dry-run", "--as-of", "2026-12-01"],
]


@pytest.mark.usefixtures("hostile_data")
@pytest.mark.parametrize("args", PRINTING, ids=[" ".join(case) for case in PRINTING])
def test_hostile_text_is_shown_literally_in_plain_output(args: list[str]) -> None:
    result = ok(*args)
    assert "\x1b" not in result.output and "\u202e" not in result.output and "\x07" not in result.output
    assert "\\x1b" in result.output or "kinship" in result.output


@pytest.mark.usefixtures("hostile_data")
def test_on_a_terminal_hostile_text_is_literal_and_status_and_chart_are_drawn() -> None:
    for args in (["people"], ["history"], ["show", "eve"], ["nudges"]):
        code, screen = _on_terminal(args, [])
        assert code == 0, screen
        assert "\x1b]0;" not in screen and "\x1b[2J" not in screen and "\u202e" not in screen
        assert "\\x1b" in screen
    code, screen = _on_terminal(["show", "eve"], [])
    assert "[bold]x[/]" in screen and "[link=https://e.example]y" in screen and "[red]" in screen
    code, screen = _on_terminal(["people"], [])
    assert "\x1b[" in screen  # colour for the status (a terminal of 0 columns is drawn at 80)
    assert max(len(line) for line in screen.split("\r\n") if "\x1b" not in line) <= 80
    code, screen = _on_terminal(["review", "--week", "2026-W47"], [])
    assert code == 0, screen
    assert "face to face" in screen and "digital" in screen and "█" in screen
    assert "2026-W47" in screen and "\x1b]0;" not in screen


def _closed_stdout(args: list[str]) -> tuple[int, str]:
    """Run main in-process with stdout a pipe nobody reads any more; return (code, stderr)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    saved = sys.stdout, sys.stderr
    sys.stdout = open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    sys.stderr = io.StringIO()
    try:
        try:
            main(args)
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        errors = sys.stderr.getvalue()
    finally:
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.close()
        sys.stdout, sys.stderr = saved
    return code, errors


@pytest.mark.usefixtures("hostile_data")
@pytest.mark.parametrize(
    "args",
    [
        *PRINTING,
        ["history", "--json"],
        ["people", "--json"],
        ["export"],
        ["config"],
        ["cron"],
        ["db", "status"],
    ],
    ids=lambda case: " ".join(case),
)
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    code, errors = _closed_stdout(args)
    assert errors == "" and code in (0, 141)


def test_a_closed_pipe_ends_quietly_as_a_real_process(db_path: Path) -> None:
    for number in range(60):
        ok("add", f"Person {number:02d}")
    script = Path(sys.executable).parent / "kinship"
    done = subprocess.run(
        f"'{script}' people | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("name") and done.stderr == ""
    assert done.returncode in (0, 141)
