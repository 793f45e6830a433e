"""What ``kinship log`` and ``kinship --help`` import: the structure behind their start-up time.

Start-up time is a bar of SPEC §10 that bench/startup.py measures; no test asserts a time. What
is asserted here is what makes the time: the modules a real run loads beyond ``python -c pass``
(read with ``python -X importtime`` from a separate process, on a real database). A change that
puts typing, pathlib, re, json, typer or rich — or the whole command table — back on these
paths fails here, long before anyone notices it in the bench.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from tests import kinship_process
from tests.conftest import ok

import kinship.cli.tables
from kinship.cli import command
from kinship.cli.helppages import PAGES
from kinship.cli.parse import TOPICS
from kinship.cli.table import COMMANDS

RUN_MAIN = "from kinship.cli import command; command()"  # what the installed `kinship` script runs

NEVER_ON_LOG = {
    "typing",  # kinship.lean stands in for it at run time
    "re",  # kinship.lean.pattern compiles on first use
    "pathlib",  # str paths on this path; pathlib drags in urllib.parse and ipaddress
    "urllib.parse",
    "ipaddress",
    "json",
    "decimal",
    "textwrap",
    "shutil",
    "tomllib",  # only when a config file exists
    "dataclasses",
    "inspect",
    "importlib.util",
    "subprocess",
    "typer",
    "click",
    "rich",
    "dateutil",
    "sqlite_utils",  # only when a migration is pending
    "kinship.engine",
    "kinship.review",
    "kinship.transfer",
    "kinship.importers",
    "kinship.sync",
    "kinship.migrations",
    "kinship.cli.app",
    "kinship.cli.table",  # the whole table: parse.TOPICS finds the one module that declares log
    "kinship.cli.complete",
}

ONLY_ON_HELP = {"kinship", "kinship.cli", "kinship.cli.run", "kinship.cli.prerender", "kinship.cli.helppages"}
"""Every module ``kinship --help`` may import beyond Python's start-up (and ``__future__``,
kinship.errors and kinship.lean, which import nothing, and the built-in ``atexit`` and ``gc``)."""


def _imported(*args: str) -> tuple[set[str], str]:
    """Return the modules ``python -X importtime ARGS`` imported, and what it printed."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "[us]" not in line
    }
    return names, result.stdout


@functools.cache
def _python_alone() -> frozenset[str]:
    """Return the modules ``python -c pass`` imports (site's, a .pth file's…)."""
    return frozenset(_imported("-c", "pass")[0])


def _added(*args: str) -> tuple[set[str], str]:
    """Return the modules a run of ``kinship ARGS`` adds to those of ``python -c pass``."""
    names, stdout = _imported("-c", RUN_MAIN, *args)
    return names - _python_alone(), stdout


NEVER_ON_NUDGES = {
    "typing",
    "re",
    "pathlib",
    "json",
    "decimal",
    "textwrap",
    "typer",
    "rich",
    "kinship.review",
}
"""What ``kinship nudges`` (run hourly by cron as ``remind``, and on a million interactions)
must not import: ``re`` came back once through the ISO week of the crowded-week rule."""


def test_nudges_imports_nothing_it_does_not_need(kinship_env: Path) -> None:
    ok("add", "Ana Lima", "--every", "1w")
    ok("add", "Ben Ode", "--birthday", "1990-12-03")
    ok("log", "ana", "--via", "call", "--when", "2026-10-01")
    added, stdout = _added("nudges", "--as-of", "2026-12-01")
    assert "Ana Lima" in stdout
    assert "Ben Ode's birthday is in 2 days" in stdout  # a birthday is read without `re` too
    assert "kinship.engine" in added  # the run really computed the nudges
    assert sorted(added & NEVER_ON_NUDGES) == []


def test_log_imports_nothing_it_does_not_need(kinship_env: Path) -> None:
    ok("add", "Ana Lima")
    ok("add", "Ben Ode")
    added, stdout = _added("log", "ana", "ben", "--via", "call")
    assert stdout.startswith("Logged ")
    assert "kinship.journal" in added  # the run really wrote, through the journal
    assert sorted(added & NEVER_ON_LOG) == []
    assert not any(name.startswith(("typer.", "click.", "rich.", "kinship.importers.")) for name in added)
    assert {name for name in added if name.startswith("kinship.cli.tables.")} == {
        "kinship.cli.tables.interactions"
    }


