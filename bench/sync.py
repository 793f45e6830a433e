"""Sync benchmark: a large log sent through a folder to an empty device, then an undo of its import.

Copies DATABASE (for example the 1,000,000-interaction Zipf database bench/scale.py builds) to a
temporary folder as device A, runs ``kinship sync`` on A (it writes everything A holds), then on
an empty device B (it applies all of it), then ``kinship undo`` of A's newest change and the two
syncs that carry it to B. Prints each step's wall time and peak memory (the child's maximum
resident set size, from ``wait4``) and the storage of A in bytes per interaction. It prints figures; it asserts
nothing. Use a non-editable install; on a shared machine, say that the figures were measured
under load.

    python bench/sync.py /path/to/zipf-1M-g4-m4.db [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _step(label: str, command: list[str], env: dict[str, str]) -> None:
    """Run one command; print its wall time and its own peak memory (``wait4``'s rusage)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    print(f"{label:<30} {seconds:8.1f} s   peak {usage.ru_maxrss / 1024:5.0f} MB   exit {child.returncode}")
    if child.returncode != 0:
        print(errors.decode(errors="replace")[-2000:], file=sys.stderr)


def _per_interaction(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        count = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    finally:
        conn.close()
    return f"{pages * size / max(count, 1):.1f} bytes per interaction ({count:,} interactions)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    folder = Path(tempfile.mkdtemp(prefix="kinship-sync-bench-"))
    shared = folder / "shared"
    shared.mkdir()
    device_a, device_b = folder / "a.db", folder / "b.db"
    shutil.copy(args.database, device_a)
    env = dict(os.environ, TZ="UTC", NO_COLOR="1", KINSHIP_CONFIG=str(folder / "config.toml"))
    try:
        _step("A opens (migrates, backup)", [script, "--db", str(device_a), "undo", "--list"], env)
        print("A:", _per_interaction(device_a))
        _step("A sync: writes everything", [script, "--db", str(device_a), "sync", str(shared)], env)
        _step("B sync: applies everything", [script, "--db", str(device_b), "sync", str(shared)], env)
        _step("A undo of its newest change", [script, "--db", str(device_a), "undo", "--yes"], env)
        _step("A sync: writes the undo", [script, "--db", str(device_a), "sync", str(shared)], env)
        _step("B sync: applies the undo", [script, "--db", str(device_b), "sync", str(shared)], env)
    finally:
        if args.keep:
            print("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
