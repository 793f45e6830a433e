"""`kinship cron` prints a working crontab line, and `remind` works in cron's bare environment."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from tests.conftest import ok
from tests.kinship_process import kinship, kinship_script


def crontab_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("0 8 * * * ")]
    assert len(lines) == 1, output
    return lines[0].removeprefix("0 8 * * * ")


def test_cron_prints_a_crontab_line_with_absolute_paths(db_path: Path) -> None:
    output = ok("cron").stdout
    words = shlex.split(crontab_line(output))
    program = next(word for word in words if "=" not in word)
    assert os.path.isabs(program) and os.access(program, os.X_OK)
    assert words[words.index("--db") + 1] == str(db_path)
    assert words[-1] == "remind"
    assert "MAILTO" in output


def test_cron_prints_a_systemd_service_and_timer(db_path: Path) -> None:
    output = ok("cron").stdout
    assert "[Service]" in output and "Type=oneshot" in output
    exec_start = next(line for line in output.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(exec_start.removeprefix("ExecStart="))
    assert os.path.isabs(words[0]) and words[-2:] == ["remind", "--notify"]
    assert "[Timer]" in output and "OnCalendar=" in output and "WantedBy=timers.target" in output


def test_cron_escapes_percent_signs_for_crontab_and_systemd(tmp_path: Path) -> None:
    odd = tmp_path / "100%" / "kinship.db"
    output = ok("--db", str(odd), "cron").stdout
    assert "100\\%" in crontab_line(output)
    assert "100%%" in next(line for line in output.splitlines() if line.startswith("ExecStart="))


def bare_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: a tiny PATH, HOME, nothing else (plus TZ and the clock, for the test)."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TZ": "Europe/Berlin",
        "KINSHIP_NOW": "2026-11-26T08:00:00",
    }


@pytest.fixture
def fading_database(db_path: Path) -> Path:
    ok("add", "Ana Lima", "--every", "1w", "--birthday", "1990-11-29")
    ok("log", "ana", "--when", "2026-10-01", "--note", "private words")
    return db_path


def test_remind_runs_under_cron_conditions_by_absolute_path(fading_database: Path, kinship_env: Path) -> None:
    home = kinship_env / "home"
    home.mkdir()
    env = bare_environment(home)
    first = kinship("--db", str(fading_database), "remind", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert "Ana Lima" in first.stdout and "birthday" in first.stdout
    assert "\x1b[" not in first.stdout
    second = kinship("--db", str(fading_database), "remind", env=env)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")


def test_the_printed_crontab_line_runs_in_a_bare_environment(
    fading_database: Path, kinship_env: Path
) -> None:
    """`env -i PATH=/usr/bin:/bin HOME=$HOME <line>`, as docs/cron.md suggests, through /bin/sh like cron."""
    home = kinship_env / "home"
    home.mkdir()
    line = crontab_line(kinship("cron").stdout)
    assert shlex.split(line)[0].startswith("KINSHIP_CONFIG=") or shlex.split(line)[0] == str(kinship_script())
    done = subprocess.run(
        ["/bin/sh", "-c", line],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=bare_environment(home),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Ana Lima" in done.stdout


def test_remind_under_cron_with_a_wrong_database_fails_loudly(kinship_env: Path) -> None:
    home = kinship_env / "home"
    home.mkdir()
    wrong = kinship_env / "nowhere" / "kinship.db"
    done = kinship("--db", str(wrong), "remind", env=bare_environment(home))
    assert done.returncode == 5
    assert done.stdout == ""
    assert done.stderr.startswith(f"Error: no kinship database at {wrong}")
    assert "Traceback" not in done.stderr
    assert not wrong.parent.exists()


def test_cron_line_carries_the_time_zone_the_user_relies_on(kinship_env: Path) -> None:
    words = shlex.split(crontab_line(ok("cron").stdout))
    assert "TZ=Europe/Berlin" in words  # cron may run in another zone: the user's day decides
    (kinship_env / "config.toml").write_text('timezone = "Asia/Tokyo"\n')
    words = shlex.split(crontab_line(ok("cron").stdout))
    assert not any(word.startswith("TZ=") for word in words)  # the config already says it
