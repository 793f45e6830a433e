"""Writing to stdout: every block of text made safe, JSON as the contract, streamed lists.

All command output goes through these functions (or ``render.terminal`` on a terminal), so
no string from a person or a file reaches the terminal raw.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from kinship.lean import TYPE_CHECKING
from kinship.render.safe import json_safe, shown

if TYPE_CHECKING:
    from typing import Any


def dumps(value: object) -> str:
    """Return JSON text as kinship prints it: indented, UTF-8 kept, steering characters escaped."""
    import json

    return json_safe(json.dumps(value, indent=2, ensure_ascii=False))


def text(block: str) -> None:
    """Print a block of text (a line break is added), controls escaped, line breaks kept."""
    sys.stdout.write(shown(block, keep_newlines=True) + "\n")


def error_text(block: str) -> None:
    """Write a block of text to stderr, made safe like ``text``."""
    sys.stderr.write(shown(block, keep_newlines=True) + "\n")


def json(value: object) -> None:
    """Print one JSON value."""
    sys.stdout.write(dumps(value) + "\n")


def json_list(items: Iterable[Any]) -> None:
    """Print a JSON list item by item, exactly as ``json(list(items))`` would, in constant memory."""
    first = True
    for item in items:
        body = "\n".join("  " + line for line in dumps(item).split("\n"))
        sys.stdout.write(("[\n" if first else ",\n") + body)
        first = False
    sys.stdout.write("[]\n" if first else "\n]\n")
