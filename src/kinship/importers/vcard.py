"""vCard 2.1, 3.0 and 4.0 files to ``ContactRecord`` values, through vobject.

vobject alone fails on what phones and Outlook really write, so a pre-pass first turns each card
into plain vCard lines: CR CR LF and lone CR line ends normalised, folded lines unfolded,
quoted-printable values (soft line breaks, CHARSET) decoded, vCard 2.1 bare parameters
(``TEL;CELL;PREF``) turned into ``TYPE=`` ones, and every property kinship does not use
(PHOTO, KEY, ADR…) dropped. Each card then goes through ``vobject.readOne``.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kinship.errors import DataError
from kinship.importers.records import (
    ContactRecord,
    LeftOut,
    clean_phone,
    decode_text,
    parse_birthday_value,
    stable_hash,
)

KEPT_PROPERTIES = frozenset({"VERSION", "UID", "FN", "N", "NICKNAME", "EMAIL", "TEL", "BDAY", "NOTE"})
"""Everything else (photos, keys, addresses…) is dropped before vobject sees it."""

_HINT = "export the contacts again as vCard (.vcf), or pass --format"
_NAME_RE = re.compile(r"^(?:(?P<group>[A-Za-z0-9-]+)\.)?(?P<name>[A-Za-z0-9-]+)$")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


def _physical_lines(text: str) -> list[str]:
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _split_property(text: str) -> tuple[str, list[str], str] | None:
    """Split ``group.NAME;P=V;Q:value`` into name, raw parameters and value (quotes respected)."""
    in_quotes = False
    for index, char in enumerate(text):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = text[:index], text[index + 1 :]
            break
    else:
        return None
    parts: list[str] = []
    current = ""
    in_quotes = False
    for char in head:
        if char == '"':
            in_quotes = not in_quotes
        if char == ";" and not in_quotes:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts[0].strip(), [part.strip() for part in parts[1:] if part.strip()], value


def _is_quoted_printable(params: list[str]) -> bool:
    return any(param.upper() in ("ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE") for param in params)


def _logical_lines(lines: list[str]) -> Iterator[_Line]:
    """Unfold folded lines and join quoted-printable soft line breaks."""
    index = 0
    while index < len(lines):
        number = index + 1
        text = lines[index]
        index += 1
        if not text.strip():
            continue
        split = _split_property(text)
        if split is not None and _is_quoted_printable(split[1]):
            while text.endswith("=") and index < len(lines):
                text = text[:-1] + lines[index]
                index += 1
        while index < len(lines) and lines[index][:1] in (" ", "\t"):
            text += lines[index][1:]
            index += 1
        yield _Line(number, text)


def _escape(value: str, structured: bool) -> str:
    value = value.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    value = value.replace(",", "\\,")
    return value if structured else value.replace(";", "\\;")


def _clean_property(line: _Line) -> str | None:
    """Return one property as plain vCard text, or None when kinship does not use it."""
    split = _split_property(line.text)
    if split is None:
        return None
    head, params, value = split
    match = _NAME_RE.match(head)
    if match is None:
        return None
    name = match["name"].upper()
    if name in ("BEGIN", "END"):
        return f"{name}:{value.strip().upper()}"
    if name not in KEPT_PROPERTIES:
        return None
    charset = "utf-8"
    quoted = _is_quoted_printable(params)
    kept: list[str] = []
    for param in params:
        key, sep, param_value = param.partition("=")
        upper = key.upper()
        if upper == "CHARSET":
            charset = param_value.strip('"') or "utf-8"
        elif upper == "ENCODING" or upper in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"):
            continue
        elif not sep:
            kept.append(f"TYPE={key}")
        else:
            kept.append(param)
    if quoted:
        raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
        try:
            decoded = raw.decode(charset, errors="replace")
        except LookupError:
            decoded = raw.decode("utf-8", errors="replace")
        value = _escape(decoded, structured=name == "N")
    if name == "NICKNAME":  # vobject keeps only the first of a comma list: one line per nickname
        nicknames = [_escape(item, structured=False) for item in _unescape_list(value)]
        return "\r\n".join(f"X-KINSHIP-NICKNAME:{item}" for item in nicknames) or None
    return ";".join([name, *kept]) + ":" + value


def _cards(text: str, label: str) -> Iterator[tuple[int, list[str]]]:
    """Yield each card's first line number and its cleaned lines."""
    card: list[str] | None = None
    start = 0
    last = 0
    for line in _logical_lines(_physical_lines(text)):
        last = line.number
        cleaned = _clean_property(line)
        if cleaned == "BEGIN:VCARD":
            if card is not None:
                raise DataError(f"{label}: line {line.number}: a card starts inside another card", _HINT)
            card, start = [cleaned], line.number
        elif cleaned == "END:VCARD":
            if card is None:
                raise DataError(f"{label}: line {line.number}: END:VCARD without BEGIN:VCARD", _HINT)
            card.append(cleaned)
            yield start, card
            card = None
        elif card is not None:
            if cleaned is not None:
                card.append(cleaned)
        elif not line.text.strip().upper().startswith(("BEGIN:", "END:")):
            raise DataError(f"{label}: line {line.number}: not a vCard line (expected BEGIN:VCARD)", _HINT)
    if card is not None:
        raise DataError(f"{label}: line {last or start}: the file ends inside a card (no END:VCARD)", _HINT)


