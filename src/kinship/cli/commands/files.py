"""File handlers: import and export."""

from __future__ import annotations

import sys

from kinship.cli.run import Invocation
from kinship.lean import TYPE_CHECKING
from kinship.render import output

if TYPE_CHECKING:
    from typing import IO, Any

    from kinship.transfer import ImportSummary


def summary_lines(summary: ImportSummary) -> list[str]:
    """Return an import summary as lines of plain text: what changed, what was left out and why."""
    from kinship.importers.records import LEFT_OUT

    verb = "Would import" if summary.dry_run else "Imported"
    lines = [f"{verb} {', '.join(summary.files)} ({', '.join(sorted(set(summary.formats)))})"]
    created = len(summary.created)
    shown = ", ".join(summary.created[:10]) + (f" and {created - 10} more" if created > 10 else "")
    lines.append(f"  contacts created: {created}" + (f" ({shown})" if created else ""))
    if summary.matched:
        lines.append(f"  contacts matched: {summary.matched}")
    lines.append(f"  contacts updated: {summary.updated}")
    lines.append(f"  interactions added: {summary.added}")
    if summary.left_out:
        lines.append("  left out:")
        lines.extend(f"    {LEFT_OUT.get(reason, reason)}: {count}" for reason, count in summary.left_out)
    if summary.unmatched_names:
        names = ", ".join(summary.unmatched_names[:10])
        more = f" and {len(summary.unmatched_names) - 10} more" if len(summary.unmatched_names) > 10 else ""
        lines.append(f"  not contacts: {names}{more} (pass --new to add them)")
    if summary.nothing:
        lines.append(f"  {summary.nothing}")
    return lines


def import_files(inv: Invocation) -> None:
    """Import contacts and interactions from exported files; all or nothing."""
    from pathlib import Path

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
    output.text("\n".join(summary_lines(summary)))


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

    def write(out: IO[str]) -> int:
        if fmt == "json":
            return transfer.write_json_export(store, environment.now, out)
        return transfer.write_csv_export(store, out)

    if output in (None, "-"):  # `-o -` is stdout, as everywhere
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader (`| head`) has what it wanted: stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from pathlib import Path

    from kinship.files import write_text_atomically

    # whole or not at all: a temporary file beside the target, fsynced, then renamed; never
    # through a symlink, never over an existing file
    count = write_text_atomically(Path(output).expanduser(), write)
    sys.stderr.write(f"Exported {count} interactions to {output}\n")
