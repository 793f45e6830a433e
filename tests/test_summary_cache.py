"""The per-contact day lists (contact_days) always give the answer the links index gives.

SPEC §6 allows a cache only with a test showing the cached answer equals the computed one for any
``--as-of``: these tests change a log in every way kinship can (and behind its back, as another
tool would), then compare the two for many as-of days.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kinship import actions, transfer
from kinship.actions import ContactChanges, LogRequest
from kinship.models import Channel
from kinship.store import Store, day_number, open_store

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


def full_rebuilds(store: Store, write: Callable[[], object]) -> int:
    """Return how many day lists ``write`` rebuilt from every link (rather than patched)."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        write()
    finally:
        store.conn.set_trace_callback(None)
    return sum("GROUP BY day ORDER BY day" in sql for sql in seen)


def day_codes(store: Store, name: str) -> list[int]:
    """Return a contact's stored day list: day * 2 + 1 for a day met face to face, else day * 2."""
    row = store.conn.execute(
        "SELECT d.codes FROM contact_days d JOIN contacts c ON c.id = d.contact_id WHERE c.name = ?", (name,)
    ).fetchone()
    return [] if row is None else list(memoryview(row[0]).cast("i"))


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
        for item in rng.sample(actions.history(store, NOW, UTC), 3):  # amend: people leave
            if len(item.people) > 1:
                actions.amend_interaction(
                    store, NOW, UTC, item.id, LogRequest(), channel_given=False, remove=(item.people[0].name,)
                )
        actions.log_interaction(store, NOW, UTC, LogRequest(names=(rng.choice(names),), channel=Channel.CALL))
        actions.undo_last(store)
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


def test_everyday_writes_patch_the_touched_days_and_stay_exact(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kinship.db", NOW)
    for name in ("Ana Lima", "Ben Ode", "Cy Park"):
        actions.add_contact(store, NOW, ContactChanges(name=name))
    for back in range(0, 300, 3):  # a long history for Ana: rebuilding it would read every link
        when = (NOW - dt.timedelta(days=back)).isoformat()
        actions.log_interaction(
            store, NOW, UTC, LogRequest(names=("ana",), channel=Channel.CALL, when_text=when)
        )
    assert_cache_is_exact(store)
    day = day_number(NOW.date()) - 30

    def log(names: tuple[str, ...], channel: Channel, back_days: int) -> str:
        when = (NOW - dt.timedelta(days=back_days, hours=1)).isoformat()
        return actions.log_interaction(
            store, NOW, UTC, LogRequest(names=names, channel=channel, when_text=when)
        ).id

    met: list[str] = []
    writes: list[tuple[str, Callable[[], object]]] = [
        ("a face-to-face meeting on a day that had only a call", lambda: met.append(log(("ana", "ben"), Channel.IN_PERSON, 30))),
        ("a new day in the past, between two days", lambda: log(("ana",), Channel.VIDEO, 31)),
        ("a day after every other", lambda: log(("ana", "cy"), Channel.MESSAGE, -0)),
        ("the day's only meeting undone", lambda: actions.unlog_interaction(store, met[0])),
        ("a call moved to another day", lambda: actions.amend_interaction(
            store, NOW, UTC, actions.history(store, NOW, UTC, name="ana", limit=1)[0].id,
            LogRequest(when_text=(NOW - dt.timedelta(days=500)).isoformat()), channel_given=False,
        )),
        ("a person added and one removed", lambda: actions.amend_interaction(
            store, NOW, UTC, actions.history(store, NOW, UTC, name="cy", limit=1)[0].id,
            LogRequest(), channel_given=False, add=("ben",), remove=("cy",),
        )),
        ("the last log undone", lambda: (log(("ana",), Channel.IN_PERSON, 200), actions.undo_last(store))),
    ]  # fmt: skip
    for what, write in writes:
        assert full_rebuilds(store, write) == 0, what
        assert_cache_is_exact(store)
    codes = day_codes(store, "Ana Lima")
    assert day * 2 in codes and day * 2 + 1 not in codes  # the meeting came and went: a call day again
    assert (day - 1) * 2 in codes
    assert day_codes(store, "Cy Park") == []  # Cy's only interaction was taken away from them
    store.close()


def test_merge_forget_and_import_keep_the_day_lists_exact(tmp_path: Path) -> None:
    source = open_store(tmp_path / "source.db", NOW)
    for name in ("Ana Lima", "Ben Ode", "Dee Sato"):
        actions.add_contact(source, NOW, ContactChanges(name=name))
    rng = random.Random(3)
    for _ in range(120):
        people = tuple(rng.sample(["ana", "ben", "dee"], rng.randint(1, 2)))
        when = (NOW - dt.timedelta(days=rng.randint(0, 800), hours=rng.randint(0, 23))).isoformat()
        request = LogRequest(names=people, channel=rng.choice(list(Channel)), when_text=when)
        actions.log_interaction(source, NOW, UTC, request)
    export = tmp_path / "export.json"
    with open(export, "w", encoding="utf-8") as out:
        transfer.write_json_export(source, NOW, out)
    source.close()
    store = open_store(tmp_path / "kinship.db", NOW)
    actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))  # the import joins her
    actions.log_interaction(store, NOW, UTC, LogRequest(names=("ana",), when_text="2026-01-05T10:00"))
    transfer.import_files(store, NOW, UTC, [export])
    assert_cache_is_exact(store)
    actions.add_contact(store, NOW, ContactChanges(name="Ben Ode Jr"))
    actions.log_interaction(store, NOW, UTC, LogRequest(names=("ben ode jr",), when_text="2026-01-05T12:00"))
    actions.merge_contacts(store, "Ben Ode", "Ben Ode Jr")
    assert_cache_is_exact(store)
    actions.forget_contact(store, actions.find_contact(store, "dee").id)
    assert_cache_is_exact(store)
    store.close()


