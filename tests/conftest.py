"""Every test runs against its own database, config and clock; nothing touches the real home."""

from __future__ import annotations

import io
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from kinship.cli import main

NOW = "2026-11-26T10:00:00"

# Property tests draw the same examples on every run (a CI run is reproducible, and red only
# for a change, never for a lucky draw); HYPOTHESIS_PROFILE=explore draws new ones, ten times
# as many, to look for bugs (the sync state machine's rename-after-merge divergence was found so).
settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def kinship_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point kinship at a temporary database and config, fix the clock and the time zone."""
    monkeypatch.setenv("KINSHIP_DB", str(tmp_path / "data" / "kinship.db"))
    monkeypatch.setenv("KINSHIP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("KINSHIP_NOW", NOW)
    for name in ("NO_COLOR", "KINSHIP_DEBUG", "KINSHIP_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path


@pytest.fixture
def db_path(kinship_env: Path) -> Path:
    """The database file the tests' commands use."""
    return kinship_env / "data" / "kinship.db"


class _Copying(io.BytesIO):
    """A byte stream that also copies what it is given into ``mixed`` (stdout and stderr in order)."""

    def __init__(self, mixed: io.BytesIO) -> None:
        super().__init__()
        self.mixed = mixed

    def write(self, data: Any) -> int:
        self.mixed.write(data)
        return super().write(data)


@contextmanager
def _isolated(
    input: str | None, env: dict[str, str] | None
) -> Iterator[tuple[io.BytesIO, io.BytesIO, io.BytesIO]]:
    """Swap stdin, stdout, stderr and the environment for one in-process run."""
    mixed = io.BytesIO()
    out, err = _Copying(mixed), _Copying(mixed)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_env = dict(os.environ)
    sys.stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    os.environ.update(env or {})
    try:
        yield out, err, mixed
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_env)


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the real entry point ``main`` in-process, with captured stdin, stdout and stderr.

    This is the dispatcher users run: the fast parser first, the typer app for the rest.
    """
    exception: BaseException | None = None
    with _isolated(input, env) as (stdout, stderr, output):
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except Exception as error:  # reported through the Result, as CliRunner does
            exception = error
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        stdout_bytes, stderr_bytes, output_bytes = stdout.getvalue(), stderr.getvalue(), output.getvalue()
    return Result(CliRunner(), stdout_bytes, stderr_bytes, output_bytes, None, code, exception)


def ok(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run kinship and insist that it succeeded."""
    result = run(*args, input=input, env=env)
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    return result


def dump(path: Path) -> str | None:
    """Return the logical content of a database (None when the file does not exist)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()
