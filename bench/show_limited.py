"""``kinship show NAME`` with a timeline of 20, as the CLI runs it once it passes the action a limit.

``actions.show_contact`` summarises only its contact and takes ``limit``; this script renders
its answer the way ``kinship show`` does (plain text), so ``bench/scale.py`` can time the bounded
``show`` as a whole process before the command line grows the option.

    KINSHIP_DB=... python bench/show_limited.py NAME
"""

from __future__ import annotations

import sys

from kinship import actions, render
from kinship.cli.context import load_environment


def main() -> None:
    environment = load_environment(None)
    store = environment.open_for_reading()
    try:
        row, timeline = actions.show_contact(
            store, environment.settings, environment.now.date(), sys.argv[1], limit=20
        )
    finally:
        store.close()
    details = render.contact_details(row)
    width = max(len(label) for label, _ in details)
    for label, value in details:
        print(f"{label.ljust(width)}  {value}")
    print()
    header, cells = render.history_rows(timeline)
    render.print_table(header, cells, rich_output=False, title="Timeline")


if __name__ == "__main__":
    main()
