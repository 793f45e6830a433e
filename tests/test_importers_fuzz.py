"""Whatever bytes a file holds, a parser returns records or raises DataError: never a traceback.

The one other clean error is the UsageError of a chat whose owner cannot be told (``--me``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinship.errors import DataError, UsageError
from kinship.importers.contacts_csv import parse_linkedin_csv, parse_outlook_csv
from kinship.importers.detect import FORMATS, detect_format
from kinship.importers.google_csv import parse_google_csv
from kinship.importers.ics import parse_ics
from kinship.importers.kinship_json import iter_export
from kinship.importers.sms_xml import parse_sms_xml
from kinship.importers.telegram import parse_telegram
from kinship.importers.vcard import parse_vcard
from kinship.importers.whatsapp import parse_whatsapp

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARSERS: dict[str, Callable[[bytes], object]] = {
    "vcard": lambda data: parse_vcard(data, label="f"),
    "google-csv": lambda data: parse_google_csv(data, label="f"),
    "ics": lambda data: parse_ics(data, zone=BERLIN, now=NOW, me="Me", label="f"),
    "whatsapp": lambda data: parse_whatsapp(
        data.splitlines(keepends=True), zone=BERLIN, me="John Doe", label="f"
    ),
    "telegram": lambda data: parse_telegram(data, zone=BERLIN, me="Author 1", label="f"),
    "sms-xml": lambda data: parse_sms_xml(data, zone=BERLIN, label="f"),
    "outlook-csv": lambda data: parse_outlook_csv(data, label="f"),
    "linkedin-csv": lambda data: parse_linkedin_csv(data, label="f"),
    "json": lambda data: list(iter_export(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig"), "f")),
}
SEEDS: dict[str, bytes] = {
    "vcard": (FIXTURES / "vcard" / "ezvcard-gmail-single.vcf").read_bytes(),
    "google-csv": (FIXTURES / "contacts-csv" / "google_contacts_current_header.csv").read_bytes(),
    "ics": (FIXTURES / "ics" / "khal-event_rrule_recuid.ics").read_bytes(),
    "whatsapp": (FIXTURES / "whatsapp" / "chatminer-ddmmyy_24hrs.txt").read_bytes(),
    "telegram": (FIXTURES / "telegram" / "chatminer-batch_export.json").read_bytes(),
    "sms-xml": (FIXTURES / "sms-xml" / "shruggie-edge_cases.xml").read_bytes(),
    "outlook-csv": (FIXTURES / "contacts-csv" / "kinship-outlook_com.csv").read_bytes(),
    "linkedin-csv": (FIXTURES / "contacts-csv" / "kinship-linkedin_Connections.csv").read_bytes(),
    "json": json.dumps(
        {
            "kinship_export": 1,
            "exported_at": "2026-11-26T10:00:00+00:00",
            "contacts": [{"id": "c1", "name": "Ana Lima", "emails": ["ana@example.org"]}],
            "interactions": [{"id": "i1", "when": "2026-11-25T10:00:00+01:00", "channel": "call"}],
            "state": {"snoozes": []},
        },
        indent=2,
    ).encode(),
}


def survives(fmt: str, data: bytes) -> None:
    try:
        PARSERS[fmt](data)
    except DataError as exc:
        assert exc.message.startswith("f: line "), exc.message
    except UsageError as exc:
        assert fmt in ("whatsapp", "telegram") and "you" in exc.message, exc.message


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_give_records_or_a_data_error(fmt: str, data: bytes) -> None:
    survives(fmt, data)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.binary(max_size=12), keep=st.booleans())
def test_damaged_real_files_give_records_or_a_data_error(fmt: str, cut: int, junk: bytes, keep: bool) -> None:
    seed = SEEDS[fmt]
    position = cut % (len(seed) + 1)
    damaged = seed[:position] + junk + (seed[position:] if keep else b"")
    survives(fmt, damaged)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_after_a_real_first_line_gives_records_or_a_data_error(fmt: str, text: str) -> None:
    first_line = SEEDS[fmt].splitlines(keepends=True)[0]
    survives(fmt, first_line + text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(head=st.binary(max_size=200), name=st.text(max_size=20))
def test_detect_format_returns_a_format_or_a_data_error(head: bytes, name: str) -> None:
    try:
        fmt = detect_format(head, name)
    except DataError as exc:
        assert exc.hint is not None and "--format" in exc.hint
        return
    assert fmt in FORMATS
