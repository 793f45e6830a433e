"""Text is data: the one function that makes a person's or a file's string safe to print.

A name, note or label is shown as itself: never read as markup (callers hand rich a
``Text``, never a markup string), and control characters — C0, DEL, C1, bidirectional
overrides and isolates, line and paragraph separators — are shown escaped (``\\x1b``,
``\\u202e``) so that nothing a file supplied can move the cursor, retitle the window or
reorder what the terminal shows. Imports nothing from kinship (review.py may use it).
"""

from __future__ import annotations

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


_UNSAFE = (*range(0x20), *range(0x7F, 0xA0), *map(ord, _BIDI))
# str.translate tables (C speed: a 1M database's `people` output is 180 kB): each unsafe code
# point to its escape, ``\x1b`` below 0x100 and ``\u202e`` above
_TABLE = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNSAFE}
_TABLE_KEEPING_NEWLINES = {code: escape for code, escape in _TABLE.items() if code != ord("\n")}
_JSON_TABLE = {code: f"\\u{code:04x}" for code in _UNSAFE if code >= 0x7F}


def shown(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with every control and bidirectional character escaped (``\\x1b``).

    ``keep_newlines`` keeps line breaks, for whole blocks of output; a table cell or a
    one-line field escapes them too, so a name can never start a line of its own.
    """
    # every unsafe character is one ``isprintable`` refuses (Cc, Cf, Zl, Zp): most text is
    # returned after one C-speed check, and only text holding one is translated
    if (text.replace("\n", "") if keep_newlines else text).isprintable():
        return text
    return text.translate(_TABLE_KEEPING_NEWLINES if keep_newlines else _TABLE)


def json_safe(text: str) -> str:
    """Return JSON text with C1 and bidirectional characters written as ``\\uXXXX`` escapes.

    The decoded strings stay exactly as stored (JSON already escapes C0 controls); only how
    they are spelled changes, so a terminal showing the JSON cannot be steered either.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return text.translate(_JSON_TABLE)
