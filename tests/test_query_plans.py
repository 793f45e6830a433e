"""The reads behind nudges, review, people and history stay off full scans, and stay exact.

A seeded database of a few thousand interactions is read through the real ``Store`` and
``actions`` functions while ``set_trace_callback`` records every statement; each one is then
run under ``EXPLAIN QUERY PLAN``. A full ``SCAN`` of ``interactions`` or ``links`` would make
these commands cost seconds at a million rows, so none may appear (the small ``contacts``
table may be scanned). The planner has no statistics here (kinship never runs ANALYZE), so the
plans are the ones a database of any size gets.

The same database checks that the SQL summaries equal a brute-force computation over every
row, for several as-of days, so an optimisation can never change what the engine sees.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kinship import actions, dates, engine, review
from kinship.errors import UsageError
from kinship.keys import name_key
from kinship.models import Channel, ContactRef, ContactSummary, GroupSummary, Settings, WeekCount
from kinship.store import Store, day_from_number, day_number, open_store

NOW = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
AS_OF_DAYS = (
    dt.date(2026, 11, 26),  # the last day with data
    dt.date(2026, 8, 2),  # a Sunday, inside the data
    dt.date(2025, 12, 31),
    dt.date(2025, 1, 20),  # early: little history yet, most rows lie after it
    dt.date(2024, 6, 1),  # before any interaction
)
CHANNELS = (Channel.IN_PERSON, Channel.IN_PERSON, Channel.CALL, Channel.VIDEO, Channel.MESSAGE, Channel.EMAIL)
WRAPPERS = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")


def _seed(store: Store, rng: random.Random) -> None:
    """Write 60 contacts and about 3,000 interactions over two years, with the awkward cases."""
    start = day_number(dt.date(2024, 11, 26))
    with store.write():
        rowids = []
        for index in range(60):
            rowids.append(
                store.insert_contact(
                    name=f"Person {index}",
                    name_key=f"person {index}",
                    created=NOW - dt.timedelta(days=800),
                    circle=("family", "friends", "colleagues", "community", None)[index % 5],
                    every_days=21 if index % 11 == 0 else None,
                    birthday=f"--{1 + index % 12:02d}-{1 + index % 28:02d}" if index % 3 == 0 else None,
                    archived=index == 7,
                    see_every_days=45 if index % 4 == 1 else None,
                )
            )
        # contact 0 never meets anyone; contact 1 is digital only; contact 2 was last met in person
        # long before the window; the last three contacts have no interaction at all
        active = rowids[:-3]
        for _ in range(3_000):
            day = start + rng.randrange(731)
            person = rng.choice(active)
            if rng.random() < 0.03:
                people: list[int] = []  # a group activity with nobody linked
            else:
                people = [person, *rng.sample(active, rng.choice((0, 0, 0, 1, 2)))]
            channel = rng.choice(CHANNELS)
            if rowids[1] in people:
                channel = Channel.MESSAGE
            if rowids[2] in people and channel is Channel.IN_PERSON and day > start + 200:
                channel = Channel.CALL
            when = dt.datetime.combine(day_from_number(day), dt.time(rng.randrange(24), rng.randrange(60)))
            zoned = when.replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))
            store.insert_interaction(
                when=zoned,
                day=when.date(),
                channel=channel,
                contact_rowids=sorted(set(people)),
                created=zoned,
                group="board games" if not people else ("Choir", "choir", None, None)[rng.randrange(4)],
                minutes=rng.choice((None, 30, 90)),
                feel=rng.choice((None, None, 2, 4)),
            )
        before_1970 = dt.datetime(1969, 12, 30, 12, tzinfo=dt.UTC)  # a negative day number
        store.insert_interaction(
            when=before_1970,
            day=before_1970.date(),
            channel=Channel.CALL,
            contact_rowids=[rowids[1]],
            created=NOW,
        )
        store.add_nudge_state(
            kind="snooze",
            made_at=NOW - dt.timedelta(days=30),
            made_day=dt.date(2026, 10, 27),
            contact_rowid=rowids[5],
            until_day=dt.date(2026, 12, 1),
        )
        store.add_nudge_state(
            kind="dismiss", made_at=NOW, made_day=dt.date(2026, 1, 1), key="isolation:2025-12-1"
        )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A seeded store shared by this module's tests (they only read)."""
    path = Path(tmp_path_factory.mktemp("plans")) / "kinship.db"
    opened = open_store(path, NOW)
    _seed(opened, random.Random(7))
    yield opened
    opened.close()


