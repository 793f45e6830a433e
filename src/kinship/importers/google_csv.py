"""Google Contacts CSV (the legacy and the current header) to ``ContactRecord`` values.

Multi-valued cells join their values with `` ::: ``; notes may span lines (quoted); the file may
start with a BOM. Only names, nicknames, emails, phones, birthday and notes are read; a phone
whose type says fax is skipped (as vCard faxes are), and so is a phone cell with no number. The
CSV is read strictly: an unterminated quote is an error naming its line.
"""

from __future__ import annotations

import re

from kinship.errors import DataError
from kinship.importers.contacts_csv import read_rows
from kinship.importers.records import (
    ContactRecord,
    LeftOut,
    clean_phone,
    decode_text,
    parse_birthday_value,
    stable_hash,
)

_HINT = "export again from Google Contacts as 'Google CSV', or pass --format"
_MULTI = " ::: "
_NUMBERED = re.compile(r"^(?P<kind>E-mail|Phone) (?P<n>\d+) - Value$", re.IGNORECASE)
_NAME_PARTS = (
    ("Given Name", "Additional Name", "Family Name"),
    ("First Name", "Middle Name", "Last Name"),
)


def _split(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(_MULTI.strip()) if value.strip()]


def _cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _name(row: dict[str, str]) -> str:
    full = _cell(row, "Name")
    if full:
        return " ".join(full.split())
    for parts in _NAME_PARTS:
        joined = " ".join(_cell(row, column) for column in parts if _cell(row, column))
        if joined:
            return " ".join(joined.split())
    for column in ("Organization Name", "Organization 1 - Name"):
        if _cell(row, column):
            return " ".join(_cell(row, column).split())
    return ""


def parse_google_csv(
    data: bytes | str, *, label: str, left_out: LeftOut | None = None
) -> list[ContactRecord]:
    """Return the contacts of a Google Contacts CSV export, in file order.

    A row without a name, email or phone is skipped (and counted in ``left_out``). Raises
    DataError naming ``label`` and the line when the header is not a Google Contacts header or
    the CSV is broken.
    """
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    text = data if isinstance(data, str) else decode_text(data, label)
    rows = read_rows(text.removeprefix("\ufeff"), label, _HINT)
    first = next(rows, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise DataError(f"{label}: line 1: empty file, no CSV header", _HINT)
    columns = [column.strip() for column in first[1]]
    email_columns = [c for c in columns if (m := _NUMBERED.match(c)) and m["kind"].lower() == "e-mail"]
    phone_columns = [c for c in columns if (m := _NUMBERED.match(c)) and m["kind"].lower() == "phone"]
    name_columns = {"Name", "Given Name", "Family Name", "First Name", "Last Name"}
    if not email_columns and not phone_columns and not name_columns & set(columns):
        raise DataError(f"{label}: line 1: not a Google Contacts CSV header", _HINT)
    records: list[ContactRecord] = []
    for _line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(columns, cells, strict=False))
        emails: list[str] = []
        for column in email_columns:
            for email in _split(row.get(column) or ""):
                if "@" in email and email.lower() not in (known.lower() for known in emails):
                    emails.append(email)
        phones: list[str] = []
        for column in phone_columns:
            kind = (
                row.get(column.replace(" - Value", " - Type"))
                or row.get(column.replace(" - Value", " - Label"))
                or ""
            )
            if "fax" in kind.lower():
                counts["fax_numbers"] += len(_split(row.get(column) or ""))
                continue
            for raw in _split(row.get(column) or ""):
                phone = clean_phone(raw)
                if phone is None:
                    counts["not_phones"] += 1
                elif phone not in phones:
                    phones.append(phone)
        name = _name(row) or (emails[0] if emails else (phones[0] if phones else ""))
        if not name:
            counts["rows_without_name"] += 1
            continue
        aliases = tuple(alias for alias in _split(_cell(row, "Nickname")) if alias != name)
        note = (row.get("Notes") or "").replace("\r\n", "\n").strip() or None
        records.append(
            ContactRecord(
                source_id="google-csv:sha1:" + stable_hash(name, *sorted(emails), *sorted(phones)),
                name=name,
                emails=tuple(emails),
                phones=tuple(phones),
                birthday=parse_birthday_value(_cell(row, "Birthday")),
                note=note,
                aliases=aliases,
            )
        )
    return records