def test_links_removed_by_a_cascade_are_patched_too(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kinship.db", NOW)
    actions.add_contact(store, NOW, ContactChanges(name="Ana Lima"))
    for back in (3, 10):
        when = (NOW - dt.timedelta(days=back)).isoformat()
        actions.log_interaction(store, NOW, UTC, LogRequest(names=("ana",), when_text=when))

    def delete_the_newest_interaction_row() -> None:  # as any future store method might
        with store.write():
            store.conn.execute("DELETE FROM interactions WHERE id = (SELECT max(id) FROM interactions)")

    assert full_rebuilds(store, delete_the_newest_interaction_row) == 0
    assert day_codes(store, "Ana Lima") == [(day_number(NOW.date()) - 3) * 2 + 1]
    assert_cache_is_exact(store)
    store.close()


def test_undo_and_redo_of_any_change_keep_the_day_lists_exact(tmp_path: Path) -> None:
    from kinship import history_actions

    store = open_store(tmp_path / "kinship.db", NOW)
    for name in ("Ana Lima", "Ben Ode", "Ben Ode Jr"):
        actions.add_contact(store, NOW, ContactChanges(name=name))
    for back in range(0, 200, 7):
        when = (NOW - dt.timedelta(days=back)).isoformat()
        people = ("ana", "ben ode") if back % 2 else ("ana", "ben ode jr")
        actions.log_interaction(store, NOW, UTC, LogRequest(names=people, when_text=when))
    newest = actions.history(store, NOW, UTC, limit=1)[0]
    actions.amend_interaction(
        store,
        NOW,
        UTC,
        newest.id,
        LogRequest(when_text="2026-01-02T10:00"),
        channel_given=False,
        remove=("ana",),
    )
    actions.merge_contacts(store, "Ben Ode", "Ben Ode Jr")
    actions.forget_contact(store, actions.find_contact(store, "ben ode").id)
    assert_cache_is_exact(store)
    for _ in range(3):  # the forget, the merge, the amend
        history_actions.undo(store)
        assert_cache_is_exact(store)
    assert full_rebuilds(store, lambda: history_actions.undo(store)) == 0  # the last log, patched
    assert_cache_is_exact(store)
    for _ in range(2):
        history_actions.redo(store)
        assert_cache_is_exact(store)
    store.close()


def test_a_damaged_day_list_is_read_from_the_links_instead(db_path: Path) -> None:
    """Bytes flipped inside a cached list (invisible to SQLite's integrity check) never crash a read."""
    from tests.conftest import ok

    ok("add", "Ana Lima", "--circle", "friends")
    ok("add", "Ben Ode", "--circle", "friends")
    for day in ("2026-10-01", "2026-10-15", "2026-11-01", "2026-11-20"):
        ok("log", "ana", "ben", "--when", f"{day} 12:00")
    before = ok("people", "--json").stdout
    conn = sqlite3.connect(db_path)
    with conn:
        damaged = [b"\x01\x02\x03", b"\x00\x00\x00\x80\x05"]  # torn: not a whole number of codes
        for rowid, blob in zip(
            [row[0] for row in conn.execute("SELECT contact_id FROM contact_days")], damaged, strict=True
        ):
            conn.execute("UPDATE contact_days SET codes = ? WHERE contact_id = ?", (blob, rowid))
    conn.close()
    for command in (["people", "--json"], ["nudges"], ["review"], ["show", "ana"]):
        result = ok(*command)
        assert "Traceback" not in result.output
    assert ok("people", "--json").stdout == before
