"""Scale benchmark: every row of the speed table (SPEC §10), on databases of two kinds.

The table (``--size issue``, the default) runs on databases made through the export contract:
``bench/exportgen.py`` writes a kinship JSON export with random time order and Zipf closeness
(the busiest contact in ~190,000 of 1,000,000 interactions, ~1.19 people each) and the
installed ``kinship import`` loads it, as any script's data would arrive. It reports ``log`` on
the two busiest and two median contacts at 1M, ``review`` at 20k and 1M, ``nudges``, ``remind``,
``people``, ``show`` of a median and of the busiest contact, ``history --json`` (its peak
memory; stopped at ``--memory-cap-mib``), ``db check`` against the ``sqlite3`` shell's own
``PRAGMA integrity_check`` (skipped without the shell), and storage per interaction.

The row generator (``--size personal|lifetime|both``) writes rows straight into SQLite:

- personal: 300 contacts, 20,000 interactions over 1 year;
- lifetime: 2,000 contacts, 1,000,000 interactions over 10 years;

with the schema ``kinship.store.open_store`` creates. Each contact has its own rhythm, active
years and share of face-to-face meetings; most interactions involve 1-3 people (drawn from the
contact's own cluster of friends, family or colleagues), about 40% are in person, a few are
group activities with nobody linked, and a share of the digital ones are imported chat days
with a source id.

Databases are made once and cached in ``$KINSHIP_BENCH_CACHE`` (default /tmp/kinship-bench),
keyed by the generator's version and the schema. Each command runs as a whole process with the
same interpreter as ``python -c pass``, interleaved, after a warm-up; the report gives each
median, its ratio to ``python -c pass`` (``db check``: to the shell's check), and the child's
own peak memory and CPU time (``os.wait4``'s rusage; the CPU ratio is steadier than the wall
ratio on a loaded machine). It prints figures; it asserts nothing.

    python bench/scale.py [--size issue|zipf-20k|zipf-1M|personal|lifetime|both] [--runs 11]
                          [--regenerate] [--generate-only] [--memory-cap-mib 2048]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import exportgen  # bench/exportgen.py, beside this script

from kinship.keys import name_key
from kinship.store import MIGRATION_NAMES, day_number, open_store

CACHE = Path(os.environ.get("KINSHIP_BENCH_CACHE", "/tmp/kinship-bench"))
"""Where generated databases are kept between runs (never in the repository)."""
AS_OF = dt.date(2026, 11, 26)
SEED = 20261126
GENERATOR_VERSION = 4  # 4: contact_values with its key columns first
"""Bump when the generator changes, so cached databases are made again."""


@dataclass(frozen=True)
class Size:
    """How big a generated database is."""

    contacts: int
    interactions: int
    years: int


SIZES = {
    "personal": Size(contacts=300, interactions=20_000, years=1),
    "lifetime": Size(contacts=2_000, interactions=1_000_000, years=10),
}

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Cy",
    "Dee",
    "Eve",
    "Finn",
    "Gus",
    "Hana",
    "Ivo",
    "Jade",
    "Kai",
    "Lena",
    "Max",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tao",
    "Uma",
    "Vic",
    "Wes",
    "Xena",
    "Yara",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chen",
    "Dana",
    "Emil",
    "Farah",
    "Gil",
    "Hugo",
    "Iris",
    "Jon",
    "Kira",
    "Luca",
    "Mira",
    "Nils",
)
LAST_NAMES = (
    "Lima",
    "Ode",
    "Park",
    "Nakamura",
    "Ruiz",
    "Walsh",
    "Olsen",
    "Sato",
    "Novak",
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nowak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Müller",
    "Søndergaard",
    "Ó Briain",
)
CIRCLES = ("family", "friends", "friends", "colleagues", "colleagues", "community", None, None)
GROUP_LABELS = ("book club", "climbing", "choir", "team lunch", "running club", "board games")
NOTES = (
    "coffee at the corner place",
    "long walk by the river",
    "talked about the new job",
    "birthday dinner",
    "helped with the move",
    "quick catch-up",
)
DIGITAL_CHANNELS = (1, 2, 3, 3, 3, 4, 5)  # call, video, message (most), email, social
IN_PERSON = 0
MESSAGE = 3


@dataclass
class Person:
    """One generated contact and the shape of their place in the owner's life."""

    rowid: int
    name: str
    weight: float
    face_to_face_share: float
    first_day: int
    last_day: int
    cluster: int


