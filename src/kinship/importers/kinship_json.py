"""kinship's own JSON export, read as a stream whatever its layout.

kinship writes one object a line, but a re-indented, minified or script-written file is just as
valid. ``iter_export`` walks the top-level object with ``json.JSONDecoder.raw_decode`` over a
sliding text buffer: each contact and interaction is decoded on its own and the buffer is cut
behind it, so memory stays bounded by the largest single record, never the file. Keys may come
in any order. Errors name the file and the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from kinship.errors import DataError

_HINT = "export it again from kinship"
_CHUNK = 1 << 16
_LISTS = frozenset({"contacts", "interactions"})
MAX_RECORD = 16 << 20
"""No single contact or interaction is this long; the reader looks no further for its end."""


class _Reader:
    """A text buffer over a stream that knows the line number of its position."""

    def __init__(self, handle: IO[str], label: str) -> None:
        self.handle = handle
        self.label = label
        self.text = ""
        self.pos = 0
        self.line = 1  # line number at ``pos``
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.handle.read(_CHUNK)
        except UnicodeDecodeError:
            raise DataError(f"{self.label}: line {self.line}: not UTF-8 text", _HINT) from None
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:
            self.text = self.text[self.pos :]
            self.pos = 0
        self.text += chunk
        return True

    def _advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def error(self, what: str, line: int | None = None) -> DataError:
        return DataError(f"{self.label}: line {line or self.line}: {what}", _HINT)

    def peek(self) -> str:
        """Return the next character that is not white space ('' at the end), skipping to it."""
        while True:
            end = self.pos
            while end < len(self.text) and self.text[end] in " \t\r\n\ufeff":
                end += 1
            self._advance(end)
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise self.error(f"expected {what}, found {shown}")
        self._advance(self.pos + 1)

    def value(self) -> Any:
        """Decode one JSON value at the position, reading more of the stream as it needs."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                # a value cut by the end of the buffer fails too: read on, up to one record's worth
                if len(self.text) - self.pos < MAX_RECORD and self._more():
                    continue
                line = self.line + self.text.count("\n", self.pos, exc.pos)
                raise self.error(f"not valid JSON ({exc.msg})", line) from None
            except RecursionError:
                raise self.error("JSON nested too deeply") from None
            if end == len(self.text) and self._more():
                continue  # a number may go on in the next chunk
            self._advance(end)
            return value


def iter_export(handle: IO[str], label: str) -> Iterator[tuple[str, int, Any]]:
    """Yield (section, number, value) for a kinship JSON export, in file order.

    Sections: ``header`` for each scalar top-level key (number 0, value ``(key, value)``),
    ``contacts`` and ``interactions`` for each record (numbered from 1), ``state`` once. Unknown
    top-level keys are skipped. Raises DataError naming ``label`` and the line for a file that is
    not a JSON object or not valid JSON.
    """
    reader = _Reader(handle, label)
    if reader.peek() != "{":
        raise reader.error("not a kinship JSON export (it does not start with '{')")
    reader.expect("{", "'{'")
    if reader.peek() == "}":
        reader.expect("}", "'}'")
        return
    while True:
        key = reader.value()
        if not isinstance(key, str):
            raise reader.error("expected a key")
        reader.expect(":", "':'")
        if key in _LISTS:
            reader.expect("[", f"a list of {key}")
            number = 0
            if reader.peek() == "]":
                reader.expect("]", "']'")
            else:
                while True:
                    number += 1
                    yield key, number, reader.value()
                    if reader.peek() == ",":
                        reader.expect(",", "','")
                        continue
                    reader.expect("]", f"',' or ']' after {key[:-1]} {number}")
                    break
        elif key == "state":
            yield "state", 0, reader.value()
        else:
            yield "header", 0, (key, reader.value())
        if reader.peek() == ",":
            reader.expect(",", "','")
            continue
        reader.expect("}", "',' or '}'")
        break
    if reader.peek() != "":
        raise reader.error("text after the end of the export")
