"""Contact CSV files other than Google's: Outlook's "Export contacts" and LinkedIn's Connections.csv.

Both are read with the strict CSV reader every CSV importer shares (``read_rows``): an
unterminated quote is an error naming the line where the broken row starts, never a contact
that swallows the rest of the file.

- ``outlook-csv``: Outlook desktop ("Title,First Name,…,E-mail Address,…") and Outlook.com
  ("First Name,Middle Name,…,E-mail Address,…") headers. Names, emails (``E-mail``/``2``/``3
  Address``; Exchange ``/o=…`` addresses are not emails), phones (every ``… Phone`` column, not
  faxes, pagers or telex), birthday (``0/0/00`` is none; day- or month-first as the file shows),
  notes and nickname.
- ``linkedin-csv``: ``Notes:`` preamble lines, then ``First Name,Last Name,URL,Email Address,
  Company,Position,Connected On``. The profile URL is the stable source id, the company goes in
  the note, and the connected-on day becomes the day the contact was added.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator

from kinship.errors import DataError
from kinship.importers.records import (
    ContactRecord,
    LeftOut,
    clean_phone,
    decode_text,
    parse_birthday_value,
    stable_hash,
)

_OUTLOOK_HINT = "export again from Outlook (File > Open & Export > Import/Export > CSV), or pass --format"
_LINKEDIN_HINT = "download Connections.csv again from LinkedIn (Settings > Data privacy), or pass --format"
_EMAIL_COLUMNS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_NOT_PHONES = re.compile(r"fax|pager|telex|isdn", re.IGNORECASE)
_LINKEDIN_HEADER = ("First Name", "Last Name")


def read_rows(text: str, label: str, hint: str, *, skip: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number where the row starts, cells) of a CSV text, strictly.

    ``skip`` lines are dropped first (a preamble); the line numbers still count them. Raises
    DataError naming the line where a row with an unterminated quote (or other broken CSV) starts.
    """
    lines = io.StringIO(text, newline="")
    for _ in range(skip):
        lines.readline()
    reader = csv.reader(lines, strict=True)
    ended = skip
    while True:
        start = ended + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            reason = "unterminated quote" if "unexpected end of data" in str(exc) else f"broken CSV ({exc})"
            raise DataError(f"{label}: line {start}: {reason}; nothing was imported", hint) from None
        if cells is None:
            return
        ended = skip + reader.line_num
        yield start, cells


