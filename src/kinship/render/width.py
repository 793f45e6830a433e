"""Display width: how many terminal columns a string takes (CJK and emoji take two)."""

from __future__ import annotations

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufe0e\ufe0f")


def cell_width(text: str) -> int:
    """Return the number of terminal columns ``text`` takes."""
    if text.isascii():
        return len(text)
    import unicodedata

    total = 0
    for char in text:
        if char in _ZERO_WIDTH or unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total
