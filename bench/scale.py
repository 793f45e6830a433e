"""Scale benchmark: kinship commands on a personal and a lifetime database, and their storage.

Generates (once, cached under ``bench/out/`` keyed by size) a seeded, realistic database with
the schema ``kinship.store.open_store`` creates:

- personal: 300 contacts, 20,000 interactions over 1 year;
- lifetime: 2,000 contacts, 1,000,000 interactions over 10 years;

both ending on a fixed as-of day. Each contact has its own rhythm, active years and share of
face-to-face meetings; most interactions involve 1-3 people (drawn from the contact's own
cluster of friends, family or colleagues), about 40% are in person, a few are group activities
with nobody linked, and a share of the digital ones are imported chat days with a source id.

It then runs the installed ``kinship`` script and ``python -c pass`` with the same
interpreter, interleaved, and prints each command's median time and its ratio to the median of
``python -c pass``, plus bytes per interaction after VACUUM (ids and indexes included) and,
when SQLite has ``dbstat``, each table's and index's share. It prints figures; it asserts
nothing.

    python bench/scale.py [--size personal|lifetime|both] [--runs 11] [--regenerate]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kinship.keys import name_key
from kinship.store import day_number, open_store

OUT = Path(__file__).resolve().parent / "out"
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


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def measure(label: str, path: Path, runs: int, script: str) -> None:
    """Print the command timings and the storage figures of one generated database."""
    size_bytes, interactions, links, parts = storage(path)
    log_db = path.with_name(f"{path.stem}-log.db")
    shutil.copyfile(path, log_db)  # ``log`` writes: keep the cached database as generated
    conn = sqlite3.connect(path)
    first_names = [
        row[0] for row in conn.execute("SELECT name FROM contacts WHERE archived = 0 ORDER BY id LIMIT 2")
    ]
    conn.close()
    as_of = AS_OF.isoformat()
    base_env = dict(
        os.environ,
        TZ="UTC",
        NO_COLOR="1",
        KINSHIP_NOW=f"{as_of}T12:00:00",
        KINSHIP_CONFIG=str(OUT / "no-config.toml"),
    )
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    env = dict(base_env, KINSHIP_DB=str(path))
    log_env = dict(base_env, KINSHIP_DB=str(log_db))
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        f"kinship review --as-of {as_of}": ([sys.executable, script, "review", "--as-of", as_of], env),
        f"kinship nudges --as-of {as_of}": ([sys.executable, script, "nudges", "--as-of", as_of], env),
        "kinship remind --dry-run": ([sys.executable, script, "remind", "--as-of", as_of, "--dry-run"], env),
        "kinship people": ([sys.executable, script, "people"], env),
        "kinship log A B --via call": (
            [sys.executable, script, "log", *first_names, "--via", "call"],
            log_env,
        ),
    }
    for command, command_env in commands.values():  # warm the caches; show a failure once
        done = subprocess.run(command, env=command_env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"  {' '.join(command[1:])} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, command_env) in commands.items():
            samples[name].append(_time(command, command_env))
    for leftover in (log_db, log_db.with_name(log_db.name + "-wal"), log_db.with_name(log_db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    base = statistics.median(samples["python -c pass"])
    print(f"\n{label}: {interactions:,} interactions, {links:,} links, as of {as_of}, {runs} runs")
    print(f"{'command':<36} {'median ms':>10} {'ratio':>7}")
    for name, times in samples.items():
        median = statistics.median(times)
        print(f"{name:<36} {median * 1000:>10.1f} {median / base:>6.2f}x")
    print(
        f"{'storage after VACUUM':<36} {size_bytes / 1e6:>9.1f}M {size_bytes / interactions:>6.1f} B/interaction"
    )
    other = 0
    for name, part in sorted(parts.items(), key=lambda item: -item[1]):
        if part / interactions < 0.5:
            other += part
            continue
        print(f"  {name:<34} {part / 1e6:>9.1f}M {part / interactions:>6.1f} B/interaction")
    if other:
        print(f"  {'everything else':<34} {other / 1e6:>9.1f}M {other / interactions:>6.1f} B/interaction")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=("personal", "lifetime", "both"), default="both")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--regenerate", action="store_true", help="make the databases again")
    parser.add_argument("--generate-only", action="store_true", help="make the databases, time nothing")
    args = parser.parse_args()
    script = shutil.which("kinship")
    if script is None:
        sys.exit("install kinship first: pip install .")
    OUT.mkdir(exist_ok=True)
    labels = ("personal", "lifetime") if args.size == "both" else (args.size,)
    for label in labels:
        size = SIZES[label]
        path = OUT / f"{label}-v{GENERATOR_VERSION}.db"
        if args.regenerate or not path.exists():
            partial = path.with_name(path.name + ".partial")
            seconds = generate(partial, size)
            os.replace(partial, path)  # an interrupted run leaves no half-made database behind
            print(
                f"generated {path.name} ({size.contacts:,} contacts, {size.interactions:,} interactions) in {seconds:.1f} s"
            )
        if not args.generate_only:
            measure(label, path, args.runs, script)


if __name__ == "__main__":
    main()
