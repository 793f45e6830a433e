"""Import benchmark: a 1,000,000-line WhatsApp chat and a 1,000,000-interaction kinship export.

The export comes from ``bench/exportgen.py`` (Zipf closeness, random time order, as any script
could write it) in three layouts: kinship's own (one object a line), re-indented with
``json.dump(indent=2)`` and minified. Each file is imported by the installed ``kinship`` command
into a fresh database as a child process, then imported again with ``--dry-run`` into that same
database (everything already there: every id is looked up), and with ``--dry-run`` into an empty
one. Prints wall time and the child's peak resident memory (``RUSAGE_CHILDREN``, one fresh
measuring process per run, so one run's peak never hides another's). Asserts nothing.

    python bench/imports.py [--lines 1000000] [--interactions 1000000] [--contacts 2000]
                            [--layouts line,indent,minified] [--skip-chat] [--skip-dry-run]
                            [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from exportgen import write_export

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)
"""


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


def relayout(source: Path, target: Path, layout: str) -> None:
    """Write ``source`` again re-indented as ``json.dump(indent=2)`` would, or minified, one record
    at a time (``json.load`` of a million interactions would take gigabytes)."""
    from kinship.importers.kinship_json import iter_export

    indent = layout == "indent"
    dump = (
        (lambda v: json.dumps(v, indent=2, ensure_ascii=False))
        if indent
        else (lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False))
    )

    def nested(value: object, depth: int) -> str:
        text = dump(value)
        return text.replace("\n", "\n" + "  " * depth) if indent else text

    newline, pad, colon = ("\n", "  ", ": ") if indent else ("", "", ":")
    with open(source, encoding="utf-8") as handle, open(target, "w", encoding="utf-8") as out:
        out.write("{")
        first_key = True
        open_list: str | None = None
        for section, number, value in iter_export(handle, str(source)):
            if open_list is not None and section != open_list:
                out.write(f"{newline}{pad}]")
                open_list = None
            if section in ("contacts", "interactions"):
                if number == 0:  # the list starts
                    out.write(("" if first_key else ",") + f"{newline}{pad}{json.dumps(section)}{colon}[")
                    first_key, open_list = False, section
                else:
                    out.write(("" if number == 1 else ",") + f"{newline}{pad * 2}{nested(value, 2)}")
                continue
            key, item = (section, value) if section == "state" else value
            out.write(("" if first_key else ",") + f"{newline}{pad}{json.dumps(key)}{colon}{nested(item, 1)}")
            first_key = False
        if open_list is not None:
            out.write(f"{newline}{pad}]")
        out.write(newline + "}")


def run_import(script: str, db: Path, args: list[str]) -> tuple[float, float]:
    """Return (seconds, peak MiB) of one ``kinship import`` child process."""
    env = dict(os.environ, KINSHIP_DB=str(db), TZ="UTC", NO_COLOR="1", KINSHIP_NOW="2026-11-26T10:00:00")
    found = subprocess.run(
        [sys.executable, "-c", MEASURE, script, "import", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, peak, code = found.stdout.split()
    if code != "0":
        sys.exit(f"kinship import {' '.join(args)} failed with exit {code}")
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=2_000)
    parser.add_argument("--layouts", default="line,indent,minified")
    parser.add_argument("--skip-chat", action="store_true")
    parser.add_argument("--skip-dry-run", action="store_true", help="time only the imports")
    parser.add_argument("--keep", type=Path, help="keep the generated files and databases in this folder")
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kinship-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if not args.skip_chat:
            chat = folder / "chat.txt"
            write_chat(chat, args.lines)
            seconds, peak = run_import(script, folder / "chat.db", [str(chat), "--me", "Sam"])
            print(f"WhatsApp chat, {args.lines:,} lines: {seconds:.1f} s, peak {peak:.0f} MiB", flush=True)
        line = folder / "export-line.json"
        if not line.exists():
            busiest = round(args.interactions * 0.19)
            write_export(line, contacts=args.contacts, interactions=args.interactions, busiest=busiest)
        for layout in args.layouts.split(","):
            export = line if layout == "line" else folder / f"export-{layout}.json"
            if not export.exists():
                relayout(line, export, layout)
            db = folder / f"export-{layout}.db"
            for stale in folder.glob(f"export-{layout}.db*"):
                stale.unlink()
            what = f"kinship JSON, {layout} layout, {args.interactions:,} interactions"
            seconds, peak = run_import(script, db, [str(export)])
            size = db.stat().st_size
            print(
                f"{what}: import {seconds:.1f} s, peak {peak:.0f} MiB,"
                f" database {size / args.interactions:.0f} bytes per interaction",
                flush=True,
            )
            if args.skip_dry_run:
                continue
            seconds, peak = run_import(script, db, ["--dry-run", str(export)])
            print(
                f"{what}: --dry-run, all already imported: {seconds:.1f} s, peak {peak:.0f} MiB", flush=True
            )
            seconds, peak = run_import(script, folder / "empty.db", ["--dry-run", str(export)])
            print(f"{what}: --dry-run into an empty log: {seconds:.1f} s, peak {peak:.0f} MiB", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