def _names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name_key(name) in seen:
            name = f"{name} {len(names)}"
        seen.add(name_key(name))
        names.append(name)
    return names


def _people(size: Size, span_start: int, end: int, rng: random.Random) -> list[Person]:
    people = []
    span = end - span_start
    for index in range(size.contacts):
        # a few close people carry most interactions (a Pareto-like spread of rhythms)
        weight = min(rng.paretovariate(1.2), 40.0)
        first = span_start if rng.random() < 0.6 else span_start + int(rng.random() * span * 0.9)
        last = end if rng.random() < 0.75 else first + int(rng.random() * (end - first))
        people.append(
            Person(
                rowid=index + 1,
                name="",
                weight=weight,
                face_to_face_share=rng.betavariate(2, 3),
                first_day=first,
                last_day=max(last, first + 1),
                cluster=index // 12,
            )
        )
    return people


def _contact_rows(
    people: list[Person], names: list[str], span_start: int, rng: random.Random
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    contacts: list[tuple[object, ...]] = []
    values: list[tuple[object, ...]] = []
    for person, name in zip(people, names, strict=True):
        person.name = name
        circle = CIRCLES[person.cluster % len(CIRCLES)] if rng.random() < 0.9 else rng.choice(CIRCLES)
        every = rng.choice((7, 14, 21, 30, 60)) if rng.random() < 0.08 else None
        birthday = None
        if rng.random() < 0.5:
            month, day_of_month = rng.randint(1, 12), rng.randint(1, 28)
            year = f"{rng.randint(1950, 2005)}" if rng.random() < 0.6 else "-"
            birthday = f"{year}-{month:02d}-{day_of_month:02d}"
        created = (min(person.first_day, span_start) - rng.randint(0, 30)) * 86400 + 36000
        contacts.append(
            (
                person.rowid,
                rng.randbytes(16).hex(),
                name,
                name_key(name),
                circle,
                every,
                birthday,
                "met through work" if rng.random() < 0.1 else None,
                1 if rng.random() < 0.02 else 0,
                created,
            )
        )
        first = name.split()[0]
        if rng.random() < 0.3:
            values.append(
                (person.rowid, "alias", f"{first.lower()}{person.rowid}", f"{first.lower()}{person.rowid}")
            )
        if rng.random() < 0.7:
            email = f"{name_key(name).replace(' ', '.')}.{person.rowid}@example.org"
            values.append((person.rowid, "email", email, email))
        if rng.random() < 0.6:
            digits = f"49151{rng.randint(1_000_000, 9_999_999)}"
            values.append((person.rowid, "phone", f"+{digits}", digits))
        if rng.random() < 0.2:
            tag = rng.choice(GROUP_LABELS)
            values.append((person.rowid, "tag", tag, tag))
    return contacts, values


def _interaction_rows(
    size: Size, people: list[Person], span_start: int, end: int, rng: random.Random
) -> tuple[list[tuple[object, ...]], list[tuple[int, int, int, int]]]:
    """Return (interaction rows, link rows), interactions in day order with row ids 1..n."""
    clusters: dict[int, list[Person]] = {}
    for person in people:
        clusters.setdefault(person.cluster, []).append(person)
    total_weight = sum(p.weight * (p.last_day - p.first_day) for p in people)
    events: list[tuple[int, int, Person | None]] = []  # (day, second of the local day, primary)
    group_share = 0.02
    for person in people:
        length = person.last_day - person.first_day
        expected = size.interactions * (1 - group_share) * person.weight * length / total_weight
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _ in range(count):
            day = person.first_day + 1 + int(rng.random() * length)
            events.append((day, rng.randint(7 * 3600, 23 * 3600), person))
    while len(events) < size.interactions:
        day = span_start + 1 + int(rng.random() * (end - span_start))
        events.append((day, rng.randint(9 * 3600, 21 * 3600), None))
    del events[size.interactions :]
    events.sort(key=lambda event: (event[0], event[1]))
    interactions: list[tuple[object, ...]] = []
    links: list[tuple[int, int, int, int]] = []
    randbytes = rng.randbytes
    sources: set[str] = set()
    uniform = rng.random
    for rowid, (day, second, person) in enumerate(events, start=1):
        offset = 120 if 88 <= (day + 4) % 365 <= 300 else 60  # summer time, roughly
        at = day * 86400 + second - offset * 60
        minutes = feel = group = note = source = messages = None
        created = at + int(uniform() * 3600)
        if person is None:
            channel = IN_PERSON
            group = GROUP_LABELS[int(uniform() * len(GROUP_LABELS))]
            minutes = 60 + int(uniform() * 120)
            with_people: list[Person] = []
        else:
            channel = IN_PERSON if uniform() < person.face_to_face_share else rng.choice(DIGITAL_CHANNELS)
            draw = uniform()
            extra = 0 if draw < 0.6 else 1 if draw < 0.85 else 2 if draw < 0.95 else 3 + int(uniform() * 3)
            cluster = clusters[person.cluster]
            with_people = [person, *rng.sample(cluster, min(extra, len(cluster)))]
            chat_day = f"whatsapp:{name_key(person.name).split()[0]}:{day_text(day)}:p{person.rowid}"
            if channel == MESSAGE and uniform() < 0.6 and chat_day not in sources:
                source = chat_day  # an imported chat day: one per contact per day
                sources.add(source)
                messages = 1 + int(uniform() * 40)
                created = (end - int(uniform() * 30)) * 86400
            else:
                if uniform() < 0.5:
                    minutes = 5 + int(uniform() * 120)
                if uniform() < 0.2:
                    feel = 1 + int(uniform() * 5)
                if uniform() < 0.1:
                    note = NOTES[int(uniform() * len(NOTES))]
                if channel == IN_PERSON and extra >= 2 and uniform() < 0.3:
                    group = GROUP_LABELS[person.cluster % len(GROUP_LABELS)]
        interactions.append(
            (
                rowid,
                randbytes(16),
                at,
                offset,
                day,
                channel,
                minutes,
                note,
                feel,
                group,
                source,
                messages,
                created,
            )
        )
        for contact in {p.rowid for p in with_people}:
            links.append((contact, day, channel, rowid))
    return interactions, links


_DAY_TEXT: dict[int, str] = {}


def day_text(day: int) -> str:
    """Return the ISO date of a stored day number (memoised: the generator asks a million times)."""
    text = _DAY_TEXT.get(day)
    if text is None:
        text = _DAY_TEXT[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
    return text


def generate(path: Path, size: Size) -> float:
    """Write a seeded database of ``size`` at ``path``; return the seconds it took."""
    started = time.perf_counter()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    now = dt.datetime.combine(AS_OF, dt.time(12), tzinfo=dt.UTC)
    open_store(path, now).close()  # the real schema, through the real migrations
    rng = random.Random(f"{SEED}:{size.contacts}:{size.interactions}:{size.years}")
    end = day_number(AS_OF)
    span_start = end - 365 * size.years
    people = _people(size, span_start, end, rng)
    contacts, values = _contact_rows(people, _names(size.contacts, rng), span_start, rng)
    interactions, links = _interaction_rows(size, people, span_start, end, rng)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO contacts(id, uid, name, name_key, circle, every_days, birthday, note, archived, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            contacts,
        )
        conn.executemany(
            "INSERT INTO contact_values(contact_id, kind, value, match_key) VALUES (?, ?, ?, ?)", values
        )
        conn.executemany(
            "INSERT INTO interactions(id, uid, at, utc_offset, day, channel, minutes, note, feel, group_label,"
            " source, messages, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            interactions,
        )
        links.sort()
        conn.executemany(
            "INSERT INTO links(contact_id, day, channel, interaction_id) VALUES (?, ?, ?, ?)", links
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    store = open_store(path, now)  # the day lists the triggers marked stale, built as any write does
    try:
        with store.write():
            pass
    finally:
        store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.perf_counter() - started


def storage(path: Path) -> tuple[int, int, int, dict[str, int]]:
    """Return (file bytes, interactions, links, bytes per table/index from dbstat or {})."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        interactions = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
        links = conn.execute("SELECT count(*) FROM links").fetchone()[0]
        try:
            parts = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        except sqlite3.OperationalError:
            parts = {}
    finally:
        conn.close()
    return path.stat().st_size, int(interactions), int(links), parts


class Run(NamedTuple):
    """One finished child process: wall seconds, its own peak memory, bytes printed, exit code."""

    seconds: float
    peak_mib: float
    printed: int
    returncode: int
    cpu_seconds: float = 0.0
    """The child's own user + system time: steadier than wall time on a loaded machine."""


def run_child(command: list[str], env: dict[str, str], *, memory_cap_mib: int | None = None) -> Run:
    """Run ``command`` once and return its wall time and its own peak RSS (``wait4``'s rusage)."""

    def cap() -> None:  # a runaway command must not take the shared machine down with it
        if memory_cap_mib is not None:
            limit = memory_cap_mib * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=cap
    )
    assert child.stdout is not None
    printed = 0
    while chunk := child.stdout.read(1 << 16):
        printed += len(chunk)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen
    child.stdout.close()
    return Run(seconds, usage.ru_maxrss / 1024, printed, child.returncode, usage.ru_utime + usage.ru_stime)


@dataclass
class Row:
    """One row of the report: a command, what it is compared with, and the bar it must meet."""

    label: str
    command: list[str]
    env: dict[str, str]
    must: str = ""
    baseline: str = "python -c pass"
    memory_cap_mib: int | None = None
    runs: list[Run] = field(default_factory=list)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure_rows(rows: list[Row], runs: int, slow_seconds: float = 2.0, slow_runs: int = 3) -> None:
    """Run every row interleaved ``runs`` times after one warm-up, and print them.

    A command whose warm-up took over ``slow_seconds`` runs ``slow_runs`` times, over ten times
    that once: the figure that matters then is how far it is from its bar, not its third digit.
    """
    warm: dict[str, Run] = {}
    for row in rows:  # warm the caches; show a failure once
        warm[row.label] = run_child(row.command, row.env, memory_cap_mib=row.memory_cap_mib)
        if warm[row.label].returncode != 0:
            print(f"  {row.label}: exit {warm[row.label].returncode}")
    for number in range(runs):
        for row in rows:
            if number >= slow_runs and warm[row.label].seconds > slow_seconds:
                continue
            if number >= 1 and warm[row.label].seconds > 10 * slow_seconds:
                continue
            if row.memory_cap_mib is not None and warm[row.label].returncode != 0:
                continue  # it hit the memory cap: once is enough
            row.runs.append(run_child(row.command, row.env, memory_cap_mib=row.memory_cap_mib))
    medians = {row.label: _median([run.seconds for run in row.runs or [warm[row.label]]]) for row in rows}
    cpu = {row.label: _median([run.cpu_seconds for run in row.runs or [warm[row.label]]]) for row in rows}
    print(
        f"{'command':<52} {'median ms':>10} {'ratio':>8} {'cpu ratio':>9} {'peak MiB':>9} {'printed':>9}  must"
    )
    for row in rows:
        seconds = medians[row.label]
        base = medians.get(row.baseline, float("nan"))
        baselines = {other.baseline for other in rows}
        ratio = "" if row.label in baselines else f"{seconds / base:.2f}x"
        cpu_base = cpu.get(row.baseline, float("nan"))
        cpu_ratio = "" if row.label in baselines or not cpu_base else f"{cpu[row.label] / cpu_base:.2f}x"
        peak = max((run.peak_mib for run in row.runs), default=warm[row.label].peak_mib)
        printed = warm[row.label].printed
        failed = {run.returncode for run in [warm[row.label], *row.runs]} - {0}
        note = f" (exit {sorted(failed)})" if failed else ""
        if row.memory_cap_mib is not None and failed:
            note = f" (stopped at the {row.memory_cap_mib} MiB cap)"
        shown = f"{printed / 1e6:.1f}MB" if printed >= 1e6 else f"{printed}B"
        must = row.must + ("" if row.baseline == "python -c pass" else f" ({row.baseline})")
        print(
            f"{row.label:<52} {seconds * 1000:>10.1f} {ratio:>8} {cpu_ratio:>9} {peak:>9.0f} {shown:>9}  {must}{note}"
        )


def print_storage(path: Path) -> None:
    """Print bytes per interaction as stored and after VACUUM, and each table's and index's share."""
    size_bytes, interactions, links, parts = storage(path)
    with tempfile.TemporaryDirectory(prefix="kinship-bench-") as folder:
        vacuumed = Path(folder) / "vacuumed.db"
        conn = sqlite3.connect(path)
        try:
            conn.execute("VACUUM INTO ?", (str(vacuumed),))
        finally:
            conn.close()
        after = vacuumed.stat().st_size
    print(
        f"storage: {size_bytes / interactions:.1f} B/interaction as stored, {after / interactions:.1f} after VACUUM"
        f" ({interactions:,} interactions, {links / interactions:.2f} people each; must <= 150, aim <= 120)"
    )
    other = 0
    for name, part in sorted(parts.items(), key=lambda item: -item[1]):
        if part / interactions < 0.5:
            other += part
            continue
        print(f"  {name:<34} {part / 1e6:>9.1f}M {part / interactions:>6.1f} B/interaction")
    if other:
        print(f"  {'everything else':<34} {other / 1e6:>9.1f}M {other / interactions:>6.1f} B/interaction")


def bench_env(db: Path, as_of: dt.date) -> dict[str, str]:
    """Return the environment every measured command runs with (fixed now and zone, no config)."""
    env = dict(
        os.environ,
        TZ="UTC",
        NO_COLOR="1",
        KINSHIP_NOW=f"{as_of.isoformat()}T12:00:00",
        KINSHIP_CONFIG=str(CACHE / "no-config.toml"),
        KINSHIP_DB=str(db),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _writable_copy(path: Path) -> Path:
    """Return a copy of a cached database for commands that write (the cache stays as made)."""
    copy = path.with_name(f"{path.stem}-writes.db")
    for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    return copy


def _remove_copy(copy: Path) -> None:
    for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
        leftover.unlink(missing_ok=True)


def measure_generated(label: str, path: Path, runs: int, script: str) -> None:
    """Print the command timings and the storage figures of a database from the row generator."""
    log_db = _writable_copy(path)
    conn = sqlite3.connect(path)
    first_names = [
        row[0] for row in conn.execute("SELECT name FROM contacts WHERE archived = 0 ORDER BY id LIMIT 2")
    ]
    interactions = conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    conn.close()
    as_of = AS_OF.isoformat()
    env = bench_env(path, AS_OF)
    python = sys.executable
    rows = [
        Row("python -c pass", [python, "-c", "pass"], env),
        Row(f"kinship review --as-of {as_of}", [python, script, "review", "--as-of", as_of], env),
        Row(f"kinship nudges --as-of {as_of}", [python, script, "nudges", "--as-of", as_of], env),
        Row("kinship remind --dry-run", [python, script, "remind", "--as-of", as_of, "--dry-run"], env),
        Row("kinship people", [python, script, "people"], env),
        Row(
            "kinship log A B --via call",
            [python, script, "log", *first_names, "--via", "call"],
            bench_env(log_db, AS_OF),
        ),
    ]
    print(f"\n{label} (row generator): {interactions:,} interactions, as of {as_of}, {runs} runs")
    try:
        measure_rows(rows, runs)
    finally:
        _remove_copy(log_db)
    print_storage(path)


# ---- the issue's table: databases made through the export contract ----------------------------


@dataclass(frozen=True)
class ExportSize:
    """A database made by importing a heavy-tailed export (bench/exportgen.py)."""

    contacts: int
    interactions: int
    busiest: int


EXPORT_SIZES = {
    "zipf-20k": ExportSize(contacts=300, interactions=20_000, busiest=3_800),
    "zipf-1M": ExportSize(contacts=2_000, interactions=1_000_000, busiest=190_000),
}
EXPORT_AS_OF = exportgen.END.date()


def build_from_export(path: Path, size: ExportSize, script: str) -> None:
    """Write the export, import it with the installed kinship into ``path``; print time and peak."""
    export = path.with_name(path.stem + ".json")
    shape = exportgen.write_export(
        export, contacts=size.contacts, interactions=size.interactions, busiest=size.busiest
    )
    print(
        f"generated {export.name}: {shape.contacts:,} contacts, {shape.interactions:,} interactions,"
        f" {shape.links / shape.interactions:.2f} people each, busiest {shape.busiest:,} (Zipf s={shape.exponent:.3f})"
    )
    partial = path.with_name(path.name + ".partial")
    _remove_copy(partial)
    env = bench_env(partial, EXPORT_AS_OF)
    try:
        run = run_child([sys.executable, script, "import", str(export)], env)
        if run.returncode != 0:
            sys.exit(f"kinship import {export} failed ({run.returncode})")
        print(f"imported it in {run.seconds:.1f} s, peak {run.peak_mib:.0f} MiB (kinship's own line layout)")
        conn = sqlite3.connect(partial)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        os.replace(partial, path)  # an interrupted run leaves no half-made database behind
    finally:
        export.unlink(missing_ok=True)
        _remove_copy(partial)


def _contacts_by_activity(path: Path) -> list[tuple[str, int]]:
    """Return (name, interactions) of every unarchived contact, busiest first."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT c.name, count(*) FROM links l JOIN contacts c ON c.id = l.contact_id"
            " WHERE c.archived = 0 GROUP BY l.contact_id ORDER BY count(*) DESC, c.id"
        ).fetchall()
    finally:
        conn.close()
    return [(str(name), int(count)) for name, count in rows]


def measure_issue_table(
    paths: dict[str, Path], runs: int, script: str, memory_cap_mib: int, only: tuple[str, ...] = ()
) -> None:
    """Print every row of the speed issue's table on the export-made databases (or only the rows
    whose label starts with one of ``only``; ``python -c pass`` always runs)."""
    python = sys.executable
    as_of = EXPORT_AS_OF.isoformat()
    big = paths.get("zipf-1M")
    small = paths.get("zipf-20k")
    rows = [
        Row(
            "python -c pass",
            [python, "-c", "pass"],
            bench_env(big or small or CACHE / "none.db", EXPORT_AS_OF),
        )
    ]
    copies: list[Path] = []
    if small is not None:
        env = bench_env(small, EXPORT_AS_OF)
        rows.append(Row("review 20k", [python, script, "review", "--as-of", as_of], env, "<= 6x, aim 5x"))
    if big is not None:
        env = bench_env(big, EXPORT_AS_OF)
        ranked = _contacts_by_activity(big)
        busiest, median = ranked[:2], ranked[len(ranked) // 2 : len(ranked) // 2 + 2]
        copy = _writable_copy(big)
        copies.append(copy)
        write_env = bench_env(copy, EXPORT_AS_OF)
        counts = "/".join(f"{count:,}" for _, count in busiest)
        rows += [
            Row(
                f"log two busiest 1M ({counts})",
                [python, script, "log", *(name for name, _ in busiest), "--via", "call"],
                write_env,
                "<= 5x, aim 4x",
            ),
            Row(
                f"log two median 1M ({'/'.join(str(count) for _, count in median)})",
                [python, script, "log", *(name for name, _ in median), "--via", "call"],
                write_env,
                "<= 5x, aim 4x",
            ),
            Row("review 1M", [python, script, "review", "--as-of", as_of], env, "<= 10x, aim 8x"),
            Row("nudges 1M", [python, script, "nudges", "--as-of", as_of], env, "<= 8x, aim 7x"),
            Row(
                "remind --dry-run 1M",
                [python, script, "remind", "--as-of", as_of, "--dry-run"],
                env,
                "<= 8x, aim 7x",
            ),
            Row("people 1M", [python, script, "people"], env, "<= 10x, aim 8x"),
            Row(
                f"show median 1M ({median[0][1]})",
                [python, script, "show", median[0][0]],
                env,
                "<= 10x, aim 8x",
            ),
            Row(
                f"show busiest 1M ({busiest[0][1]:,})",
                [python, script, "show", busiest[0][0]],
                env,
                "<= 10x, aim 8x",
            ),
            Row(
                "history --json 1M",
                [python, script, "history", "--json"],
                env,
                "peak <= 100 MB, aim 50",
                memory_cap_mib=memory_cap_mib,
            ),
            Row(
                "db check 1M",
                [python, script, "db", "check"],
                env,
                "<= 2x",
                baseline="sqlite3 integrity_check",
            ),
        ]
        shell = shutil.which("sqlite3")
        if shell is None:
            rows.pop()
            print("db check row skipped: no sqlite3 shell (apt-get install sqlite3)")
        else:
            rows.append(Row("sqlite3 integrity_check", [shell, str(big), "PRAGMA integrity_check"], env))
    if only:
        rows = [row for row in rows if row.label == "python -c pass" or row.label.startswith(only)]
    print(f"\nthe speed table, as of {as_of}, {runs} runs (commands over 2 s: 3 runs, over 20 s: 1)")
    try:
        measure_rows(rows, runs)
    finally:
        for copy in copies:
            _remove_copy(copy)
    for path in (small, big):
        if path is not None and not only:  # a subset of the rows: no storage figures
            print(f"{path.name}: ", end="")
            print_storage(path)


def _cache_key() -> str:
    """Return what makes a cached database stale: the generator's version and the schema."""
    return f"g{GENERATOR_VERSION}-m{len(MIGRATION_NAMES)}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    choices = ("issue", "zipf-20k", "zipf-1M", "personal", "lifetime", "both")
    parser.add_argument("--size", choices=choices, default="issue")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--regenerate", action="store_true", help="make the databases again")
    parser.add_argument("--generate-only", action="store_true", help="make the databases, time nothing")
    parser.add_argument("--memory-cap-mib", type=int, default=2048, help="stop history --json beyond this")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated label starts, e.g. 'review,nudges,people' (issue table only)",
    )
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.size in ("issue", "zipf-20k", "zipf-1M"):
        labels = ("zipf-20k", "zipf-1M") if args.size == "issue" else (args.size,)
        paths = {}
        for label in labels:
            path = CACHE / f"{label}-{_cache_key()}.db"
            if args.regenerate or not path.exists():
                build_from_export(path, EXPORT_SIZES[label], script)
            paths[label] = path
        if not args.generate_only:
            only = tuple(label.strip() for label in args.only.split(",") if label.strip())
            measure_issue_table(paths, args.runs, script, args.memory_cap_mib, only)
        return
    labels = ("personal", "lifetime") if args.size == "both" else (args.size,)
    for label in labels:
        size = SIZES[label]
        path = CACHE / f"{label}-{_cache_key()}.db"
        if args.regenerate or not path.exists():
            partial = path.with_name(path.name + ".partial")
            seconds = generate(partial, size)
            os.replace(partial, path)  # an interrupted run leaves no half-made database behind
            print(
                f"generated {path.name} ({size.contacts:,} contacts, {size.interactions:,} interactions) in {seconds:.1f} s"
            )
        if not args.generate_only:
            measure_generated(label, path, args.runs, script)


if __name__ == "__main__":
    main()
