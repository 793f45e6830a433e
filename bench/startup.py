"""Start-up benchmark: whole-process time of kinship commands as a ratio to ``python -c pass``.

Runs the installed ``kinship`` script (use a non-editable install) and ``python -c pass`` with
the same interpreter, interleaved round by round, and prints each command's median wall time,
its ratio to ``python -c pass`` and its median CPU time (user + system of the child, steadier
than wall time on a busy machine). It prints figures; it asserts nothing.

    python bench/startup.py [--runs 21] [--only log,help] [--big zipf-1M.db]

``--big`` adds ``log`` rows on a copy of a large database (as bench/scale.py builds it): the
two contacts with the most interactions, and two of median count.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Args = Callable[[int], list[str]]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return the wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def _busiest_and_median(database: Path) -> tuple[list[str], list[str]]:
    """Return the names of the two contacts with the most interactions, and of two median ones."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT c.name, count(*) AS n FROM links l JOIN contacts c ON c.id = l.contact_id"
            " GROUP BY l.contact_id ORDER BY n DESC, c.id"
        ).fetchall()
    finally:
        conn.close()
    middle = len(rows) // 2
    return [rows[0][0], rows[1][0]], [rows[middle][0], rows[middle + 1][0]]


def _small_database(script: str, env: dict[str, str]) -> None:
    """A small database: three contacts, a few interactions, one group."""
    steps = [
        ["add", "Ana Lima", "--circle", "friends", "--every", "2w", "--alias", "ana"],
        ["add", "Ben Ode", "--circle", "family"],
        ["add", "Chloé Martin", "--circle", "colleagues"],
        ["log", "ana", "--via", "call", "--when", "2026-11-20 18:30"],
        ["log", "ana", "ben", "--when", "2026-11-24 19:00", "--group", "book club"],
        ["log", "chloé", "--via", "message", "--when", "2026-11-25 09:00"],
    ]
    for step in steps:
        subprocess.run([sys.executable, script, *step], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--only", default="", help="comma-separated words: keep the rows that contain one")
    parser.add_argument("--big", type=Path, help="a large database to copy for the 1M log rows")
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    folder = Path(tempfile.mkdtemp())
    small = folder / "small.db"
    env = dict(os.environ, KINSHIP_DB=str(small), TZ="UTC", NO_COLOR="1", KINSHIP_NOW="2026-11-27T12:00:00")
    env["KINSHIP_CONFIG"] = str(folder / "absent-config.toml")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _small_database(script, env)
    kinship = [sys.executable, script]
    commands: dict[str, Args] = {
        "python -c pass": lambda i: [sys.executable, "-c", "pass"],
        "kinship --help": lambda i: [*kinship, "--help"],
        "kinship log --help": lambda i: [*kinship, "log", "--help"],
        "kinship log A B --via call": lambda i: [*kinship, "log", "ana", "ben", "--via", "call"],
        "kinship add NEW": lambda i: [*kinship, "add", f"Person {i}"],
        "kinship edit A --note": lambda i: [*kinship, "edit", "ana", "--note", f"note {i}"],
        "kinship show A": lambda i: [*kinship, "show", "ana"],
        "kinship history": lambda i: [*kinship, "history"],
        "kinship people": lambda i: [*kinship, "people"],
        "kinship groups": lambda i: [*kinship, "groups"],
        "kinship nudges": lambda i: [*kinship, "nudges"],
        "kinship review": lambda i: [*kinship, "review"],
        "kinship remind": lambda i: [*kinship, "remind"],
        "kinship export": lambda i: [*kinship, "export"],
        "kinship config": lambda i: [*kinship, "config"],
        "kinship db status": lambda i: [*kinship, "db", "status"],
    }
    if args.big is not None:
        big = folder / "big.db"
        shutil.copyfile(args.big, big)
        busiest, median = _busiest_and_median(big)
        big_env = ["--db", str(big)]
        commands["kinship log (1M, two busiest)"] = lambda i: [
            *kinship,
            *big_env,
            "log",
            *busiest,
            "--via",
            "call",
        ]
        commands["kinship log (1M, two median)"] = lambda i: [
            *kinship,
            *big_env,
            "log",
            *median,
            "--via",
            "call",
        ]
    if args.only:
        words = args.only.split(",")
        commands = {
            label: make
            for label, make in commands.items()
            if label == "python -c pass" or any(word in label for word in words)
        }
    for make in commands.values():  # warm the caches
        _run(make(-1), env)
    walls: dict[str, list[float]] = {label: [] for label in commands}
    cpus: dict[str, list[float]] = {label: [] for label in commands}
    for index in range(args.runs):
        for label, make in commands.items():
            wall, cpu = _run(make(index), env)
            walls[label].append(wall)
            cpus[label].append(cpu)
    base = statistics.median(walls["python -c pass"])
    cpu_base = statistics.median(cpus["python -c pass"])
    print(f"{'command':<34} {'median ms':>10} {'ratio':>7} {'cpu ms':>8} {'cpu ratio':>9}")
    for label in commands:
        wall, cpu = statistics.median(walls[label]), statistics.median(cpus[label])
        print(
            f"{label:<34} {wall * 1000:>10.1f} {wall / base:>6.2f}x {cpu * 1000:>8.1f} {cpu / cpu_base:>8.2f}x"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