def _statements(store: Store, action: Callable[[], object]) -> list[str]:
    """Return the SQL statements ``action`` runs, with their parameters bound."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return [sql for sql in seen if not sql.lstrip().upper().startswith(WRAPPERS)]


def _scanned_big_tables(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Return the plan lines that scan interactions or links (by name or by alias)."""
    names = {"interactions", "links"}
    for alias in re.findall(r"\b(?:interactions|links)\s+(?:AS\s+)?([a-z_]\w*)", sql, flags=re.IGNORECASE):
        if alias.upper() not in {"WHERE", "JOIN", "ON", "ORDER", "GROUP", "LIMIT", "LEFT", "INNER", "USING"}:
            names.add(alias)
    scans = []
    for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        detail = str(row[3])
        match = re.match(r"SCAN (\w+)", detail)
        if match and match.group(1) in names:
            scans.append(detail)
    return scans


SETTINGS = Settings()
AS_OF = AS_OF_DAYS[0]
READS: dict[str, Callable[[Store], object]] = {
    "nudges": lambda store: actions.nudges(store, SETTINGS, AS_OF),
    "nudges --hidden": lambda store: actions.hidden_nudges(store, SETTINGS, AS_OF),
    "groups": lambda store: actions.groups(store, SETTINGS, AS_OF),
    "review --week this": lambda store: actions.weekly_review(store, SETTINGS, AS_OF, "this"),
    "remind --dry-run": lambda store: actions.remind(store, SETTINGS, NOW, AS_OF, dry_run=True),
    "review": lambda store: actions.weekly_review(store, SETTINGS, AS_OF),
    "review --week": lambda store: actions.weekly_review(store, SETTINGS, AS_OF, "2026-W10"),
    "people": lambda store: actions.people(store, SETTINGS, AS_OF),
    "show": lambda store: actions.show_contact(store, SETTINGS, AS_OF, "Person 4"),
    "history NAME": lambda store: actions.history(store, NOW, dt.UTC, name="Person 4", limit=20),
    "history --since": lambda store: actions.history(store, NOW, dt.UTC, since_text="2026-11-01"),
}


@pytest.mark.parametrize("command", sorted(READS))
def test_command_reads_use_indexes_not_full_scans(store: Store, command: str) -> None:
    statements = _statements(store, lambda: READS[command](store))
    assert statements, "the trace callback saw no SQL"
    offending = {sql: _scanned_big_tables(store.conn, sql) for sql in statements}
    assert {sql: scans for sql, scans in offending.items() if scans} == {}


def test_merge_counts_what_moves_from_the_links_key_alone(store: Store) -> None:
    """``merge`` confirms with the number of interactions that move: counted from the links'
    primary key, never by reading the duplicate's history (100,000 rows for a busy contact)."""
    contact = actions.find_contact(store, "Person 4")
    statements = _statements(store, lambda: actions.interaction_count(store, contact.id))
    assert all(" interactions" not in sql for sql in statements)
    assert {sql: _scanned_big_tables(store.conn, sql) for sql in statements} == {
        sql: [] for sql in statements
    }
    whole = actions.history(store, NOW, dt.UTC, name="Person 4", limit=None)
    assert actions.interaction_count(store, contact.id) == len(whole) > 0


