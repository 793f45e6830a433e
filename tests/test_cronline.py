"""The crontab line: sh runs it unchanged for any path (spaces, quotes, %, $), cron's % escaped."""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import ok
from tests.kinship_process import kinship_script

from kinship import cronline
from kinship.store import open_store

NASTY = 'my dir 50% $HOME it\'s "q" back\\slash;`x`'


@pytest.mark.parametrize(
    ("command", "env", "line"),
    [
        (["/usr/bin/kinship", "remind"], {}, "0 8 * * * /usr/bin/kinship remind"),
        (
            ["/opt/k k/kinship", "--db", "/d/50%.db", "remind"],
            {"KINSHIP_CONFIG": "/tmp/my dir/cfg.toml", "TZ": "Europe/Berlin"},
            "0 8 * * * KINSHIP_CONFIG='/tmp/my dir/cfg.toml' TZ=Europe/Berlin '/opt/k k/kinship'"
            " --db /d/50\\%.db remind",
        ),
    ],
)
def test_cron_line_quotes_values_not_assignments_and_escapes_percent(
    command: list[str], env: dict[str, str], line: str
) -> None:
    assert cronline.cron_line(command, env) == line


@pytest.mark.parametrize(
    "word", ["plain", "my dir", "50%", "$HOME", "it's", 'a"b', "back\\slash", "%%\\%", NASTY]
)
def test_what_cron_hands_to_sh_splits_back_into_the_same_words(word: str) -> None:
    line = cronline.cron_line(["/bin/echo", word], {"X": word})
    command, stdin = cronline.command_as_cron_runs_it(line)
    assert stdin == ""
    assert shlex.split(command) == [f"X={word}", "/bin/echo", word]


def test_a_variable_name_or_newline_that_cannot_be_written_is_refused() -> None:
    with pytest.raises(ValueError):
        cronline.cron_line(["/bin/true"], {"NOT A NAME": "x"})
    with pytest.raises(ValueError):
        cronline.cron_line(["/bin/echo", "two\nlines"])


def test_systemd_words_escape_specifiers_and_variables() -> None:
    assert cronline.systemd_word('/a b/50% $x "q"') == '"/a b/50%% $$x \\"q\\""'
    assert cronline.systemd_environment("TZ", "Europe/Berlin") == 'Environment="TZ=Europe/Berlin"'


def test_the_printed_line_runs_under_a_bare_sh_with_hostile_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kinship cron`'s line as cron runs it: the command part, % handled, under `env -i sh -c`."""
    folder = tmp_path / NASTY
    folder.mkdir()
    database = folder / "kin ship's 100%.db"
    open_store(database, dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("UTC"))).close()
    config = folder / "cfg $USER %d.toml"
    config.write_text("greeting = 'hello'\n")  # an unknown key: the warning proves this file was read
    monkeypatch.setenv("KINSHIP_CONFIG", str(config))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    printed = ok("--db", str(database), "cron").stdout.splitlines()
    line = next(text for text in printed if text.startswith("0 8 * * * "))
    command, stdin = cronline.command_as_cron_runs_it(line)
    assert stdin == ""
    assert str(kinship_script()) in shlex.split(command)
    done = subprocess.run(
        ["env", "-i", "/bin/sh", "-c", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"Warning: {config}: unknown setting 'greeting' (ignored)\n"
    assert 'Environment="KINSHIP_CONFIG=' in "\n".join(printed)
