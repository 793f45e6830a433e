"""File handlers: import and export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kinship.cli.run import Invocation
from kinship.render import output


def import_files(inv: Invocation) -> None:
    """Import contacts and interactions from exported files; all or nothing."""
    from kinship import transfer

    environment = inv.environment
    json_output = inv.flag("json")
    dry_run = inv.flag("dry_run")
    store = inv.store() if not dry_run else environment.open_for_reading()
    progress = None
    bar: Any = None
    if environment.color and not json_output:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("Importing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        bar.start()
    try:
        summary = transfer.import_files(
            store,
            environment.now,
            environment.zone,
            [Path(name) for name in inv.texts("files")],
            fmt=inv.text("format"),
            me=inv.text("me") or environment.settings.me,
            new=inv.flag("new"),
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.stop()
        if dry_run:
            store.close()
    if json_output:
        output.json(summary.as_json())
        return
    output.text("\n".join(summary.lines()))


def export(inv: Invocation) -> None:
    """Export everything as JSON or CSV, to stdout or a new private file."""
    from kinship import transfer
    from kinship.errors import UsageError

    fmt = inv.text("format")
    output = inv.text("output")
    if fmt not in ("json", "csv"):
        raise UsageError(f"unknown export format {fmt!r}", "use json or csv")
    environment = inv.environment
    store = inv.store()
    out = transfer.open_private(Path(output).expanduser()) if output else sys.stdout
    try:
        if fmt == "json":
            count = transfer.write_json_export(store, environment.now, out)
        else:
            count = transfer.write_csv_export(store, out)
    finally:
        if output:
            out.close()
    if output:
        sys.stderr.write(f"Exported {count} interactions to {output}\n")
