"""vCard and Google Contacts CSV parsing against real exports (tests/fixtures, see SOURCES.txt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kinship.errors import DataError
from kinship.importers.contacts_csv import parse_linkedin_csv, parse_outlook_csv
from kinship.importers.detect import detect_format
from kinship.importers.google_csv import parse_google_csv
from kinship.importers.records import ContactRecord, LeftOut, parse_birthday_value
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


# ---- phones as files really write them, Outlook and LinkedIn CSV, strict CSV (issues 9, 10) ----


def test_vcard_labels_stored_as_phones_and_tel_uri_extensions() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dev Patel\r\nTEL;TYPE=work:BusinessPhone\r\n"
        "TEL;TYPE=cell:MobilePhone\r\nTEL;VALUE=uri;TYPE=work:tel:+1-555-555-5555;ext=102\r\n"
        "TEL;TYPE=fax:+1 555 0199\r\nEND:VCARD\r\n"
    )
    left_out = LeftOut()
    (record,) = parse_vcard(card, label="x.vcf", left_out=left_out)
    assert record.phones == ("+1-555-555-5555",)
    assert left_out == LeftOut({"not_phones": 2, "fax_numbers": 1})


def test_outlook_vcard_fax_is_counted() -> None:
    left_out = LeftOut()
    parse_vcard(
        (FIXTURES / "vcard" / "ezvcard-outlook-2007.vcf").read_bytes(), label="o.vcf", left_out=left_out
    )
    assert left_out["fax_numbers"] >= 1


def test_google_csv_fax_numbers_are_skipped_like_vcard_faxes() -> None:
    text = (
        "Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value\n"
        "Ana Lima,Ana,Lima,Work Fax,+49 30 1234568,Mobile,+49 170 5550101 ::: tel:+49 30 1;ext=7\n"
    )
    left_out = LeftOut()
    (record,) = parse_google_csv(text, label="g.csv", left_out=left_out)
    assert record.phones == ("+49 170 5550101", "+49 30 1")
    assert left_out["fax_numbers"] == 1


def test_google_csv_with_an_unterminated_quote_is_refused_naming_its_line() -> None:
    text = 'Name,Given Name,E-mail 1 - Value\nAna,Ana,a@x.org\n"unterminated,,\nBob,Bob,b@x.org\n'
    with pytest.raises(DataError, match=r"^g\.csv: line 3: unterminated quote"):
        parse_google_csv(text, label="g.csv")


def test_outlook_desktop_csv_reads_emails_phones_birthday_and_skips_faxes() -> None:
    data = (FIXTURES / "contacts-csv" / "kinship-outlook_desktop.csv").read_bytes()  # cp1252, CRLF
    assert detect_format(data, "contacts.csv") == "outlook-csv"
    left_out = LeftOut()
    ana, ben, dentist = parse_outlook_csv(data, label="contacts.csv", left_out=left_out)
    assert ana.name == "Ana Lima"
    assert ana.emails == ("ana.lima@example.org", "ana@home.example")
    assert ana.phones == ("+49 30 1234567", "+49 170 5550101")
    assert ana.birthday == "1988-05-23"  # 23/5/1988: the file writes day first
    assert ana.note == "met at the climbing gym\nlikes tea"
    assert ben.emails == ("ben.okafor@example.com",)  # the Exchange /o=… address is not an email
    assert ben.birthday is None  # 0/0/00
    assert dentist.name == "Dentist Dr. Weiß"
    assert left_out == LeftOut({"fax_numbers": 2})


def test_outlook_com_csv_reads_nickname_and_drops_labels_and_extensions() -> None:
    data = (FIXTURES / "contacts-csv" / "kinship-outlook_com.csv").read_bytes()  # UTF-8 with BOM
    assert detect_format(data, "contacts.csv") == "outlook-csv"
    left_out = LeftOut()
    chloe, dev = parse_outlook_csv(data, label="contacts.csv", left_out=left_out)
    assert (chloe.name, chloe.aliases, chloe.birthday) == ("Chloé Durand", ("Clo",), "1990-11-06")
    assert chloe.phones == ("+33 6 12 34 56 78",)
    assert dev.phones == ("+1-555-0100",)
    assert left_out == LeftOut({"fax_numbers": 1, "not_phones": 1})


def test_linkedin_connections_skip_the_preamble_and_keep_company_and_connected_day() -> None:
    data = (FIXTURES / "contacts-csv" / "kinship-linkedin_Connections.csv").read_bytes()
    assert detect_format(data, "Connections.csv") == "linkedin-csv"
    left_out = LeftOut()
    ana, erik = parse_linkedin_csv(data, label="Connections.csv", left_out=left_out)
    assert (ana.name, ana.emails, ana.note, ana.added) == (
        "Ana Lima",
        ("ana.lima@example.org",),
        "Company: Acme",
        dt.date(2021, 3, 5),
    )
    assert ana.source_id == "linkedin:https://www.linkedin.com/in/ana-lima-example"
    assert (erik.emails, erik.note) == ((), "Company: Nordic Bikes, AB")
    assert left_out == LeftOut({"rows_without_name": 1})  # a member who hides their name


def test_linkedin_broken_row_names_its_line_counting_the_preamble() -> None:
    data = (FIXTURES / "contacts-csv" / "kinship-linkedin_Connections.csv").read_text() + 'Zoe,"Ng,x\n'
    with pytest.raises(DataError, match=r"^c\.csv: line 8: unterminated quote"):
        parse_linkedin_csv(data, label="c.csv")
