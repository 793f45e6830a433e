"""Import benchmark: a 1,000,000-line WhatsApp chat and a 1,000,000-interaction kinship export.

Generates both files (deterministic), runs the installed ``kinship import`` on each into a fresh
database as a separate process, and prints wall time and the child's peak memory. Prints
figures; asserts nothing.

    python bench/imports.py [--lines 1000000] [--interactions 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_chat(path: Path, lines: int) -> None:
    """Write a two-person Android-style WhatsApp export of ``lines`` lines."""
    rng = random.Random(1)
    start = dt.datetime(2016, 1, 1, 8, 0)
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"{start:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted.\n")
        moment = start
        for number in range(lines - 1):
            moment += dt.timedelta(seconds=rng.randint(20, 600))
            sender = "Sam" if rng.random() < 0.5 else "Ana Lima"
            if number % 7 == 3:
                out.write("and a second line of the same message\n")
            else:
                out.write(f"{moment:%d/%m/%Y, %H:%M} - {sender}: message number {number}\n")


def write_export(path: Path, interactions: int) -> None:
    """Write a kinship JSON export with 200 contacts and ``interactions`` interactions."""
    rng = random.Random(2)
    contacts = [
        {"id": f"{number:032x}", "name": f"Person {number}", "circle": "friends", "aliases": [], "tags": [],
         "emails": [], "phones": [], "birthday": None, "every_days": None, "note": None, "archived": False,
         "created": "2016-01-01T00:00:00+00:00", "source_ids": []}
        for number in range(200)
    ]  # fmt: skip
    channels = ["in-person", "call", "video", "message", "email", "social"]
    base = dt.datetime(2016, 1, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"kinship_export": 1, "exported_at": "2026-11-26T10:00:00+00:00", "contacts": [')
        out.write(",".join("\n" + json.dumps(contact) for contact in contacts))
        out.write('\n], "interactions": [')
        for number in range(interactions):
            when = base + dt.timedelta(minutes=5 * number)
            channel = rng.choice(channels)
            people = [{"id": contacts[rng.randrange(200)]["id"], "name": "x"}]
            item = {
                "id": rng.randbytes(16).hex(), "when": when.isoformat(), "day": when.date().isoformat(),
                "channel": channel, "mode": "face_to_face" if channel == "in-person" else "digital",
                "people": people, "minutes": None, "note": None, "feel": None, "group": None,
                "source": None, "messages": None, "created": when.isoformat(),
            }  # fmt: skip
            out.write(("\n" if number == 0 else ",\n") + json.dumps(item))
        out.write('\n], "state": {"snoozes": [], "dismissals": [], "reminders": []}}\n')


def run_import(script: str, db: Path, args: list[str]) -> tuple[float, float]:
    """Return (seconds, peak MiB) of one ``kinship import`` child process."""
    env = dict(os.environ, KINSHIP_DB=str(db), TZ="UTC", NO_COLOR="1", KINSHIP_NOW="2026-11-26T10:00:00")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, script, "import", *args], env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    folder = Path(tempfile.mkdtemp(prefix="kinship-bench-"))
    try:
        chat = folder / "chat.txt"
        write_chat(chat, args.lines)
        seconds, peak = run_import(script, folder / "chat.db", [str(chat), "--me", "Sam"])
        print(f"WhatsApp chat, {args.lines:,} lines: {seconds:.1f} s, peak {peak:.0f} MiB")
        export = folder / "export.json"
        write_export(export, args.interactions)
        seconds, peak = run_import(script, folder / "export.db", [str(export)])
        size = (folder / "export.db").stat().st_size
        print(
            f"kinship JSON export, {args.interactions:,} interactions: {seconds:.1f} s, peak {peak:.0f} MiB,"
            f" database {size / args.interactions:.0f} bytes per interaction"
        )
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
