"""The per-contact day lists (contact_days) always give the answer the links index gives.

SPEC §6 allows a cache only with a test showing the cached answer equals the computed one for any
``--as-of``: these tests change a log in every way kinship can (and behind its back, as another
tool would), then compare the two for many as-of days.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

from kinship import actions
from kinship.actions import ContactChanges, LogRequest
from kinship.models import Channel
from kinship.store import Store, open_store

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
AS_OF_DAYS = [
    NOW.date() - dt.timedelta(days=back) for back in (-400, -30, 0, 1, 6, 40, 200, 364, 365, 366, 700, 2000)
]


def assert_cache_is_exact(store: Store) -> None:
    with store.read():
        stale = store.conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0]
        assert stale == 0  # every write leaves the day lists fresh
        for as_of in AS_OF_DAYS:
            assert store.contact_summaries(as_of) == store.contact_summaries_from_links(as_of), as_of


def test_the_day_lists_follow_every_kind_of_change(tmp_path: Path) -> None:
    rng = random.Random(7)
    store = open_store(tmp_path / "kinship.db", NOW)
    names = [f"Person {number}" for number in range(8)]
    for name in names:
        actions.add_contact(store, NOW, ContactChanges(name=name))
    for round_number in range(6):
        for _ in range(40):  # log: one to three people, any channel, over three years
            people = tuple(rng.sample(names[: len(names)], rng.randint(1, 3)))
            when = NOW - dt.timedelta(days=rng.randint(0, 1100), hours=rng.randint(0, 23))
            request = LogRequest(names=people, channel=rng.choice(list(Channel)), when_text=when.isoformat())
            actions.log_interaction(store, NOW, UTC, request)
        history = actions.history(store, NOW, UTC)
        for item in rng.sample(history, 5):  # amend: move in time, change channel and people
            when = NOW - dt.timedelta(days=rng.randint(0, 900))
            actions.amend_interaction(
                store, NOW, UTC, item.id, LogRequest(channel=Channel.IN_PERSON, when_text=when.isoformat()),
                channel_given=True, add=(rng.choice(names),),
            )  # fmt: skip
        for item in rng.sample(actions.history(store, NOW, UTC), 4):
            actions.unlog_interaction(store, item.id)
        assert_cache_is_exact(store)
        if round_number == 2:
            actions.merge_contacts(store, names[0], names[1])
            names.remove(names[1])
            assert_cache_is_exact(store)
        if round_number == 4:
            doomed = actions.find_contact(store, names[-1])
            actions.forget_contact(store, doomed.id)
            names.pop()
            assert_cache_is_exact(store)
    store.close()


def test_changes_made_behind_kinships_back_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    store = open_store(path, NOW)
    actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))
    for back in (3, 10, 17, 24):
        when = (NOW - dt.timedelta(days=back)).isoformat()
        actions.log_interaction(store, NOW, UTC, LogRequest(names=("ana",), when_text=when))
    assert_cache_is_exact(store)
    store.close()
    other = sqlite3.connect(path)  # another tool (the sqlite3 shell, Datasette) deletes a link
    other.execute("DELETE FROM links WHERE day = (SELECT max(day) FROM links)")
    other.commit()
    other.close()
    store = open_store(path, NOW)
    with store.read():
        stale = store.conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0]
        assert stale == 1  # the trigger noticed
        summary = store.contact_summaries(NOW.date())[0]
        assert summary.last_day == NOW.date() - dt.timedelta(days=10)
        assert summary == store.contact_summaries_from_links(NOW.date())[0]
    with store.write():
        pass  # the next write rebuilds the list
    assert_cache_is_exact(store)
    store.close()


def test_an_older_database_gains_the_day_lists_through_a_migration_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    store = open_store(path, NOW)
    actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))
    actions.log_interaction(store, NOW, UTC, LogRequest(names=("ana",), when_text="2026-11-01"))
    store.close()
    old = sqlite3.connect(path)  # turn it back into a database from before m002
    for statement in (
        "DROP TRIGGER links_inserted",
        "DROP TRIGGER links_deleted",
        "DROP TRIGGER links_updated",
        "DROP TABLE contact_days",
        "DROP TABLE contact_days_stale",
        "DELETE FROM _sqlite_migrations WHERE name = 'm002_contact_days'",
    ):
        old.execute(statement)
    old.commit()
    old.close()
    later = NOW + dt.timedelta(hours=1)
    store = open_store(path, later)
    assert [p.name for p in tmp_path.glob("kinship.db.bak-*")] == ["kinship.db.bak-20261126T110000"]
    with store.read():
        assert store.conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0] == 1
        assert store.contact_summaries(NOW.date())[0].last_day == dt.date(2026, 11, 1)
    with store.write():
        pass
    assert_cache_is_exact(store)
    store.close()


def test_odd_rows_written_by_other_tools_never_block_a_write(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    store = open_store(path, NOW)
    for name in ("Ana Lima", "Ben Ode"):
        actions.add_contact(store, NOW, ContactChanges(name=name))
    actions.log_interaction(store, NOW, UTC, LogRequest(names=("ben",), when_text="2026-11-01"))
    solo = actions.history(store, NOW, UTC)[0]
    actions.log_interaction(store, NOW, UTC, LogRequest(names=("ana",), when_text="2026-11-02"))
    store.close()
    other = sqlite3.connect(path)  # foreign keys are off in the sqlite3 shell
    other.execute("DELETE FROM contacts WHERE name = 'Ben Ode'")
    interaction = other.execute("SELECT max(id) FROM interactions").fetchone()[0]
    other.execute("INSERT INTO links VALUES (1, 1764115200, 0, ?)", (interaction,))  # a timestamp as day
    other.commit()
    other.close()
    store = open_store(path, NOW)
    actions.unlog_interaction(store, solo.id)  # Ben's links are orphans: still fine
    actions.add_contact(store, NOW, ContactChanges(name="Cy Park"))  # Ana's odd day: still fine
    with store.read():
        stale = [row[0] for row in store.conn.execute("SELECT contact_id FROM contact_days_stale")]
        assert stale == [1]  # Ana stays on the links path; answers stay exact
        assert store.contact_summaries(NOW.date()) == store.contact_summaries_from_links(NOW.date())
    store.close()
