"""Running the installed ``kinship`` script as a real process (for cron, concurrency and crash tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def kinship_script() -> Path:
    """Return the absolute path of the ``kinship`` script installed beside this interpreter."""
    beside = Path(sys.executable).parent / "kinship"
    if beside.is_file():
        return beside.absolute()
    found = shutil.which("kinship")
    if found is None:
        pytest.skip("the kinship script is not installed beside this Python")
    return Path(found).absolute()


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``kinship ARGS`` with no stdin and no terminal (the environment of the test by default)."""
    return subprocess.Popen(
        [str(kinship_script()), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ) if env is None else env,
    )


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a started process and return its outcome."""
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def kinship(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kinship ARGS`` as a process and return its outcome."""
    return finish(start(*args, env=env))