def test_history_without_filters_walks_the_day_index_and_stops_at_the_limit(store: Store) -> None:
    """`kinship history` (20 rows in a table) reads the newest days of ix_interactions_day only.

    Its plan says SCAN, for it walks the index from the newest day; with LIMIT it stops after
    the rows it needs, which the count of executed VM instructions shows.
    """
    statements = _statements(store, lambda: actions.history(store, NOW, dt.UTC, limit=20))
    main = [sql for sql in statements if "FROM interactions i" in sql and "LIMIT" in sql]
    assert len(main) == 1
    plan = [str(row[3]) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {main[0]}")]
    assert any(line.startswith("SCAN i USING INDEX ix_interactions_day") for line in plan), plan
    assert not any("TEMP B-TREE FOR ORDER BY" in line for line in plan), plan

    def instructions(limit: int | None) -> int:
        count = [0]

        def tick() -> int:
            count[0] += 1
            return 0

        store.conn.set_progress_handler(tick, 100)
        try:
            store.history(limit=limit)
        finally:
            store.conn.set_progress_handler(None, 100)
        return count[0]

    assert instructions(20) * 20 < instructions(None)


def test_show_summarises_only_its_contact_and_stops_its_timeline_at_the_limit(store: Store) -> None:
    """`kinship show` of the busiest contact costs what showing anyone else does."""
    statements = _statements(store, lambda: actions.show_contact(store, SETTINGS, AS_OF, "Person 4", limit=5))
    summaries = [sql for sql in statements if "group_concat" in sql or "contact_days d" in sql]
    assert summaries and all("WHERE c.id = " in sql for sql in summaries)
    row, timeline = actions.show_contact(store, SETTINGS, AS_OF, "Person 4", limit=5)
    everyone = {person.contact.id: person for person in actions.people(store, SETTINGS, AS_OF)}
    assert row.time_together is not None  # only show adds the time together; the rest is people's row
    assert row._replace(time_together=None) == everyone[row.contact.id]
    assert timeline == actions.history(store, NOW, dt.UTC, name="Person 4", limit=5)
    assert len(timeline) == 5
    _, whole = actions.show_contact(store, SETTINGS, AS_OF, "Person 4")
    assert whole[:5] == timeline and len(whole) > 5
    with pytest.raises(UsageError):
        actions.show_contact(store, SETTINGS, AS_OF, "Person 4", limit=0)


# ---- the summaries are exact ------------------------------------------------------------------


def _all_links(store: Store) -> list[tuple[int, int, int]]:
    return [tuple(row) for row in store.conn.execute("SELECT contact_id, day, channel FROM links")]


def brute_summaries(store: Store, as_of: dt.date, window_days: int = 365) -> list[ContactSummary]:
    """Return the summaries by reading every link into Python (the definition, not the speed)."""
    end = day_number(as_of)
    start = end - window_days
    links = _all_links(store)
    summaries = []
    for rowid, uid, name, circle, every, birthday, archived, created, see_every in store.conn.execute(
        "SELECT id, uid, name, circle, every_days, birthday, archived, created, see_every_days"
        " FROM contacts ORDER BY id"
    ):
        own = [(day, channel) for contact, day, channel in links if contact == rowid and day <= end]
        face = [day for day, channel in own if channel == 0]
        last_face = max(face) if face else None
        digital = sum(1 for day, channel in own if channel != 0 and (last_face is None or day > last_face))
        summaries.append(
            ContactSummary(
                contact=ContactRef(uid, name),
                circle=circle,
                every_days=every,
                birthday=birthday,
                archived=bool(archived),
                created_day=dt.datetime.fromtimestamp(created, dt.UTC).date(),
                days=tuple(
                    day_from_number(day).toordinal() for day in sorted({day for day, _ in own if day > start})
                ),
                face_to_face_days=tuple(
                    day_from_number(day).toordinal() for day in sorted({d for d in face if d > start})
                ),
                last_day=day_from_number(max(day for day, _ in own)) if own else None,
                last_face_to_face_day=None if last_face is None else day_from_number(last_face),
                digital_since_face_to_face=digital,
                see_every_days=see_every,
            )
        )
    return summaries


def brute_groups(store: Store, as_of: dt.date, window_days: int = 365) -> list[GroupSummary]:
    """Return the group summaries by reading every interaction into Python."""
    end = day_number(as_of)
    met: dict[str, list[tuple[int, str]]] = {}
    for label, day in store.conn.execute("SELECT group_label, day FROM interactions NOT INDEXED"):
        if label is not None and day <= end:
            met.setdefault(name_key(label), []).append((day, label))
    return [
        GroupSummary(
            key,
            max(met[key])[1],
            tuple(
                day_from_number(day)
                for day in sorted({day for day, _ in met[key] if day > end - window_days})
            ),
            day_from_number(max(met[key])[0]),
        )
        for key in sorted(met)
    ]


def brute_week_counts(store: Store, first: dt.date, last: dt.date) -> dict[str, WeekCount]:
    """Return the week counts by reading every interaction into Python."""
    weeks: dict[str, list[int]] = {}
    for day, channel in sorted(store.conn.execute("SELECT day, channel FROM interactions")):
        if day_number(first) <= day <= day_number(last):
            year, week, _ = day_from_number(day).isocalendar()
            pair = weeks.setdefault(f"{year}-W{week:02d}", [0, 0])
            pair[0 if channel == 0 else 1] += 1
    return {week: WeekCount(week, face, digital) for week, (face, digital) in weeks.items()}


def brute_last_face_to_face(store: Store, as_of: dt.date) -> dt.date | None:
    days = [
        day for day, channel in store.conn.execute("SELECT day, channel FROM interactions") if channel == 0
    ]
    eligible = [day for day in days if day <= day_number(as_of)]
    return day_from_number(max(eligible)) if eligible else None


def brute_first_days(store: Store, uids: list[str]) -> dict[str, dt.date]:
    first: dict[int, int] = {}
    for contact, day, _ in _all_links(store):
        first[contact] = min(day, first.get(contact, day))
    rowids = dict(store.conn.execute("SELECT uid, id FROM contacts").fetchall())
    return {uid: day_from_number(first[rowids[uid]]) for uid in uids if rowids.get(uid) in first}


@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
def test_contact_summaries_equal_a_brute_force_count(store: Store, as_of: dt.date) -> None:
    with store.read():
        computed = store.contact_summaries(as_of)
    assert computed == brute_summaries(store, as_of)


@pytest.mark.parametrize("window_days", [1, 30, 400])
def test_contact_summaries_honour_other_windows(store: Store, window_days: int) -> None:
    with store.read():
        computed = store.contact_summaries(AS_OF, window_days=window_days)
    assert computed == brute_summaries(store, AS_OF, window_days)


def test_seed_holds_the_awkward_cases(store: Store) -> None:
    summaries = {summary.contact.name: summary for summary in brute_summaries(store, AS_OF)}
    assert summaries["Person 1"].last_face_to_face_day is None
    assert summaries["Person 1"].digital_since_face_to_face > 0
    assert summaries["Person 59"].last_day is None
    assert any(
        s.last_face_to_face_day and s.last_face_to_face_day < AS_OF - dt.timedelta(days=365)
        for s in summaries.values()
    )


@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
def test_week_counts_last_face_to_face_and_first_days_equal_brute_force(store: Store, as_of: dt.date) -> None:
    first = as_of - dt.timedelta(days=90)
    uids = [uid for (uid,) in store.conn.execute("SELECT uid FROM contacts ORDER BY name_key DESC")]
    with store.read():
        assert store.week_counts(first, as_of) == brute_week_counts(store, first, as_of)
        assert store.last_face_to_face_day(as_of) == brute_last_face_to_face(store, as_of)
        found = store.first_days(uids)
    expected = brute_first_days(store, uids)
    assert found == expected
    assert list(found) == list(expected)  # in the order asked


def _or_minus(value: int | None) -> int:
    return -1 if value is None else value


@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
def test_week_items_equal_a_brute_force_read_of_every_row(store: Store, as_of: dt.date) -> None:
    """The review's lean read (plain columns, one join) holds what the whole interactions hold."""
    first = as_of - dt.timedelta(days=6)
    names = dict(store.conn.execute("SELECT id, uid || ' ' || name FROM contacts"))
    people: dict[int, list[str]] = {}
    for interaction_id, contact_id in store.conn.execute(
        "SELECT interaction_id, contact_id FROM links NOT INDEXED"
    ):
        people.setdefault(interaction_id, []).append(names[contact_id])
    expected = sorted(
        (channel == 0, _or_minus(minutes), _or_minus(feel), group or "", sorted(people.get(rowid, [])))
        for rowid, channel, minutes, feel, group in store.conn.execute(
            "SELECT id, channel, minutes, feel, group_label FROM interactions NOT INDEXED WHERE day BETWEEN ? AND ?",
            (day_number(first), day_number(as_of)),
        )
    )
    with store.read():
        items = store.week_items(first, as_of)
        whole = review.week_items(store.interactions_between(first, as_of))
    found = sorted(
        (face, _or_minus(minutes), _or_minus(feel), group or "", sorted(f"{p.id} {p.name}" for p in refs))
        for face, minutes, feel, group, refs in items
    )
    assert found == expected
    assert sorted(found) == sorted(
        (face, _or_minus(minutes), _or_minus(feel), group or "", sorted(f"{p.id} {p.name}" for p in refs))
        for face, minutes, feel, group, refs in whole
    )


@pytest.mark.parametrize("as_of", AS_OF_DAYS[:4], ids=str)
def test_nudges_equal_the_engine_on_brute_force_inputs(store: Store, as_of: dt.date) -> None:
    weeks = dates.weeks_back(dates.last_ended_week(as_of), SETTINGS.baseline_weeks + 1)
    with store.read():
        state = store.nudge_state()
    counts = brute_week_counts(
        store, dates.week_start(weeks[0]), dates.week_start(weeks[-1]) + dt.timedelta(days=6)
    )
    groups = brute_groups(store, as_of)
    assert actions.group_summaries(store, as_of) == groups
    candidates = engine.candidate_nudges(
        brute_summaries(store, as_of), counts, brute_last_face_to_face(store, as_of), SETTINGS, as_of, groups
    )
    expected = engine.nudge_board(candidates, state, as_of)
    assert actions.nudges(store, SETTINGS, as_of) == expected.nudges
    assert actions.hidden_nudges(store, SETTINGS, as_of) == expected.hidden


@pytest.mark.parametrize(
    ("as_of", "week", "settings"),
    [
        (dt.date(2026, 11, 26), None, SETTINGS),  # a Thursday: the week before
        (dt.date(2026, 8, 2), None, SETTINGS),  # a Sunday: the week ending that day
        (dt.date(2026, 11, 26), "2026-W48", SETTINGS),  # the week still running
        (dt.date(2026, 11, 26), "2025-W50", SETTINGS),
        (dt.date(2026, 11, 26), None, Settings(baseline_weeks=14)),  # baseline longer than the trend
    ],
)
def test_review_equals_the_review_of_brute_force_inputs(
    store: Store, as_of: dt.date, week: str | None, settings: Settings
) -> None:
    chosen = dates.last_ended_week(as_of) if week is None else week
    start = dates.week_start(chosen)
    last_day = min(start + dt.timedelta(days=6), as_of)
    trend_weeks = dates.weeks_back(chosen, max(12, settings.baseline_weeks + 1))
    nudge_weeks = dates.weeks_back(dates.last_ended_week(last_day), settings.baseline_weeks + 1)
    with store.read():
        interactions = store.interactions_between(start, last_day)
        state = store.nudge_state()
    people_ids = sorted({person.id for item in interactions for person in item.people})
    summaries = brute_summaries(store, last_day)
    candidates = engine.candidate_nudges(
        summaries,
        brute_week_counts(
            store, dates.week_start(nudge_weeks[0]), dates.week_start(nudge_weeks[-1]) + dt.timedelta(days=6)
        ),
        brute_last_face_to_face(store, last_day),
        settings,
        last_day,
        brute_groups(store, last_day),
    )
    in_force = engine.nudge_board(candidates, state, last_day).nudges
    with store.read():
        log_start = min(day for (day,) in store.conn.execute("SELECT day FROM interactions NOT INDEXED"))
    expected = review.build_review(
        chosen,
        interactions,
        brute_week_counts(store, dates.week_start(trend_weeks[0]), last_day),
        {s.contact.id: s.circle for s in summaries if s.contact.id in people_ids},
        brute_first_days(store, people_ids),
        in_force,
        settings,
        as_of=last_day,
        log_start=day_from_number(log_start),
    )
    assert actions.weekly_review(store, settings, as_of, week) == expected
