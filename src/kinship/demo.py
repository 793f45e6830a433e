"""A realistic year of sample data for ``kinship demo``: pure, seeded, relative to a given day.

The story it tells: weekly calls with Mum, whom you wish to see in person every month, but the
last visit was 45 days ago; Ana, a close friend, seen every fortnight until two months ago; Ben,
once a climbing partner (the climbing group stopped four months ago), now only messages;
colleagues at lunch; a Thursday book club; a week just ended that was all screens; Cy's
birthday in a few days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from kinship.models import Channel


@dataclass(frozen=True)
class DemoContact:
    """A sample contact."""

    name: str
    circle: str | None
    every_days: int | None = None
    birthday: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    see_every_days: int | None = None


@dataclass(frozen=True)
class DemoInteraction:
    """A sample interaction: a local wall time, a channel and who (by name)."""

    wall: dt.datetime
    channel: Channel
    names: tuple[str, ...]
    minutes: int | None = None
    feel: int | None = None
    group: str | None = None


def demo_contacts(today: dt.date) -> list[DemoContact]:
    """Return the sample contacts; Cy's birthday falls three days after ``today``."""
    soon = today + dt.timedelta(days=3)
    return [
        DemoContact("Mum", "family", aliases=("mom",), see_every_days=30),
        DemoContact("Leo Lima", "family", every_days=30, aliases=("leo",)),
        DemoContact("Ana Lima", "friends", every_days=14, aliases=("ana",), tags=("close",)),
        DemoContact("Ben Ode", "friends", aliases=("ben",), tags=("climbing",)),
        DemoContact("Cy Park", "friends", birthday=f"--{soon:%m-%d}", aliases=("cy",)),
        DemoContact("Dee Nakamura", "friends", aliases=("dee",)),
        DemoContact("Eve Ruiz", "colleagues", aliases=("eve",)),
        DemoContact("Finn Walsh", "colleagues"),
        DemoContact("Gus Olsen", "community", tags=("book club",)),
        DemoContact("Hana Sato", "community", tags=("book club",)),
    ]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def demo_interactions(today: dt.date, seed: int = 7) -> list[DemoInteraction]:
    """Return a year of sample interactions ending the day before ``today``, oldest first."""
    rng = random.Random(seed)
    start = today - dt.timedelta(days=365)
    last_week_monday = today - dt.timedelta(days=today.weekday() + 7)
    quiet_from = last_week_monday  # the week just ended: screens only
    items: list[DemoInteraction] = []
    day = start
    while day < today:
        weekday = day.weekday()
        in_quiet_week = day >= quiet_from
        if weekday == 6:  # Sunday call with Mum
            items.append(
                DemoInteraction(_at(day, 18), Channel.CALL, ("Mum",), minutes=rng.randint(20, 50), feel=4)
            )
        last_visit = today - dt.timedelta(days=45)
        if (weekday == 5 and day.isocalendar()[1] % 3 == 0 and day < last_visit) or day == last_visit:
            items.append(
                DemoInteraction(_at(day, 13), Channel.IN_PERSON, ("Mum", "Leo Lima"), minutes=180, feel=5)
            )
        ana_active = day < today - dt.timedelta(days=60)
        if ana_active and weekday == 2 and day.isocalendar()[1] % 2 == 0:
            items.append(
                DemoInteraction(_at(day, 19, 30), Channel.IN_PERSON, ("Ana Lima",), minutes=120, feel=5)
            )
        if day < today - dt.timedelta(days=120):
            if weekday == 1 and day.isocalendar()[1] % 2 == 1:
                items.append(
                    DemoInteraction(
                        _at(day, 18), Channel.IN_PERSON, ("Ben Ode",), minutes=150, feel=4, group="climbing"
                    )
                )
        elif weekday in (0, 3) and rng.random() < 0.6:
            items.append(DemoInteraction(_at(day, 21), Channel.MESSAGE, ("Ben Ode",), feel=3))
        if weekday == 4 and rng.random() < 0.25 and not in_quiet_week:
            items.append(
                DemoInteraction(_at(day, 20), Channel.IN_PERSON, ("Cy Park", "Dee Nakamura"), minutes=180)
            )
        if weekday in (1, 3) and not in_quiet_week:
            items.append(
                DemoInteraction(_at(day, 12, 30), Channel.IN_PERSON, ("Eve Ruiz", "Finn Walsh"), minutes=45)
            )
        if weekday == 3 and day.isocalendar()[1] % 2 == 0 and not in_quiet_week:
            items.append(
                DemoInteraction(
                    _at(day, 19),
                    Channel.IN_PERSON,
                    ("Gus Olsen", "Hana Sato"),
                    minutes=90,
                    feel=4,
                    group="book club",
                )
            )
        if in_quiet_week:
            names = rng.choice([("Ana Lima",), ("Cy Park",), ("Dee Nakamura",), ("Eve Ruiz",), ("Leo Lima",)])
            items.append(DemoInteraction(_at(day, 22), Channel.MESSAGE, names, feel=2))
            items.append(DemoInteraction(_at(day, 22, 30), Channel.SOCIAL, ("Dee Nakamura",), feel=2))
        day += dt.timedelta(days=1)
    return items
