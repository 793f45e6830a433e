"""Shared helpers for the journal, undo and sync tests: a small log built through the actions."""

from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

from kinship import actions, transfer
from kinship.actions import ContactChanges, LogRequest
from kinship.models import Channel
from kinship.store import Store, open_store

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
ZONE = dt.timezone(dt.timedelta(hours=1))
FIXTURES = Path(__file__).parent / "fixtures"


def export_text(store: Store) -> str:
    """Return ``kinship export`` (JSON) of a store, without its exported_at."""
    out = io.StringIO()
    transfer.write_json_export(store, NOW, out)
    return re.sub(r'"exported_at": "[^"]*"', '"exported_at": ""', out.getvalue(), count=1)


def journal_rows(store: Store) -> list[tuple[str, str, str | None, str | None]]:
    """Return (id, words, undoes, redoes) of every journal entry, oldest first."""
    return [
        (str(row[0]), str(row[1]), row[2], row[3])
        for row in store.conn.execute("SELECT id, words, undoes, redoes FROM journal ORDER BY id")
    ]


def small_log(path: Path, now: dt.datetime = NOW) -> Store:
    """Open a new store holding three contacts and a few interactions, made through the actions."""
    store = open_store(path, now)
    actions.add_contact(
        store, now, ContactChanges(name="Ana Lima", aliases=("ani",), emails=("ana@example.org",))
    )
    actions.add_contact(store, now, ContactChanges(name="Ben Ode", circle="friends", tags=("climbing",)))
    actions.add_contact(store, now, ContactChanges(name="Cy Park", phones=("+49 30 1234567",)))
    actions.log_interaction(store, now - dt.timedelta(days=3), ZONE, LogRequest(names=("Ana", "Ben")))
    actions.log_interaction(
        store, now - dt.timedelta(days=2), ZONE, LogRequest(names=("Cy",), channel=Channel.CALL, minutes=20)
    )
    actions.log_interaction(
        store, now - dt.timedelta(days=1), ZONE, LogRequest(names=("Ana",), note="coffee")
    )
    # Eve, added 60 days ago on a rhythm of a week and not seen since: a nudge in force, to snooze
    actions.add_contact(store, now - dt.timedelta(days=60), ContactChanges(name="Eve Ruiz", every_days=7))
    return store


def interaction_ids(store: Store) -> list[str]:
    """Return every interaction's id, oldest row first."""
    return [bytes(row[0]).hex() for row in store.conn.execute("SELECT uid FROM interactions ORDER BY id")]


def raw_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Return the rows a person recorded, straight from the file (for exactness checks)."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("contacts", "contact_values", "interactions", "links", "nudge_state")
        }
    finally:
        conn.close()