def _unescape_list(value: str) -> list[str]:
    items: list[str] = []
    current = ""
    chars = iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current += "\n" if following in ("n", "N") else following
        elif char == ",":
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def _types(params: dict[str, list[str]]) -> set[str]:
    return {kind.upper() for value in params.get("TYPE", []) for kind in str(value).split(",")}


def _record(start: int, lines: list[str], label: str, left_out: LeftOut) -> ContactRecord | None:
    import vobject  # type: ignore[import-untyped,unused-ignore]

    try:
        card = vobject.readOne("\r\n".join(lines) + "\r\n", validate=False)
    except Exception as exc:  # vobject raises bare ParseError, ValueError, TypeError…
        where = getattr(exc, "lineNumber", None)
        line = start if not isinstance(where, int) else start + max(where - 1, 0)
        raise DataError(
            f"{label}: line {line}: cannot read this vCard ({type(exc).__name__})", _HINT
        ) from None
    contents: dict[str, list[object]] = card.contents
    names: list[str] = []
    aliases: list[str] = []
    for prop in contents.get("fn", []):
        value = str(getattr(prop, "value", "")).strip()
        if value and value not in names:
            names.append(value)
    if not names:
        for prop in contents.get("n", []):
            structured = getattr(prop, "value", None)
            parts = [str(getattr(structured, attr, "") or "") for attr in ("given", "additional", "family")]
            joined = " ".join(" ".join(part.split()) for part in parts if part.strip())
            if joined:
                names.append(joined)
                break
    for prop in contents.get("x-kinship-nickname", []):
        nickname = str(getattr(prop, "value", "")).strip()
        if nickname:
            aliases.append(nickname)
    aliases.extend(names[1:])
    emails: list[str] = []
    for prop in contents.get("email", []):
        email = str(getattr(prop, "value", "")).strip().removeprefix("mailto:")
        if "@" in email and email.lower() not in (known.lower() for known in emails):
            emails.append(email)
    phones: list[str] = []
    for prop in contents.get("tel", []):
        if "FAX" in _types(getattr(prop, "params", {})):
            left_out["fax_numbers"] += 1
            continue
        phone = clean_phone(str(getattr(prop, "value", "")))
        if phone is None:
            left_out["not_phones"] += 1
        elif phone not in phones:
            phones.append(phone)
    birthday = None
    for prop in contents.get("bday", []):
        value = str(getattr(prop, "value", ""))
        omit = getattr(prop, "params", {}).get("X-APPLE-OMIT-YEAR")
        if omit and value.startswith(str(omit[0])):
            value = "--" + value[len(str(omit[0])) :].lstrip("-")
        birthday = parse_birthday_value(value)
        if birthday:
            break
    notes = [str(getattr(prop, "value", "")).strip() for prop in contents.get("note", [])]
    note = "\n".join(text for text in notes if text) or None
    uids = [str(getattr(prop, "value", "")).strip() for prop in contents.get("uid", [])]
    name = names[0] if names else (emails[0] if emails else (phones[0] if phones else ""))
    if not name:
        left_out["rows_without_name"] += 1
        return None
    uid = next((text for text in uids if text), None)
    source_id = f"vcard:{uid}" if uid else "vcard:sha1:" + stable_hash(name, *sorted(emails), *sorted(phones))
    unique_aliases = tuple(dict.fromkeys(alias for alias in aliases if alias != name))
    return ContactRecord(
        source_id=source_id,
        name=name,
        emails=tuple(emails),
        phones=tuple(phones),
        birthday=birthday,
        note=note,
        aliases=unique_aliases,
    )


def parse_vcard(data: bytes | str, *, label: str, left_out: LeftOut | None = None) -> list[ContactRecord]:
    """Return the contacts of a vCard file, in file order; a card without name, email or phone is skipped.

    Raises DataError naming ``label`` and the line when the file is not a readable vCard file.
    """
    text = data if isinstance(data, str) else decode_text(data, label)
    counts: LeftOut = left_out if left_out is not None else LeftOut()
    records: list[ContactRecord] = []
    found = False
    for start, lines in _cards(text, label):
        found = True
        record = _record(start, lines, label, counts)
        if record is not None:
            records.append(record)
    if not found:
        raise DataError(f"{label}: line 1: no vCard in this file (no BEGIN:VCARD)", _HINT)
    return records
