"""Heavy-tailed test data through the export contract: a kinship JSON export file (SPEC §9).

Unlike ``scale.py``'s own generator (rows written straight into SQLite, interactions in day
order, a gentle Pareto spread), this writes what any script could write for ``kinship import``:

- interactions in random time order (the file order is not the time order);
- Zipf closeness: the contact of rank r is in an interaction with probability ∝ 1/r^s, with s
  chosen so that the busiest contact has about ``busiest`` interactions (≈190,000 of 1,000,000);
- on average ≈1.19 people per interaction (one person mostly, up to three, and about 1% group
  activities with nobody linked);
- a per-contact face-to-face share, minutes, feelings, notes, group labels, and imported chat
  days with a unique source id and a message count, as real logs have.

The file has kinship's own line layout (one object a line), so ``kinship import`` streams it.

    python bench/exportgen.py OUT.json [--contacts 2000] [--interactions 1000000] [--busiest 190000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
from pathlib import Path
from typing import NamedTuple

FIRST = ("Ana", "Ben", "Cy", "Dee", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena", "Max",
         "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tao", "Uma", "Vic", "Wes", "Yara", "Zoe")  # fmt: skip
LAST = ("Lima", "Ode", "Park", "Nakamura", "Ruiz", "Walsh", "Olsen", "Sato", "Novak", "Berg", "Costa",
        "Dubois", "Evans", "Fischer", "García", "Haddad", "Ito", "Jensen", "Müller", "Søndergaard")  # fmt: skip
CIRCLES = ("family", "friends", "friends", "colleagues", "community", None, None)
GROUPS = ("book club", "climbing", "choir", "team lunch", "running club", "board games")
NOTES = ("coffee at the corner place", "long walk by the river", "talked about the new job", "quick catch-up")
DIGITAL = ("call", "video", "message", "message", "message", "email", "social")
END = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
"""The newest moment in the generated log (the benchmarks' as-of day is END's day)."""
YEARS = 10
PEOPLE_COUNTS = (1, 2, 3)
PEOPLE_WEIGHTS = (0.835, 0.135, 0.03)  # with 1% nobody (group activities): ≈1.19 people each
GROUP_ONLY_SHARE = 0.01


class Shape(NamedTuple):
    """What was generated: the figures a benchmark reports beside its timings."""

    contacts: int
    interactions: int
    links: int
    busiest: int
    exponent: float


def zipf_exponent(contacts: int, share: float) -> float:
    """Return s such that the first of ``contacts`` Zipf(s) ranks has probability ``share``."""
    low, high = 0.3, 3.0
    for _ in range(60):
        middle = (low + high) / 2
        first = 1 / sum(rank**-middle for rank in range(1, contacts + 1))
        low, high = (middle, high) if first < share else (low, middle)
    return (low + high) / 2


def _zone(moment: dt.datetime) -> dt.timezone:
    summer = 88 <= moment.timetuple().tm_yday <= 300  # roughly central European summer time
    return dt.timezone(dt.timedelta(hours=2 if summer else 1))


def write_export(
    path: Path,
    *,
    contacts: int = 2_000,
    interactions: int = 1_000_000,
    busiest: int = 190_000,
    seed: int = 13,
) -> Shape:
    """Write the export to ``path`` and return its shape."""
    rng = random.Random(f"{seed}:{contacts}:{interactions}:{busiest}")
    mean_people = sum(c * w for c, w in zip(PEOPLE_COUNTS, PEOPLE_WEIGHTS, strict=True)) * (
        1 - GROUP_ONLY_SHARE
    )
    exponent = zipf_exponent(contacts, min(0.95, busiest / (interactions * mean_people)))
    ranks = list(range(contacts))
    rng.shuffle(ranks)  # the busiest contact sits anywhere in the file
    cumulative = list(itertools.accumulate((rank + 1) ** -exponent for rank in ranks))
    ids = [rng.randbytes(16).hex() for _ in range(contacts)]
    names: list[str] = []
    taken: set[str] = set()
    for number in range(contacts):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        name = name if name not in taken else f"{name} {number}"
        taken.add(name)
        names.append(name)
    face_share = [rng.betavariate(2, 3) for _ in range(contacts)]
    start = END - dt.timedelta(days=365 * YEARS)
    span = int((END - start).total_seconds()) - 86400  # a day's margin: nothing lands after END
    counts = [0] * contacts
    links = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"kinship_export": 1, "exported_at": "2026-11-26T10:00:00+00:00", "contacts": [')
        for number in range(contacts):
            birthday = None
            if rng.random() < 0.5:
                year = str(rng.randint(1950, 2005)) if rng.random() < 0.6 else "-"
                birthday = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            contact = {
                "id": ids[number], "name": names[number], "circle": rng.choice(CIRCLES),
                "aliases": [], "tags": [rng.choice(GROUPS)] if rng.random() < 0.2 else [],
                "emails": [f"person{number}@example.org"] if rng.random() < 0.7 else [], "phones": [],
                "birthday": birthday, "every_days": rng.choice((7, 14, 30, 60)) if rng.random() < 0.08 else None,
                "note": None, "archived": rng.random() < 0.02,
                "created": (start - dt.timedelta(days=rng.randint(0, 30))).isoformat(), "source_ids": [],
            }  # fmt: skip
            out.write(("\n" if number == 0 else ",\n") + json.dumps(contact, ensure_ascii=False))
        out.write('\n], "interactions": [')
        uniform = rng.random
        choices = rng.choices
        people_count = choices(PEOPLE_COUNTS, PEOPLE_WEIGHTS, k=interactions)
        for number in range(interactions):
            moment = start + dt.timedelta(seconds=int(uniform() * span))
            local = moment.astimezone(_zone(moment))
            if local.hour < 7:  # nobody meets at four in the morning
                local = local.replace(hour=local.hour + 12)
            minutes = feel = note = group = source = messages = None
            created = local
            if uniform() < GROUP_ONLY_SHARE:
                people: list[int] = []
                channel = "in-person"
                group = GROUPS[int(uniform() * len(GROUPS))]
                minutes = 60 + int(uniform() * 120)
            else:
                wanted = people_count[number]
                people = []
                while len(people) < wanted:
                    person = choices(range(contacts), cum_weights=cumulative)[0]
                    if person not in people:
                        people.append(person)
                primary = people[0]
                channel = "in-person" if uniform() < face_share[primary] else DIGITAL[int(uniform() * 7)]
                if channel == "message" and uniform() < 0.5:
                    source = f"whatsapp:bench:{number}"
                    messages = 1 + int(uniform() * 40)
                    created = END - dt.timedelta(days=int(uniform() * 30))
                else:
                    minutes = 5 + int(uniform() * 120) if uniform() < 0.5 else None
                    feel = 1 + int(uniform() * 5) if uniform() < 0.2 else None
                    note = NOTES[int(uniform() * len(NOTES))] if uniform() < 0.1 else None
                    if channel == "in-person" and wanted == 3 and uniform() < 0.3:
                        group = GROUPS[primary % len(GROUPS)]
            for person in people:
                counts[person] += 1
            links += len(people)
            item = {
                "id": rng.randbytes(16).hex(), "when": local.isoformat(), "day": local.date().isoformat(),
                "channel": channel, "mode": "face_to_face" if channel == "in-person" else "digital",
                "people": [{"id": ids[p], "name": names[p]} for p in people],
                "minutes": minutes, "note": note, "feel": feel, "group": group,
                "source": source, "messages": messages, "created": created.isoformat(),
            }  # fmt: skip
            out.write(("\n" if number == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
        out.write('\n], "state": {"snoozes": [], "dismissals": [], "reminders": []}}\n')
    return Shape(contacts, interactions, links, max(counts), exponent)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--contacts", type=int, default=2_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--busiest", type=int, default=190_000)
    args = parser.parse_args()
    shape = write_export(
        args.out, contacts=args.contacts, interactions=args.interactions, busiest=args.busiest
    )
    print(
        f"{args.out}: {shape.contacts:,} contacts, {shape.interactions:,} interactions,"
        f" {shape.links / shape.interactions:.2f} people each, busiest {shape.busiest:,} (Zipf s={shape.exponent:.3f})"
    )


if __name__ == "__main__":
    main()