def _split_header(
    text: str, label: str, hint: str, skip: int = 0
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    rows = read_rows(text, label, hint, skip=skip)
    first = next(rows, None)
    if first is None:
        raise DataError(f"{label}: line {skip + 1}: empty file, no CSV header", hint)
    return [column.strip() for column in first[1]], rows


def _cell(row: dict[str, str], column: str) -> str:
    return " ".join((row.get(column) or "").split())


def _outlook_birthday(cells: list[str]) -> bool:
    """Return True when the file's d/m/y birthdays are day-first (some day is over 12)."""
    day_first = month_first = False
    for cell in cells:
        match = re.fullmatch(r"\s*(\d{1,2})[./](\d{1,2})[./](\d{2,4})\s*", cell)
        if match:
            day_first |= int(match[1]) > 12
            month_first |= int(match[2]) > 12
    return day_first and not month_first


def _slashed_birthday(cell: str, day_first: bool) -> str | None:
    match = re.fullmatch(r"\s*(\d{1,2})[./](\d{1,2})[./](\d{2,4})\s*", cell)
    if match is None:
        return parse_birthday_value(cell) if cell.strip() else None
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if first == 0 or second == 0 or len(match[3]) != 4:
        return None  # Outlook writes 0/0/00 for "no birthday"
    day, month = (first, second) if day_first else (second, first)
    return parse_birthday_value(f"{year:04d}-{month:02d}-{day:02d}")


def parse_outlook_csv(
    data: bytes | str, *, label: str, left_out: LeftOut | None = None
) -> list[ContactRecord]:
    """Return the contacts of an Outlook (desktop or Outlook.com) contacts CSV, in file order.

    Raises DataError naming ``label`` and the line for a header Outlook does not write or a
    broken CSV row.
    """
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    text = data if isinstance(data, str) else decode_text(data, label)
    columns, rows = _split_header(text.removeprefix("\ufeff"), label, _OUTLOOK_HINT)
    if "E-mail Address" not in columns or not {"First Name", "Last Name"} <= set(columns):
        raise DataError(f"{label}: line 1: not an Outlook contacts CSV header", _OUTLOOK_HINT)
    phone_columns = [c for c in columns if re.search(r"phone|callback", c, re.IGNORECASE)]
    fax_columns = [c for c in columns if _NOT_PHONES.search(c)]
    table = [(line, dict(zip(columns, cells, strict=False))) for line, cells in rows]
    day_first = _outlook_birthday([row.get("Birthday") or "" for _, row in table])
    records: list[ContactRecord] = []
    for _line, row in table:
        if not any(value.strip() for value in row.values()):
            continue
        emails: list[str] = []
        for column in _EMAIL_COLUMNS:
            email = _cell(row, column)
            if (
                "@" in email
                and not email.startswith("/")
                and email.lower() not in (e.lower() for e in emails)
            ):
                emails.append(email)
        phones: list[str] = []
        for column in phone_columns:
            raw = _cell(row, column)
            if not raw:
                continue
            phone = clean_phone(raw)
            if phone is None:
                counts["not_phones"] += 1
            elif phone not in phones:
                phones.append(phone)
        counts["fax_numbers"] += sum(bool(_cell(row, column)) for column in fax_columns)
        parts = [_cell(row, column) for column in ("First Name", "Middle Name", "Last Name")]
        name = " ".join(part for part in parts if part) or _cell(row, "Company")
        name = name or (emails[0] if emails else (phones[0] if phones else ""))
        if not name:
            counts["rows_without_name"] += 1
            continue
        nickname = _cell(row, "Nickname")
        note = (row.get("Notes") or "").replace("\r\n", "\n").strip() or None
        records.append(
            ContactRecord(
                source_id="outlook-csv:sha1:" + stable_hash(name, *sorted(emails), *sorted(phones)),
                name=name,
                emails=tuple(emails),
                phones=tuple(phones),
                birthday=_slashed_birthday(row.get("Birthday") or "", day_first),
                note=note,
                aliases=(nickname,) if nickname and nickname != name else (),
            )
        )
    return records


def _linkedin_day(cell: str) -> dt.date | None:
    for pattern in ("%d %b %Y", "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(cell.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_linkedin_csv(
    data: bytes | str, *, label: str, left_out: LeftOut | None = None
) -> list[ContactRecord]:
    """Return the people of a LinkedIn ``Connections.csv``, in file order.

    The ``Notes:`` preamble (any lines before the ``First Name,Last Name,…`` header) is skipped.
    A member who hides their name gives a row with no name: counted, not imported. Raises
    DataError naming ``label`` and the line for a file without that header or a broken row.
    """
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    text = (data if isinstance(data, str) else decode_text(data, label)).removeprefix("\ufeff")
    skip = 0
    for number, text_line in enumerate(text.splitlines()[:20]):
        if text_line.replace('"', "").startswith(",".join(_LINKEDIN_HEADER)):
            skip = number
            break
    else:
        raise DataError(
            f"{label}: line 1: not a LinkedIn Connections.csv (no 'First Name,Last Name' header)",
            _LINKEDIN_HINT,
        )
    columns, rows = _split_header(text, label, _LINKEDIN_HINT, skip=skip)
    records: list[ContactRecord] = []
    for line, cells in rows:
        row = dict(zip(columns, cells, strict=False))
        if not any(value.strip() for value in row.values()):
            continue
        name = " ".join(part for part in (_cell(row, "First Name"), _cell(row, "Last Name")) if part)
        email = _cell(row, "Email Address")
        emails = (email,) if "@" in email else ()
        if not name:
            counts["rows_without_name"] += 1
            continue
        url = _cell(row, "URL")
        company = _cell(row, "Company")
        connected = _cell(row, "Connected On")
        added = _linkedin_day(connected) if connected else None
        if connected and added is None:
            raise DataError(
                f"{label}: line {line}: 'Connected On' {connected!r} is not a date", _LINKEDIN_HINT
            )
        records.append(
            ContactRecord(
                source_id=f"linkedin:{url.rstrip('/').lower()}"
                if url
                else "linkedin:sha1:" + stable_hash(name, *emails),
                name=name,
                emails=emails,
                note=f"Company: {company}" if company else None,
                added=added,
            )
        )
    return records
