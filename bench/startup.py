"""Start-up benchmark: whole-process time of kinship commands as a ratio to ``python -c pass``.

Runs the installed ``kinship`` script (use a non-editable install) and ``python -c pass`` with
the same interpreter, interleaved, and prints the median ratio of each command. It prints
figures; it asserts nothing.

    python bench/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    folder = Path(tempfile.mkdtemp())
    env = dict(os.environ, KINSHIP_DB=str(folder / "bench.db"), TZ="UTC", NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("Ana Lima", "Ben Ode"):
        subprocess.run([script, "add", name], env=env, check=True, stdout=subprocess.DEVNULL)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "kinship log A B --via call": [sys.executable, script, "log", "ana", "ben", "--via", "call"],
        "kinship --help": [sys.executable, script, "--help"],
        "kinship people": [sys.executable, script, "people"],
    }
    for command in commands.values():  # warm the caches
        _time(command, env)
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(args.runs):
        for label, command in commands.items():
            samples[label].append(_time(command, env))
    base = statistics.median(samples["python -c pass"])
    print(f"{'command':<32} {'median ms':>10} {'ratio':>7}")
    for label, times in samples.items():
        median = statistics.median(times)
        print(f"{label:<32} {median * 1000:>10.1f} {median / base:>6.2f}x")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
