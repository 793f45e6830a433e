"""Change-journal handlers: undo, redo and sync (SPEC §4, §11)."""

from __future__ import annotations

import datetime as dt

from kinship.cli.ask import confirm
from kinship.cli.run import Invocation


def _safe(text: str) -> str:
    """Return text with control and direction characters shown escaped (text is data, SPEC §4)."""
    from kinship.render.safe import shown

    return shown(text)


def _when(seconds: int, zone: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M")


def undo(inv: Invocation) -> None:
    """Take back the last change of any kind (or, with --list, show what undo would take back)."""
    from kinship import history_actions, render

    environment = inv.environment
    store = inv.store()
    if inv.flag("list"):
        entries = history_actions.undo_list(store)
        if inv.flag("json"):
            print(
                render.dumps(
                    [{"id": e.id, "at": _when(e.at, environment.zone), "words": e.words} for e in entries]
                )
            )
            return
        if not entries:
            print("Nothing to undo")
            return
        for entry in entries:
            print(f"{_when(entry.at, environment.zone)}  {_safe(entry.words)}")
        return
    target = history_actions.next_undo(store)
    confirm(environment, f"Take back {_safe(target.words)}?", inv.flag("yes"))
    step = history_actions.undo(store, expected_id=target.id)
    print(f"Took back {_safe(step.target.words)}")


def redo(inv: Invocation) -> None:
    """Put back what the last undo took, before any other change."""
    from kinship import history_actions

    store = inv.store()
    target = history_actions.next_redo(store)
    words = target.words.removeprefix("undo ")
    confirm(inv.environment, f"Put back {_safe(words)}?", inv.flag("yes"))
    history_actions.redo(store, expected_id=target.id)
    print(f"Put back {_safe(words)}")


def sync(inv: Invocation) -> None:
    """Exchange changes with your other devices through a shared folder."""
    import socket
    from pathlib import Path

    from kinship import render
    from kinship import sync as syncing
    from kinship.errors import UsageError

    environment = inv.environment
    folder = inv.text("folder") or environment.settings.sync_dir
    if not folder:
        raise UsageError(
            "name the shared folder", "e.g. kinship sync ~/Sync/kinship (or set sync_dir in config)"
        )
    store = inv.store()
    name = inv.text("name")
    if name is None and store.get_meta("device_name") is None:
        name = socket.gethostname() or None
    report = syncing.sync(store, Path(folder).expanduser(), name=name, dry_run=inv.flag("dry_run"))
    if inv.flag("json"):
        print(render.dumps(report.as_json()))
        return
    # each line whole: a skipped file's name is what the person needs to find it (the reason
    # names a value from the file shortened, never the name)
    for line in report.lines():
        print(_safe(line))
