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
from kinship.models import Channel, ContactSummary
from kinship.store import Store, day_number, open_store

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
AS_OF_DAYS = [
    NOW.date() - dt.timedelta(days=back) for back in (-400, -30, 0, 1, 6, 40, 200, 364, 365, 366, 700, 2000)
]


def cached_summaries(store: Store, as_of: dt.date) -> list[ContactSummary]:
    """Return the summaries read from the day lists, failing if the read fell back to the links."""

    def no_fallback(*args: object, **kwargs: object) -> list[ContactSummary]:
        raise AssertionError("the day lists were not used: the read fell back to the links")

    store.contact_summaries_from_links = no_fallback  # type: ignore[method-assign]
    try:
        return store.contact_summaries(as_of)
    finally:
        del store.contact_summaries_from_links


def assert_cache_is_exact(store: Store) -> None:
    with store.read():
        stale = store.conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0]
        assert stale == 0  # every write leaves the day lists fresh
        for as_of in AS_OF_DAYS:
            assert cached_summaries(store, as_of) == store.contact_summaries_from_links(as_of), as_of


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
    """Return a contact's stored day lists in one: day * 2 + 1 for a day met face to face, else
    day * 2 (``day`` counted from 1970, as ``links`` keeps it)."""
    row = store.conn.execute(
        "SELECT d.day_count, d.face_count, d.lists FROM contact_days d JOIN contacts c ON c.id = d.contact_id"
        " WHERE c.name = ?",
        (name,),
    ).fetchone()
    if row is None:
        return []
    day_count, face_count, lists = row
    values = list(memoryview(lists).cast("i"))
    assert len(values) == 2 * day_count + face_count
    days, face = values[:day_count], values[day_count : day_count + face_count]
    assert set(face) <= set(days) and face == sorted(face) and days == sorted(set(days))
    assert min(values[day_count + face_count :]) >= 0  # digital interactions per day
    epoch = dt.date(1970, 1, 1).toordinal()
    return [(day - epoch) * 2 + (day in face) for day in days]


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
        "DELETE FROM _sqlite_migrations WHERE name IN ('m002_contact_days', 'm006_contact_days_digital')",
    ):
        old.execute(statement)
    old.commit()
    old.close()
    later = NOW + dt.timedelta(hours=1)
    store = open_store(path, later)
    assert [p.name for p in tmp_path.glob("kinship.db.bak-*")] == ["kinship.db.bak-20261126T110000"]
    with store.read():  # the migration built the lists under its own lock: the first read uses them
        assert store.conn.execute("SELECT count(*) FROM contact_days").fetchone()[0] == 1
        assert cached_summaries(store, NOW.date())[0].last_day == dt.date(2026, 11, 1)
    assert_cache_is_exact(store)
    store.close()


def test_m006_adds_the_digital_counts_to_every_day_list_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "kinship.db"
    store = open_store(path, NOW)
    for name in ("Ana Lima", "Ben Ode", "Cy Park"):
        actions.add_contact(store, NOW, ContactChanges(name=name))
    for names, when, via in [
        (("ana", "ben"), "2026-10-01 09:00", Channel.IN_PERSON),
        (("ana",), "2026-10-01 20:00", Channel.CALL),
        (("ana",), "2026-10-03", Channel.MESSAGE),
        (("ana",), "2026-10-03 21:00", Channel.MESSAGE),
        (("ben",), "2026-11-02", Channel.EMAIL),
        (("cy",), "2026-11-03", Channel.IN_PERSON),
    ]:
        actions.log_interaction(store, NOW, UTC, LogRequest(names=names, when_text=when, channel=via))
    with store.read():
        expected = store.contact_summaries_from_links(NOW.date())
    store.close()
    old = sqlite3.connect(path)  # turn it back into a database from before m006, with m002's lists
    for statement in (
        "DROP TABLE contact_days",
        "CREATE TABLE contact_days (contact_id INTEGER PRIMARY KEY REFERENCES contacts(id)"
        " ON DELETE CASCADE, codes BLOB NOT NULL)",
        "INSERT INTO contact_days SELECT contact_id, x'01000000' FROM links GROUP BY contact_id",
        "DELETE FROM _sqlite_migrations WHERE name = 'm006_contact_days_digital'",
    ):
        old.execute(statement)
    old.commit()
    old.close()
    store = open_store(path, NOW + dt.timedelta(hours=1))
    assert [p.name for p in tmp_path.glob("kinship.db.bak-*")] == ["kinship.db.bak-20261126T110000"]
    with store.read():
        assert store.conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0] == 0
        summaries = cached_summaries(store, NOW.date())
    assert summaries == expected
    ana = summaries[0]
    assert ana.contact.name == "Ana Lima"
    assert ana.last_face_to_face_day == dt.date(2026, 10, 1)
    assert ana.digital_since_face_to_face == 2  # the two messages of 3 October; not the call of the 1st
    assert ana.days == (dt.date(2026, 10, 1).toordinal(), dt.date(2026, 10, 3).toordinal())
    assert ana.face_to_face_days == (dt.date(2026, 10, 1).toordinal(),)
    assert summaries[1].digital_since_face_to_face == 1  # Ben: the email after the meeting
    assert summaries[2].digital_since_face_to_face == 0
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
            conn.execute("UPDATE contact_days SET lists = ? WHERE contact_id = ?", (blob, rowid))
    conn.close()
    for command in (["people", "--json"], ["nudges"], ["review"], ["show", "ana"]):
        result = ok(*command)
        assert "Traceback" not in result.output
    assert ok("people", "--json").stdout == before
    ok("log", "ana", "ben", "--when", "2026-11-21 12:00")  # a write rebuilds the damaged lists
    before = ok("people", "--json").stdout
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM contact_days_stale").fetchone()[0] == 0
    assert conn.execute("SELECT min(day_count) FROM contact_days").fetchone()[0] == 5
    conn.close()
    damaged_lists = [  # lists that are not the size their counts say, or counts that cannot be
        ("lists", b"\x01\x02"),
        ("lists", b"\x00\x00\x00\x00" * 14),  # five days, face-to-face on five, digital: one too few
        ("day_count", 0),
        ("face_count", 6),
        ("face_count", -1),
        ("day_count", "five"),
    ]
    conn = sqlite3.connect(db_path)
    good = conn.execute("SELECT contact_id, day_count, face_count, lists FROM contact_days").fetchall()
    conn.close()
    for column, blob in damaged_lists:
        conn = sqlite3.connect(db_path)
        with conn:
            conn.executemany("REPLACE INTO contact_days VALUES (?, ?, ?, ?)", good)
            conn.execute(f"UPDATE contact_days SET {column} = ?", (blob,))
        conn.close()
        for command in (["people", "--json"], ["nudges"]):
            assert "Traceback" not in ok(*command).output
        assert ok("people", "--json").stdout == before
    for command in (["people", "--json"], ["nudges"], ["review"], ["show", "ana"]):
        result = ok(*command)
        assert "Traceback" not in result.output
    assert ok("people", "--json").stdout == before
