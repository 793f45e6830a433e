"""vCard and Google Contacts CSV parsing against real exports (tests/fixtures, see SOURCES.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinship.errors import DataError
from kinship.importers.google_csv import parse_google_csv
from kinship.importers.records import ContactRecord, parse_birthday_value
from kinship.importers.vcard import parse_vcard

FIXTURES = Path(__file__).parent / "fixtures"


def vcards(name: str) -> list[ContactRecord]:
    return parse_vcard((FIXTURES / "vcard" / name).read_bytes(), label=name)


def test_android_vcard_with_quoted_printable_soft_breaks_reads_all_six_cards() -> None:
    cards = vcards("ezvcard-John_Doe_ANDROID.vcf")
    assert [card.name for card in cards] == [
        "john.doe@company.com",
        "jane.doe@company.com",
        "Ñ Ñ Ñ Ñ Ñ",
        "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ",
        "Ñ Ñ Ñ Ñ",
        "ÑÑÑÑ",
    ]
    assert [card.emails for card in cards] == [
        ("john.doe@company.com",),
        ("jane.doe@company.com",),
        (),
        (),
        ("bob@company.com",),  # the second, quoted-printable "email" has no @
        ("henry@company.com",),
    ]
    assert cards[3].phones == ("123456", "234567", "3456789", "45678901")
    assert cards[4].phones == ("123456",)  # the fax is left out, the work number is the same
    assert cards[3].note is not None and cards[3].note.count("\n") == 1  # two NOTE lines, joined
    assert all(card.birthday is None for card in cards)


def test_iphone_vcard_with_cr_cr_lf_and_item_groups() -> None:
    (card,) = vcards("ezvcard-John_Doe_IPHONE.vcf")
    assert card.name == "Mr. John Richter James Doe Sr."
    assert card.aliases == ("Johny",)
    assert card.emails == ("john.doe@ibm.com",)
    assert card.phones == ("905-555-1234", "905-666-1234", "905-777-1234", "905-111-1234", "905-222-1234")
    assert card.birthday == "2012-06-06"
    assert card.source_id.startswith("vcard:sha1:")


def test_gmail_vcard_reads_folded_note_and_nickname() -> None:
    (card,) = vcards("ezvcard-gmail-single.vcf")
    assert card == ContactRecord(
        source_id=card.source_id,
        name="Greg Dartmouth",
        emails=("gdartmouth@hotmail.com",),
        phones=("555 555 1111", "555 555 2222"),
        birthday="1960-09-10",
        note="This is GMail's note field.\nIt should be added as a NOTE type.\nACustomField: CustomField",
        aliases=("Gman",),
    )


def test_outlook_vcard_decodes_quoted_printable_note_and_basic_birthday() -> None:
    (card,) = vcards("ezvcard-outlook-2007.vcf")
    assert card.name == "Mr. Michael Angstadt Jr."
    assert card.aliases == ("Mike",)
    assert card.emails == ("mike.angstadt@gmail.com",)
    assert card.phones == ("(111) 555-1111", "(111) 555-2222", "(111) 555-4444")
    assert card.birthday == "1922-03-10"
    assert card.note is not None
    assert card.note.splitlines()[-1] == "It does not preserve the formatting"


def test_vcard4_uses_uid_and_keeps_other_language_name_as_alias() -> None:
    (card,) = vcards("vobject-vcard40_multilang.vcf")
    assert card.source_id == "vcard:urn:uuid:multilang-vcard-example"
    assert card.name == "Yamada Taro"
    assert card.aliases == ("山田太郎",)


def test_source_id_is_stable_across_parses() -> None:
    assert vcards("ezvcard-gmail-single.vcf") == vcards("ezvcard-gmail-single.vcf")


def test_vcard_partial_birthdays_and_apple_omit_year() -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Lima\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nFN:Bo\nBDAY:--0704\nEND:VCARD\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy\r\nBDAY:--11-06\r\nNICKNAME:Cyd,C\\,Y\r\nEND:VCARD\r\n"
    )
    cards = parse_vcard(text.encode(), label="x.vcf")
    assert [card.birthday for card in cards] == ["--03-15", "--07-04", "--11-06"]
    assert cards[2].aliases == ("Cyd", "C,Y")


def test_vcard_without_fn_uses_n() -> None:
    (card,) = parse_vcard(b"BEGIN:VCARD\nVERSION:3.0\nN:Lima;Ana;;;\nEND:VCARD\n", label="x.vcf")
    assert card.name == "Ana Lima"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"hello\nworld\n", 1),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana\n", 3),
        (b"BEGIN:VCARD\nFN:Ana\nEND:VCARD\n\nEND:VCARD\n", 5),
        (b"", 1),
    ],
)
def test_broken_vcard_is_a_data_error_naming_file_and_line(data: bytes, line: int) -> None:
    with pytest.raises(DataError) as caught:
        parse_vcard(data, label="friends.vcf")
    assert caught.value.message.startswith(f"friends.vcf: line {line}:")
    assert caught.value.hint


def test_legacy_google_csv() -> None:
    data = (FIXTURES / "contacts-csv" / "google_contacts_legacy_header.csv").read_bytes()
    rows = parse_google_csv(data, label="google.csv")
    assert [(row.name, row.emails, row.phones) for row in rows] == [
        ("Richard Feynman", ("rich@caltech.edu",), ()),
        (
            "iforgotthisguysnamebutihavehisemail@gmail.com",
            ("iforgotthisguysnamebutihavehisemail@gmail.com",),
            (),
        ),
        ("Elon Musk", ("elon.musk@tesla.com",), ()),
    ]
    assert all(row.source_id.startswith("google-csv:sha1:") for row in rows)


def test_current_google_csv_with_bom_multiline_note_and_multi_values() -> None:
    data = (FIXTURES / "contacts-csv" / "google_contacts_current_header.csv").read_bytes()
    ana, jose, acme = parse_google_csv(data, label="google.csv")
    assert ana.name == "Ana Lima"
    assert ana.aliases == ("Aninha",)
    assert ana.emails == ("ana@example.org", "ana.lima@work.example")
    assert ana.phones == ("+49 151 2345 6789",)
    assert ana.birthday == "1990-11-06"
    assert ana.note == "Met at the climbing gym.\nLikes tea, not coffee."
    assert jose.name == "José María Núñez"
    assert jose.phones == ("0151 9876 5432", "+49 30 1234567")
    assert jose.birthday == "--03-15"
    assert acme.name == "Acme Plumbing"
    assert acme.phones == ("+1 905 555 1234",)


def test_csv_that_is_not_google_is_refused() -> None:
    with pytest.raises(DataError, match=r"^x\.csv: line 1: not a Google Contacts CSV header"):
        parse_google_csv(b"a,b,c\n1,2,3\n", label="x.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-11-06", "1990-11-06"),
        ("19901106", "1990-11-06"),
        ("--11-06", "--11-06"),
        ("--1106", "--11-06"),
        ("1604-03-15", "--03-15"),
        ("1990-02-30", None),
        ("soon", None),
        ("", None),
    ],
)
def test_birthday_values(text: str, expected: str | None) -> None:
    assert parse_birthday_value(text) == expected
