"""Text is data: the one function that makes a person's or a file's string safe to print.

A name, note or label is shown as itself: never read as markup (callers hand rich a
``Text``, never a markup string), and control characters — C0, DEL, C1, bidirectional
overrides and isolates, line and paragraph separators — are shown escaped (``\\x1b``,
``\\u202e``) so that nothing a file supplied can move the cursor, retitle the window or
reorder what the terminal shows. Imports nothing from kinship (review.py may use it).
"""

from __future__ import annotations

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def _unsafe(char: str, keep_newlines: bool) -> bool:
    code = ord(char)
    if code < 0x20:
        return not (keep_newlines and char == "\n")
    return 0x7F <= code <= 0x9F or char in _BIDI


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control and bidirectional character escaped (``\\x1b``).

    ``keep_newlines`` keeps line breaks, for whole blocks of output; a table cell or a
    one-line field escapes them too, so a name can never start a line of its own.
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_escaped(char) if _unsafe(char, keep_newlines) else char for char in text)


def json_safe(text: str) -> str:
    """Return JSON text with C1 and bidirectional characters written as ``\\uXXXX`` escapes.

    The decoded strings stay exactly as stored (JSON already escapes C0 controls); only how
    they are spelled changes, so a terminal showing the JSON cannot be steered either.
    """
    if text.isascii():
        return text
    return "".join(
        f"\\u{ord(char):04x}" if (0x7F <= ord(char) <= 0x9F or char in _BIDI) else char for char in text
    )
