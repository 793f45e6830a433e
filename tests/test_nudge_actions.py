"""Acting on nudges through a real database: handles, snooze/dismiss and taking them back, the
hidden list, reminder digests replayed over a quarter, groups, in-person wishes, time together."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinship import actions, engine
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import AmbiguousError, NotFoundError
from kinship.keys import name_key
from kinship.models import Channel, Settings
from kinship.store import Store, open_store

ZONE = dt.timezone(dt.timedelta(hours=1))
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()
SETTINGS = Settings()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "kinship.db", NOW - dt.timedelta(days=400))
    yield opened
    opened.close()


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def add(store: Store, name: str, *, at: dt.datetime = NOW - dt.timedelta(days=400), **fields: object) -> None:
    actions.add_contact(store, at, ContactChanges(name=name, **fields))  # type: ignore[arg-type]


def log(store: Store, day: dt.date, *names: str, via: Channel = Channel.IN_PERSON, **extra: object) -> None:
    when = dt.datetime.combine(day, dt.time(12), tzinfo=ZONE)
    request = LogRequest(names=names, channel=via, when_text=when.strftime("%Y-%m-%d %H:%M"), **extra)  # type: ignore[arg-type]
    actions.log_interaction(store, max(NOW, when + dt.timedelta(hours=1)), ZONE, request)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.fixture
def two_fading(store: Store) -> Store:
    """Ana (every week) and Ben (every two weeks) are both fading; Ben also has a birthday soon."""
    add(store, "Ana Lima", every_days=7)
    add(store, "Ben Ode", every_days=14, birthday="1990-11-29")
    log(store, ago(20), "Ana Lima")
    log(store, ago(40), "Ben Ode")
    log(store, ago(2), group="choir")  # met people two days ago: no isolation nudge
    return store


def in_force(store: Store, as_of: dt.date = TODAY) -> list[str]:
    return [nudge.key for nudge in actions.nudges(store, SETTINGS, as_of)]


# ---- handles --------------------------------------------------------------------------------------


def test_every_nudge_has_a_handle_that_stays_the_same_on_later_days(two_fading: Store) -> None:
    today = {n.key: n.handle for n in actions.nudges(two_fading, SETTINGS, TODAY)}
    assert all(handle and len(handle) >= 4 for handle in today.values())
    tomorrow = {n.key: n.handle for n in actions.nudges(two_fading, SETTINGS, TODAY + dt.timedelta(days=1))}
    assert {key: today[key] for key in tomorrow if key in today} == {
        k: v for k, v in tomorrow.items() if k in today
    }
    payload = engine.nudge_json(actions.nudges(two_fading, SETTINGS, TODAY)[0])
    assert list(payload)[:2] == ["key", "handle"]


@pytest.mark.parametrize("how", ["handle", "key", "upper-case handle"])
def test_dismiss_by_handle_or_key_quiets_that_nudge_only(two_fading: Store, how: str) -> None:
    ana = next(
        n for n in actions.nudges(two_fading, SETTINGS, TODAY) if n.kind == "fading" and "Ana" in n.message
    )
    assert ana.handle is not None
    who = {"handle": ana.handle, "key": ana.key, "upper-case handle": ana.handle.upper()}[how]
    result = actions.quiet(two_fading, SETTINGS, NOW, who)
    assert result.changed and result.keys == (ana.key,)
    assert ana.key not in in_force(two_fading)
    assert len(in_force(two_fading)) == 2  # Ben's fading and birthday remain
    assert actions.quiet(two_fading, SETTINGS, NOW, who).changed is False  # "Nothing to change"


def test_dismiss_by_name_quiets_all_that_contacts_nudges(two_fading: Store) -> None:
    result = actions.quiet(two_fading, SETTINGS, NOW, "ben")
    assert result.what == "Ben Ode" and len(result.keys) == 2
    assert [key.split(":")[0] for key in in_force(two_fading)] == ["fading"]  # Ana's


def test_snooze_by_name_is_a_contact_snooze_and_by_handle_a_key_snooze(two_fading: Store) -> None:
    result = actions.quiet(two_fading, SETTINGS, NOW, "Ben Ode", days=14)
    assert result.until == TODAY + dt.timedelta(days=14)
    hidden = actions.hidden_nudges(two_fading, SETTINGS, TODAY)
    assert {(h.nudge.contact.name if h.nudge.contact else "", h.reason, h.whole_contact) for h in hidden} == {
        ("Ben Ode", "snoozed", True)
    }
    ana = actions.nudges(two_fading, SETTINGS, TODAY)[0]
    actions.quiet(two_fading, SETTINGS, NOW, str(ana.handle), days=3)
    assert in_force(two_fading) == []
    assert in_force(two_fading, TODAY + dt.timedelta(days=3)) == [ana.key]  # the key snooze has ended


@pytest.mark.parametrize(
    "who",
    ["fading:nonsense", "fading:c-ana:2026-01-01", "0000", "ffffffff", "Zoe Nobody", "crowded_week:2026-W40"],
)
def test_what_matches_no_nudge_in_force_is_not_found_and_writes_nothing(two_fading: Store, who: str) -> None:
    before = dump(two_fading)
    for days in (None, 7):
        with pytest.raises(NotFoundError) as caught:
            actions.quiet(two_fading, SETTINGS, NOW, who, days=days)
        assert caught.value.exit_code == 3
    assert dump(two_fading) == before


def test_a_contact_without_nudges_in_force_is_not_found(store: Store) -> None:
    add(store, "Cy Park", circle="friends")
    before = dump(store)
    with pytest.raises(NotFoundError, match="Cy Park has no nudges in force"):
        actions.quiet(store, SETTINGS, NOW, "cy", days=7)
    assert dump(store) == before


def colliding_uids() -> tuple[str, str]:
    """Return two contact ids whose fading keys (measured from when added) share a 4-character handle."""
    since = (NOW - dt.timedelta(days=400)).date().isoformat()
    seen: dict[str, str] = {}
    number = 0
    while True:
        uid = f"c{number:05d}"
        prefix = engine.key_hash(f"fading:{uid}:{since}")[:4]
        if prefix in seen:
            return seen[prefix], uid
        seen[prefix] = uid
        number += 1


def test_a_handle_prefix_two_nudges_share_is_ambiguous_and_lists_both(store: Store) -> None:
    first, second = colliding_uids()
    with store.write():
        for uid in (first, second):
            store.insert_contact(
                name=f"Person {uid}", name_key=name_key(f"Person {uid}"), uid=uid,
                created=NOW - dt.timedelta(days=400), every_days=30,
            )  # fmt: skip
    nudges = actions.nudges(store, SETTINGS, TODAY)
    handles = [str(n.handle) for n in nudges]
    assert len(handles) == 2 and handles[0][:4] == handles[1][:4] and len(handles[0]) > 4
    before = dump(store)
    with pytest.raises(AmbiguousError) as caught:
        actions.quiet(store, SETTINGS, NOW, handles[0][:4])
    assert caught.value.exit_code == 4
    assert len(caught.value.candidates) == 2
    assert dump(store) == before
    assert actions.quiet(store, SETTINGS, NOW, handles[0]).changed  # the full handle is unique


# ---- taking it back -------------------------------------------------------------------------------


def test_undismiss_brings_a_nudge_back_from_today_and_keeps_the_past(two_fading: Store) -> None:
    earlier = NOW - dt.timedelta(days=2)
    ana = actions.nudges(two_fading, SETTINGS, earlier.date())[0]
    actions.quiet(two_fading, SETTINGS, earlier, str(ana.handle))
    assert ana.key not in in_force(two_fading)
    hidden = actions.hidden_nudges(two_fading, SETTINGS, TODAY)
    assert [(h.nudge.key, h.reason, h.made) for h in hidden] == [(ana.key, "dismissed", earlier.date())]
    assert hidden[0].nudge.handle == ana.handle  # the same handle while hidden
    actions.unquiet(two_fading, SETTINGS, NOW, str(ana.handle), kind="dismiss")
    assert ana.key in in_force(two_fading)
    assert ana.key not in in_force(two_fading, ago(1))  # looking back, it was dismissed then
    before = dump(two_fading)
    with pytest.raises(NotFoundError):
        actions.unquiet(two_fading, SETTINGS, NOW, str(ana.handle), kind="dismiss")
    assert dump(two_fading) == before


def test_unsnooze_by_name_ends_the_contact_snooze(two_fading: Store) -> None:
    actions.quiet(two_fading, SETTINGS, NOW - dt.timedelta(days=1), "ben", days=30)
    assert all(
        "Ben" not in (n.contact.name if n.contact else "")
        for n in actions.nudges(two_fading, SETTINGS, TODAY)
    )
    with pytest.raises(NotFoundError):  # a snooze is not a dismissal
        actions.unquiet(two_fading, SETTINGS, NOW, "ben", kind="dismiss")
    result = actions.unquiet(two_fading, SETTINGS, NOW, "ben", kind="snooze")
    assert result.what == "Ben Ode"
    assert len(in_force(two_fading)) == 3
    assert actions.hidden_nudges(two_fading, SETTINGS, TODAY) == []
    with pytest.raises(NotFoundError):
        actions.unquiet(two_fading, SETTINGS, NOW, "ben", kind="snooze")


def test_a_contact_snooze_is_listed_even_when_no_nudge_is_behind_it(two_fading: Store) -> None:
    actions.quiet(two_fading, SETTINGS, NOW, "ana", days=10)
    log(two_fading, TODAY, "Ana Lima")  # Ana is no longer fading: no nudge, the snooze holds
    assert [(s.contact.name, s.until) for s in actions.snoozed_contacts(two_fading, TODAY)] == [
        ("Ana Lima", TODAY + dt.timedelta(days=10))
    ]
    assert actions.snoozed_contacts(two_fading, TODAY + dt.timedelta(days=10)) == []
    actions.unquiet(two_fading, SETTINGS, NOW, "ana", kind="snooze")
    assert actions.snoozed_contacts(two_fading, TODAY) == []


def test_unsnooze_by_the_handle_of_a_contact_snoozed_nudge_ends_the_contact_snooze(two_fading: Store) -> None:
    actions.quiet(two_fading, SETTINGS, NOW, "ben", days=30)
    hidden = actions.hidden_nudges(two_fading, SETTINGS, TODAY)
    actions.unquiet(two_fading, SETTINGS, NOW, str(hidden[0].nudge.handle), kind="snooze")
    assert actions.hidden_nudges(two_fading, SETTINGS, TODAY) == []


# ---- reminder digests over a quarter ------------------------------------------------------------


def test_daily_reminders_over_a_quarter_never_nag_twice_a_week(store: Store) -> None:
    """A cron line runs `remind` every morning for 91 days while life goes on: at most one digest a
    week, birthdays on their day, and a re-run on the same morning adds nothing."""
    start = dt.date(2026, 9, 1)
    names = [f"Friend {n}" for n in range(12)]
    for number, name in enumerate(names):
        add(store, name, every_days=7 + number, at=dt.datetime(2026, 6, 1, tzinfo=ZONE))
    add(store, "Bea Cruz", birthday="1985-10-15", at=dt.datetime(2026, 6, 1, tzinfo=ZONE))
    add(store, "Cy Park", birthday="--11-02", at=dt.datetime(2026, 6, 1, tzinfo=ZONE))
    digests: list[dt.date] = []
    told: dict[dt.date, list[str]] = {}
    for offset in range(91):
        day = start + dt.timedelta(days=offset)
        if offset % 9 == 0:  # now and then you meet someone, starting a new episode for them
            meet_store(store, day, names[offset % len(names)])
        morning = dt.datetime.combine(day, dt.time(8), tzinfo=ZONE)
        digest = actions.remind_digest(store, SETTINGS, morning, day)
        assert actions.remind_digest(store, SETTINGS, morning, day).nudges == []  # a re-run, a 2nd cron
        if digest.is_digest:
            digests.append(day)
            birthdays_today = sum(engine.is_birthday_today(n) for n in digest.nudges)
            assert len(digest.nudges) <= SETTINGS.remind_budget + birthdays_today
            assert digest.more > 0  # twelve fading friends: more than the budget
        elif digest.nudges:
            assert all(engine.is_birthday_today(n) for n in digest.nudges)  # alone, between digests
        if digest.nudges:
            told[day] = [n.key for n in digest.nudges]
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(digests)]
    assert gaps == [7] * 12  # one digest a week, never twice a week, never on consecutive days
    for birthday in (dt.date(2026, 10, 15), dt.date(2026, 11, 2)):
        assert any(key.endswith(f"{birthday.isoformat()}:today") for key in told[birthday])
    assert len(told) == 13 + 2  # the digests and the two birthdays on their day


def meet_store(store: Store, day: dt.date, name: str) -> None:
    when = dt.datetime.combine(day, dt.time(7), tzinfo=ZONE)
    request = LogRequest(names=(name,), when_text=when.strftime("%Y-%m-%d %H:%M"))
    actions.log_interaction(store, when + dt.timedelta(minutes=30), ZONE, request)


def test_a_digest_keeps_to_the_budget_and_counts_the_rest(store: Store) -> None:
    for number in range(10):
        add(store, f"Friend {number}", every_days=7)
    digest = actions.remind_digest(store, SETTINGS, NOW, TODAY)
    assert (len(digest.nudges), digest.more) == (7, 3)
    recorded = store.conn.execute("SELECT count(*) FROM nudge_state WHERE kind = 'remind'").fetchone()[0]
    assert recorded == 7
    assert actions.remind_digest(store, SETTINGS, NOW, TODAY, dry_run=True).nudges == []


# ---- groups, in-person wishes, time together ------------------------------------------------------


def test_groups_merge_spellings_learn_a_rhythm_and_list_the_people(store: Store) -> None:
    add(store, "Gus Olsen")
    add(store, "Hana Sato")
    for weeks, label in enumerate(["book club", "Book Club", "book club", "Book club", "book club"]):
        names = ("Gus Olsen", "Hana Sato") if weeks % 2 == 0 else ("Gus Olsen",)
        log(store, ago(60 - 14 * weeks), *names, group=label)
    log(store, ago(3), group="choir")
    rows = actions.groups(store, SETTINGS, TODAY)
    assert [row.label for row in rows] == ["choir", "book club"]  # the latest first; the latest spelling
    club = rows[1]
    assert (club.meetings, club.last_day, club.rhythm_days) == (5, ago(4), 14)
    assert [(person.name, count) for person, count in club.people] == [("Gus Olsen", 5), ("Hana Sato", 3)]
    assert rows[0].rhythm_days is None  # one meeting: no rhythm yet
    fading = [
        n for n in actions.nudges(store, SETTINGS, TODAY + dt.timedelta(days=18)) if n.kind == "group_fading"
    ]
    assert [n.details["group"] for n in fading] == ["book club"]


def test_see_every_is_set_cleared_and_makes_the_status(store: Store) -> None:
    add(store, "Mum", circle="family", see_every_days=60)
    log(store, ago(75), "Mum")
    for days in range(1, 7):
        log(store, ago(days * 10), "Mum", via=Channel.CALL)
    (row,) = actions.people(store, SETTINGS, TODAY)
    assert (row.contact.see_every_days, row.status) == (60, "see_in_person")
    nudge = next(n for n in actions.nudges(store, SETTINGS, TODAY) if n.kind == "see_in_person")
    assert nudge.message.startswith(
        "You wanted to see Mum in person every 2 months; it has been 75 days, with 6 digital contacts since"
    )
    actions.edit_contact(store, "mum", ContactChanges(see_every_days=90))
    assert actions.people(store, SETTINGS, TODAY)[0].status == "ok"
    actions.edit_contact(store, "mum", ContactChanges(clear_see_every=True))
    assert actions.people(store, SETTINGS, TODAY)[0].contact.see_every_days is None


@pytest.mark.parametrize("days", [0, 3651])
def test_see_every_outside_one_day_to_ten_years_is_refused(store: Store, days: int) -> None:
    from kinship.errors import UsageError

    with pytest.raises(UsageError) as caught:
        add(store, "Mum", see_every_days=days)
    assert caught.value.exit_code == 2
    assert store.conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0


def test_show_gives_the_hours_together_in_the_last_365_days(store: Store) -> None:
    add(store, "Ana Lima")
    log(store, ago(3), "Ana Lima", minutes=90)
    log(store, ago(10), "Ana Lima", via=Channel.CALL, minutes=30)
    log(store, ago(364), "Ana Lima", minutes=60)  # the first day of the 365
    log(store, ago(365), "Ana Lima", minutes=600)  # one day too early
    log(store, ago(20), "Ana Lima", via=Channel.VIDEO)  # no minutes recorded
    row, _ = actions.show_contact(store, SETTINGS, TODAY, "ana")
    assert row.time_together == actions.TimeTogether(150, 30, 3)
    assert (row.time_together.hours_face_to_face, row.time_together.hours_digital) == (2.5, 0.5)
    add(store, "Ben Ode")
    log(store, ago(3), "Ben Ode")
    assert actions.show_contact(store, SETTINGS, TODAY, "ben")[0].time_together is None


def test_review_of_this_week_is_so_far_and_a_week_before_the_log_says_when_it_starts(store: Store) -> None:
    add(store, "Ana Lima")
    log(store, TODAY - dt.timedelta(days=1), "Ana Lima")  # the log starts on Wednesday 25 November
    this = actions.weekly_review(store, SETTINGS, TODAY, "this")
    assert (this.week, this.so_far_days, this.face_to_face) == ("2026-W48", 4, 1)
    last = actions.weekly_review(store, SETTINGS, TODAY)
    assert (last.week, last.before_log, last.first_full_week, last.trend) == (
        "2026-W47",
        True,
        "2026-W49",
        (),
    )
    assert len(this.trend) == 1


def test_migration_m003_adds_the_column_and_the_group_index(store: Store) -> None:
    columns = {row[1] for row in store.conn.execute("PRAGMA table_info(contacts)")}
    assert "see_every_days" in columns
    indexes = {row[1] for row in store.conn.execute("PRAGMA index_list(interactions)")}
    assert "ix_interactions_group" in indexes
    assert isinstance(store.conn, sqlite3.Connection)