def test_help_pages_import_nothing_but_the_pages() -> None:
    for args in (["--help"], ["log", "--help"]):
        added, stdout = _added(*args)
        assert stdout == PAGES[" ".join(args[:-1])]
        assert (
            sorted(added - ONLY_ON_HELP - {"__future__", "atexit", "gc", "kinship.errors", "kinship.lean"})
            == []
        )


def test_the_kinship_command_is_the_entry_point_that_skips_teardown() -> None:
    """An entry point, not a plain script: pip writes a wrapper that works in a folder with a
    space in its path (and a ``kinship.exe`` on Windows); it runs ``command``, not ``main``."""
    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"] == {"kinship": "kinship.cli:command"}
    assert "from kinship.cli import command" in kinship_process.kinship_script().read_text(encoding="utf-8")


def test_the_topic_index_names_every_command_of_the_table() -> None:
    """``parse.TOPICS`` lets ``kinship log`` import one table module instead of all of them."""
    declared: dict[str, str] = {}
    for module in pkgutil.iter_modules(kinship.cli.tables.__path__):
        for entry in importlib.import_module(f"kinship.cli.tables.{module.name}").COMMANDS:
            declared[entry.name] = module.name
    assert declared == TOPICS, "update kinship.cli.parse.TOPICS"
    assert sorted(declared) == sorted(command.name for command in COMMANDS)


def test_the_command_says_everything_before_it_ends_without_teardown(kinship_env: Path) -> None:
    """``command`` ends the process with ``os._exit``: nothing printed may be lost, codes stay."""
    ok("add", "Ana Lima", "--note", "x" * 5000)
    for day in range(1, 29):
        ok("log", "ana", "--via", "call", "--when", f"2026-10-{day:02d} 12:00", "--note", "y" * 2000)
    exported = kinship_process.kinship("export")
    assert exported.returncode == 0 and exported.stdout == ok("export").stdout
    assert len(exported.stdout) > 60_000  # more than any pipe buffer holds
    missing = kinship_process.kinship("show", "nobody")
    assert missing.returncode == 3 and missing.stderr.startswith("Error: no contact matches 'nobody'")


def test_the_command_ends_the_ordinary_way_when_something_waits_for_exit(
    kinship_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[object] = []

    def record(code: int) -> None:
        ended.append(("os._exit", code))
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", record)
    monkeypatch.setattr(sys, "argv", ["kinship", "db", "path"])
    for callbacks, how in ((0, "os._exit"), (1, "sys.exit")):
        monkeypatch.setattr(atexit, "_ncallbacks", lambda callbacks=callbacks: callbacks)
        with pytest.raises(SystemExit) as done:
            command()
        assert done.value.code == 0
        assert ended.pop() == ("os._exit", 0) if how == "os._exit" else not ended


def test_the_command_with_stdout_closed_says_one_line_not_a_traceback(kinship_env: Path) -> None:
    script = kinship_process.kinship_script()
    for args in ("--version", "people"):
        done = subprocess.run(
            ["sh", "-c", f'"{script}" {args} >&-'], capture_output=True, text=True, check=False
        )
        assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
        assert done.stderr.count("\n") <= 2  # at most an Error: line and its hint


def test_a_profiler_still_gets_its_report(kinship_env: Path) -> None:
    """``os._exit`` would cut off cProfile's report (and pdb, trace): watched runs end normally."""
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-m", "kinship", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "function calls" in done.stdout


def test_db_is_the_only_group() -> None:
    """The runner shows ``kinship db``'s help for a bare ``db`` without importing the table."""
    from kinship.cli.table import GROUPS

    assert set(GROUPS) == {"db"}, "teach cli/run.py dispatch() the new group"


def test_the_command_collects_cycles_every_50000_allocations_not_700() -> None:
    """A million-row read would otherwise run thousands of collections over live objects."""
    script = (
        "import atexit, gc, sys; atexit.register(lambda: print('threshold', gc.get_threshold()));"
        " sys.argv = ['kinship', '--version']; from kinship.cli import command; command()"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "threshold (50000, 10, 10)" in result.stdout
