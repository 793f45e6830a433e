"""A mistyped command says "did you mean", on the fast path and on the typer path (exit 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import run

from kinship.cli.app import run_app
from kinship.errors import UsageError


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["lgo", "ana"], "unknown command 'lgo'", "did you mean log?"),
        (["--db", "x.db", "peple"], "unknown command 'peple'", "did you mean people?"),
        (["db", "stauts"], "unknown command 'db stauts'", "did you mean db status?"),
        (["backup"], "unknown command 'backup'", "did you mean db backup?"),  # the group left out
        (["check"], "unknown command 'check'", "did you mean db check?"),
        (["frobnicate"], "unknown command 'frobnicate'", "`kinship --help` lists the commands"),
    ],
)
def test_a_mistyped_command_says_did_you_mean(
    args: list[str], message: str, hint: str, db_path: Path
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\nHint: {hint}\n"
    assert not db_path.exists() and not Path("x.db").exists()
    with pytest.raises(UsageError) as caught:  # the typer app says the same
        run_app(args)
    assert (caught.value.message, caught.value.hint) == (message, hint)


def test_the_fast_path_says_it_without_typer() -> None:
    code = (
        "import sys\n"
        "from kinship.cli.run import dispatch\n"
        "from kinship.errors import UsageError\n"
        "try:\n"
        "    dispatch(['lgo', 'ana'])\n"
        "except UsageError as error:\n"
        "    print(error.hint, 'typer' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "did you mean log? False\n"
