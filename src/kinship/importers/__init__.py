"""Pure import parsers (one module per format) and the import planner.

Each parser turns one file into ``records.ContactRecord`` / ``records.InteractionRecord`` values;
``plan.plan_import`` decides what they change in the log. Nothing here touches SQLite, the clock
or the environment. This module stays light: parsers and their libraries (icalendar, vobject,
defusedxml, dateutil) load only when a file of their format is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.importers.records import ContactRecord, InteractionRecord

CONTACT_FORMATS: tuple[str, ...] = ("vcard", "google-csv", "outlook-csv", "linkedin-csv")
INTERACTION_FORMATS: tuple[str, ...] = ("ics", "whatsapp", "telegram", "sms-xml")


@dataclass(frozen=True)
class ParsedFile:
    """What one file holds, ready for the planner."""

    format: str
    contacts: tuple[ContactRecord, ...] = ()
    interactions: tuple[InteractionRecord, ...] = ()
    left_out: tuple[tuple[str, int], ...] = ()
    """What the parser read but left out: (reason key of ``records.LEFT_OUT``, count)."""


def parse_file(
    fmt: str,
    source: bytes | Iterable[bytes],
    *,
    label: str,
    zone: dt.tzinfo,
    now: dt.datetime,
    me: str | None = None,
) -> ParsedFile:
    """Return the records of one file of format ``fmt`` (any name but ``json``).

    ``source`` is the file's bytes or, for streaming, an iterable of byte lines/chunks (a file
    opened ``"rb"``): WhatsApp and SMS XML are read as a stream, the others joined first.
    ``label`` names the file in errors. Raises DataError for an unreadable file and UsageError
    when a chat needs ``me``.
    """
    from kinship.importers.records import LeftOut

    left_out = LeftOut()

    def parsed(
        contacts: Iterable[ContactRecord] = (), interactions: Iterable[InteractionRecord] = ()
    ) -> ParsedFile:
        return ParsedFile(fmt, tuple(contacts), tuple(interactions), tuple(sorted((+left_out).items())))

    if fmt == "whatsapp":
        from kinship.importers.whatsapp import parse_whatsapp

        lines = source.splitlines(keepends=True) if isinstance(source, bytes) else source
        return parsed(
            interactions=parse_whatsapp(lines, zone=zone, me=me, label=label, now=now, left_out=left_out)
        )
    if fmt == "sms-xml":
        from kinship.importers.sms_xml import parse_sms_xml

        return parsed(interactions=parse_sms_xml(source, zone=zone, label=label, now=now, left_out=left_out))
    data = source if isinstance(source, bytes) else b"".join(source)
    if fmt == "vcard":
        from kinship.importers.vcard import parse_vcard

        return parsed(contacts=parse_vcard(data, label=label, left_out=left_out))
    if fmt == "google-csv":
        from kinship.importers.google_csv import parse_google_csv

        return parsed(contacts=parse_google_csv(data, label=label, left_out=left_out))
    if fmt == "outlook-csv":
        from kinship.importers.contacts_csv import parse_outlook_csv

        return parsed(contacts=parse_outlook_csv(data, label=label, left_out=left_out))
    if fmt == "linkedin-csv":
        from kinship.importers.contacts_csv import parse_linkedin_csv

        return parsed(contacts=parse_linkedin_csv(data, label=label, left_out=left_out))
    if fmt == "ics":
        from kinship.importers.ics import parse_ics

        return parsed(interactions=parse_ics(data, zone=zone, now=now, me=me, label=label, left_out=left_out))
    if fmt == "telegram":
        from kinship.importers.telegram import parse_telegram

        return parsed(
            interactions=parse_telegram(data, zone=zone, me=me, label=label, now=now, left_out=left_out)
        )
    raise ValueError(f"parse_file does not read the {fmt!r} format")
