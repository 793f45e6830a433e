"""Chat exports: WhatsApp, Telegram and SMS Backup & Restore, against real and small synthetic files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.errors import DataError, UsageError
from kinship.importers._chat import DayTally
from kinship.importers.records import InteractionRecord, LeftOut, Participant
from kinship.importers.sms_xml import _fix_references, _fixed_chunks, parse_sms_xml
from kinship.importers.telegram import parse_telegram
from kinship.importers.whatsapp import parse_whatsapp
from kinship.models import Channel

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


def summary(records: list[InteractionRecord]) -> list[tuple[str, str, str | None, int | None]]:
    return [
        (record.day.isoformat(), record.channel.value, record.participants[0].name, record.messages)
        for record in records
    ]


def whatsapp_text(text: str, me: str | None = "Me") -> list[InteractionRecord]:
    return parse_whatsapp(text.splitlines(keepends=True), zone=BERLIN, me=me, label="chat.txt")


CHATMINER_GROUP = [
    ("2019-01-30", "message", "Jahn Doe", 1),
    ("2020-06-10", "message", "John-John Doe", 1),
    ("2021-12-10", "message", "John Doe 🤓", 1),
    ("2021-12-20", "message", "🤓", 1),
]


@pytest.mark.parametrize(
    "name",
    ["chatminer-bracket_mmddyy_24hrs.txt", "chatminer-ddmmyy_24hrs.txt", "chatminer-mmddyyyy_12hrs.txt"],
)
def test_whatsapp_locales_give_the_same_days(name: str) -> None:
    with (FIXTURES / "whatsapp" / name).open("rb") as lines:
        records = parse_whatsapp(lines, zone=BERLIN, me="John Doe", label=name)
    assert summary(records) == CHATMINER_GROUP
    assert all(record.group_chat for record in records)  # "created group" and "You were added"
    assert records[0].source_id == "whatsapp:group-groupname:2019-01-30:jahn-doe"
    assert records[0].when.isoformat() == "2019-01-30T20:49:00+01:00"


def test_whatsapp_ambiguous_dates_read_the_way_they_run_forward() -> None:
    with (FIXTURES / "whatsapp" / "pustur-short-chat.txt").open("rb") as lines:
        records = parse_whatsapp(lines, zone=BERLIN, me="Me", label="short-chat.txt")
    assert [(r.day.isoformat(), r.participants[0]) for r in records] == [
        ("2017-06-03", Participant(name="Sample User", source_id="whatsapp:name:sample-user")),
        ("2017-08-05", Participant(name="TestBot", source_id="whatsapp:name:testbot")),
        ("2017-09-04", Participant(phone="+410123456789", source_id="whatsapp:name:+410123456789")),
    ]
    assert {record.source_id.split(":")[1] for record in records} == {"group-shortchat"}


IOS_ONE_TO_ONE = (
    "[31.12.20, 23:59:58] Ana Lima: Happy new year!\n"
    "[31.12.20, 23:59:59] Me: You too\n"
    "that was a long message\n"
    "\n"
    "[01.01.21, 10:00:00] \u200eAna Lima: \u200e<attached: 00000012-PHOTO-2021-01-01.jpg>\n"
    "[01.01.21, 10:05:00] Ana Lima: \u200eMissed voice call\n"
    "[01.01.21, 18:00:00] Me: \u200eVoice call, \u200e12 min\n"
    "[02.01.21, 09:00:00] Me: \u200eVideo call, \u200e1 hr\n"
    "[02.01.21, 09:30:00] Me: are you there?\n"
)


def test_whatsapp_ios_one_to_one_counts_both_sides_per_day_and_calls() -> None:
    records = whatsapp_text(IOS_ONE_TO_ONE)
    assert [(r.source_id, r.channel, r.messages, r.minutes, r.group_chat) for r in records] == [
        ("whatsapp:ana-lima:2020-12-31:ana-lima", Channel.MESSAGE, 2, None, False),
        ("whatsapp:ana-lima:2021-01-01:ana-lima", Channel.MESSAGE, 1, None, False),
        ("whatsapp:ana-lima:2021-01-01:ana-lima:call", Channel.CALL, None, 12, False),
        ("whatsapp:ana-lima:2021-01-02:ana-lima", Channel.MESSAGE, 1, None, False),
        ("whatsapp:ana-lima:2021-01-02:ana-lima:video", Channel.VIDEO, None, 60, False),
    ]
    assert records[0].when.isoformat() == "2020-12-31T23:59:58+01:00"


def test_whatsapp_longer_export_keeps_the_same_source_ids() -> None:
    longer = whatsapp_text(IOS_ONE_TO_ONE + "[03.01.21, 08:00:00] Ana Lima: morning\n")
    assert {r.source_id for r in whatsapp_text(IOS_ONE_TO_ONE)} < {r.source_id for r in longer}


def test_whatsapp_android_12_hour_with_narrow_spaces_and_media() -> None:
    text = (
        "1/15/24, 9:05\u202fPM - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
        "1/15/24, 9:05\u202fPM - Bo: <Media omitted>\n"
        "1/15/24, 11:59\u202fPM - Me: ok\n"
        "1/16/24, 12:01\u202fAM - Bo: IMG-20240116-WA0001.jpg (file attached)\n"
    )
    records = whatsapp_text(text)
    assert summary(records) == [("2024-01-15", "message", "Bo", 2), ("2024-01-16", "message", "Bo", 1)]
    assert records[1].when.isoformat() == "2024-01-16T00:01:00+01:00"
    assert not records[0].group_chat


def test_whatsapp_four_digit_years_and_dashes() -> None:
    records = whatsapp_text("2024-03-05, 14:00 - Bo: hi\n2024-03-06, 14:00 - Me: hi\n")
    assert [record.day for record in records] == [dt.date(2024, 3, 5), dt.date(2024, 3, 6)]


def test_whatsapp_three_senders_is_a_group_counting_each_sender() -> None:
    text = (
        "01/02/24, 10:00 - Bo: a\n01/02/24, 10:01 - Cy: b\n01/02/24, 10:02 - Cy: c\n01/02/24, 10:03 - Me: d\n"
    )
    records = whatsapp_text(text)
    assert summary(records) == [("2024-02-01", "message", "Bo", 1), ("2024-02-01", "message", "Cy", 2)]
    assert all(record.group_chat for record in records)


def test_whatsapp_without_me_asks_for_it() -> None:
    with pytest.raises(UsageError, match="you") as caught:
        whatsapp_text(IOS_ONE_TO_ONE, me=None)
    assert caught.value.hint is not None and "--me" in caught.value.hint


def test_whatsapp_with_a_wrong_me_in_a_two_person_chat_is_refused() -> None:
    with pytest.raises(UsageError, match="neither sender"):
        whatsapp_text(IOS_ONE_TO_ONE, me="Someone Else")


def test_whatsapp_streams_lines_from_a_generator() -> None:
    def lines() -> Iterator[str]:
        for day in range(1, 29):
            for minute in range(50):
                yield f"{day:02d}/02/2024, 10:{minute:02d} - Bo: message\n"
                yield "a continuation line\n"

    records = parse_whatsapp(lines(), zone=BERLIN, me="Me", label="gen.txt")
    assert len(records) == 28
    assert {record.messages for record in records} == {50}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("hello there\n", 1),
        ("\n\nnot a chat\n", 3),
        ("31/02/24, 10:00 - Bo: a\n01/03/24, 10:00 - Bo: b\n", 1),
        ("01/01/24, 25:00 - Bo: a\n", 1),
    ],
)
def test_whatsapp_bad_file_names_file_and_line(text: str, line: int) -> None:
    with pytest.raises(DataError, match=rf"^chat\.txt: line {line}: "):
        whatsapp_text(text)


def test_whatsapp_invalid_utf8_names_the_line() -> None:
    with pytest.raises(DataError, match=r"^chat\.txt: line 2: not UTF-8"):
        parse_whatsapp([b"01/01/24, 10:00 - Bo: a\n", b"\xff\xfe\n"], zone=BERLIN, me="Me", label="chat.txt")


def test_telegram_single_and_full_exports() -> None:
    for name in ("chatminer-single_export.json", "chatminer-batch_export.json"):
        records = parse_telegram(
            (FIXTURES / "telegram" / name).read_bytes(), zone=BERLIN, me="Author 1", label=name
        )
        assert summary(records) == [("2018-12-05", "message", "Author 2", 2)]
        assert records[0].when.isoformat() == "2018-12-05T11:39:10+01:00"  # from date_unixtime
    batch = parse_telegram(
        (FIXTURES / "telegram" / "chatminer-batch_export.json").read_bytes(),
        zone=BERLIN,
        me="Author 1",
        label="b",
    )
    assert batch[0].source_id == "telegram:chatname:2018-12-05:author-2"


def test_telegram_without_me_asks_for_it() -> None:
    data = (FIXTURES / "telegram" / "chatminer-single_export.json").read_bytes()
    with pytest.raises(UsageError):
        parse_telegram(data, zone=BERLIN, me=None, label="result.json")


def test_telegram_personal_chat_knows_the_owner_and_reads_calls() -> None:
    export = {
        "name": "Ana Lima",
        "type": "personal_chat",
        "id": 42,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2024-05-01T09:00:00",
                "from": "Ana Lima",
                "from_id": "user42",
                "text": "x",
            },
            {
                "id": 2,
                "type": "message",
                "date": "2024-05-01T09:01:00",
                "from": "Me Myself",
                "from_id": "user7",
                "text": "y",
            },
            {
                "id": 3,
                "type": "service",
                "date": "2024-05-01T20:00:00",
                "actor": "Me Myself",
                "actor_id": "user7",
                "action": "phone_call",
                "duration_seconds": 600,
            },
            {
                "id": 4,
                "type": "service",
                "date": "2024-05-02T09:00:00",
                "actor": "Ana Lima",
                "action": "pin_message",
            },
        ],
    }
    records = parse_telegram(json.dumps(export).encode(), zone=BERLIN, me=None, label="result.json")
    assert [(r.source_id, r.channel, r.messages, r.minutes) for r in records] == [
        ("telegram:42:2024-05-01:user42", Channel.MESSAGE, 2, None),
        ("telegram:42:2024-05-01:user42:call", Channel.CALL, None, 10),
    ]
    assert records[0].participants == (Participant(name="Ana Lima", source_id="telegram:user42"),)
    assert records[0].when.isoformat() == "2024-05-01T09:00:00+02:00"


def test_older_telegram_export_with_numeric_ids_names_the_partner_as_newer_ones_do() -> None:
    data = (FIXTURES / "telegram" / "kinship-desktop-1x_personal_chat.json").read_bytes()
    records = parse_telegram(data, zone=BERLIN, me=None, label="result.json")
    assert [(r.source_id, r.channel, r.messages, r.minutes) for r in records] == [
        ("telegram:183427006:2019-05-03:user183427006", Channel.MESSAGE, 2, None),
        ("telegram:183427006:2019-05-04:user183427006:call", Channel.CALL, None, 13),
        ("telegram:183427006:2019-05-06:user183427006", Channel.MESSAGE, 1, None),
    ]
    assert {r.participants for r in records} == {
        (Participant(name="Ana Lima", source_id="telegram:user183427006"),)
    }
    # the same chat with the owner named by --me gives the same records
    assert parse_telegram(data, zone=BERLIN, me="Sam Rivera", label="result.json") == records


def test_older_telegram_chat_without_the_partners_id_uses_me() -> None:
    export = json.loads((FIXTURES / "telegram" / "kinship-desktop-1x_personal_chat.json").read_bytes())
    export["id"] = 1  # some exports give the chat its own id, not the partner's
    export["name"] = "Ana"
    data = json.dumps(export).encode()
    records = parse_telegram(data, zone=BERLIN, me="Sam Rivera", label="result.json")
    assert {r.participants[0].name for r in records} == {"Ana Lima"}


def test_telegram_messages_after_now_and_owner_only_chats_are_counted() -> None:
    data = (FIXTURES / "telegram" / "kinship-desktop-1x_personal_chat.json").read_bytes()
    left_out = LeftOut()
    now = dt.datetime(2019, 5, 5, tzinfo=BERLIN)
    records = parse_telegram(data, zone=BERLIN, me=None, label="r.json", now=now, left_out=left_out)
    assert [r.day.day for r in records] == [3, 4]
    assert left_out["after_now"] == 1
    export = json.loads(data)
    export["messages"] = [m for m in export["messages"] if m.get("from_id") != 183427006]
    left_out = LeftOut()
    assert parse_telegram(json.dumps(export), zone=BERLIN, me=None, label="r", left_out=left_out) == []
    assert left_out["owner_only"] == 3  # days


@pytest.mark.parametrize(
    ("data", "line"), [(b'{"messages": [\n{"type": "message",\n', 3), (b"[1, 2]", 1), (b'{"a": 1}', 1)]
)
def test_telegram_bad_json_names_file_and_line(data: bytes, line: int) -> None:
    with pytest.raises(DataError, match=rf"^result\.json: line {line}: "):
        parse_telegram(data, zone=BERLIN, me="Me", label="result.json")


def test_sms_edge_cases_parse() -> None:
    records = parse_sms_xml(
        (FIXTURES / "sms-xml" / "shruggie-edge_cases.xml").read_bytes(), zone=UTC, label="sms.xml"
    )
    assert [(r.source_id, r.when.isoformat(), r.participants[0]) for r in records] == [
        (
            "sms:5551112222:2021-01-01:5551112222",
            "2021-01-01T00:00:00+00:00",
            Participant(phone="+15551112222"),
        ),
        (
            "sms:5553334444:2021-01-01:5553334444",
            "2021-01-01T01:00:00+00:00",
            Participant(name="Charlie Unicode", phone="+15553334444"),
        ),
        (
            "sms:5555556666:2021-01-01:5555556666",
            "2021-01-01T02:00:00+00:00",
            Participant(name="Dana Empty", phone="+15555556666"),
        ),
        (
            "sms:5557778888:2021-01-01:5557778888",
            "2021-01-01T03:00:00+00:00",
            Participant(name="Eve NoParts", phone="+15557778888"),
        ),
    ]
    assert {(r.channel, r.messages, r.group_chat) for r in records} == {(Channel.MESSAGE, 1, False)}


@pytest.mark.parametrize(
    ("name", "line"), [("devadvance-sms_and_mms.xml", 136), ("shruggie-malformed.xml", 4)]
)
def test_sms_files_that_are_not_well_formed_fail_whole_naming_the_line(name: str, line: int) -> None:
    with pytest.raises(DataError, match=rf"^{name}: line {line}: not well-formed XML") as caught:
        parse_sms_xml((FIXTURES / "sms-xml" / name).read_bytes(), zone=UTC, label=name)
    assert "Body text" not in caught.value.message


def test_sent_mms_naming_the_other_party_as_sender_does_not_make_them_the_owner() -> None:
    data = (FIXTURES / "sms-xml" / "devadvance-sms_and_mms.xml").read_bytes() + b"</parts></mms></smses>\n"
    start = data.index(b'msg_box="2" address="+15550000006"')
    owner_from = b'<addr address="+15550000007" type="137"'
    cut = data.index(owner_from, start)  # this sent MMS's FROM: the owner's own number
    odd = data[:cut] + b'<addr address="+15550000006" type="137"' + data[cut + len(owner_from) :]
    phones = {r.participants[0].phone for r in parse_sms_xml(odd, zone=UTC, label="sms.xml")}
    assert "+15550000006" in phones  # their conversation is kept
    assert phones == {r.participants[0].phone for r in parse_sms_xml(data, zone=UTC, label="sms.xml")}


def test_sms_after_now_is_counted_and_an_absurd_call_is_clamped() -> None:
    data = (
        b'<calls count="2"><call number="+15550000001" duration="9000000000" date="1700000000000" type="1"/>'
        b'<call number="+15550000001" duration="60" date="1900000000000" type="2"/></calls>'
    )
    left_out = LeftOut()
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    (record,) = parse_sms_xml(data, zone=UTC, label="calls.xml", now=now, left_out=left_out)
    assert record.minutes == 1440
    assert left_out == LeftOut({"after_now": 1, "durations_clamped": 1})


def test_sms_truncated_backup_once_closed_counts_threads_and_groups() -> None:
    data = (FIXTURES / "sms-xml" / "devadvance-sms_and_mms.xml").read_bytes() + b"</parts></mms></smses>\n"
    records = parse_sms_xml(data, zone=UTC, label="sms.xml")
    assert [
        (r.day.isoformat(), r.participants[0].name or r.participants[0].phone, r.messages, r.group_chat)
        for r in records
    ] == [
        ("2017-12-02", "Contact A", 14, False),
        ("2017-12-02", "Contact B", 2, False),
        ("2017-12-02", "Contact C", 8, False),
        ("2017-12-02", "Contact B", 2, False),  # a second number of Contact B
        ("2017-12-03", "Contact A", 15, False),
        ("2024-07-14", "Contact D", 2, False),
        ("2024-07-14", "+15550000009", 1, True),  # an RCS group; the owner's own number is left out
        ("2024-07-15", "Contact D", 1, False),
        ("2024-07-15", "+15550000010", 1, True),
        ("2024-07-16", "+15550000011", 1, False),
        ("2024-07-17", "+15550000011", 1, False),
    ]


SMS_WITH_SURROGATES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<smses count="2">\n'
    '<sms address="+49 151 1111111" date="1700000000000" type="2" body="&#55357;&#56832; ok" '
    'contact_name="Zo&#55357;&#56832;" />\n'
    '<sms address="+49 151 1111111" date="1700000001000" type="3" body="draft" contact_name="Zo" />\n'
    "</smses>\n"
    '<!-- --><calls count="0"/>'
)


def test_sms_surrogate_pair_references_become_one_character() -> None:
    data = SMS_WITH_SURROGATES.rsplit("\n", 1)[0].encode()
    (record,) = parse_sms_xml(data, zone=UTC, label="sms.xml")
    assert record.participants[0].name == "Zo\U0001f600"
    assert record.messages == 1  # the draft is not a message


def test_surrogate_fix_never_splits_a_pair_across_chunks() -> None:
    text = b"<a b='" + b"x&#55357;&#56832;" * 40 + b"'/>"
    for size in range(1, 40):
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert b"".join(_fixed_chunks(chunks)) == _fix_references(text)
    assert _fix_references(b"&#55357;&#56832;&#56832;") == b"&#128512;&#65533;"


def test_sms_call_log() -> None:
    data = (
        b'<?xml version="1.0"?>\n<calls count="3">\n'
        b'<call number="+4915111111111" duration="125" date="1700000000000" type="1" contact_name="Ana" />\n'
        b'<call number="+4915111111111" duration="0" date="1700000100000" type="3" contact_name="Ana" />\n'
        b'<call number="+4915111111111" duration="0" date="1700000200000" type="5" contact_name="Ana" />\n'
        b"</calls>\n"
    )
    (record,) = parse_sms_xml(data, zone=UTC, label="calls.xml")
    assert (record.channel, record.minutes, record.participants[0].name) == (Channel.CALL, 2, "Ana")


def test_sms_external_entities_are_refused() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<smses><sms address="1" date="1" type="1" body="&x;" /></smses>\n'
    )
    with pytest.raises(DataError, match=r"^sms\.xml: line \d+: "):
        parse_sms_xml(data, zone=UTC, label="sms.xml")


def test_sms_bad_date_names_the_line() -> None:
    data = b'<smses>\n<sms address="+15551234567" date="bad" type="1" body="x" />\n</smses>\n'
    with pytest.raises(DataError, match=r"^sms\.xml: line 2: the date"):
        parse_sms_xml(data, zone=UTC, label="sms.xml")


def test_day_tally_add_keeps_the_earliest_time() -> None:
    early = dt.datetime(2024, 1, 1, 8, tzinfo=UTC)
    tally = DayTally(dt.datetime(2024, 1, 1, 9, tzinfo=UTC), messages=1)
    tally.add(DayTally(early, messages=2, calls=1, call_minutes=3))
    assert (tally.when, tally.messages, tally.calls, tally.call_minutes) == (early, 3, 1, 3)


def test_missed_calls_are_not_contact() -> None:
    chat = "[01.01.21, 10:05:00] Ana Lima: \u200eMissed voice call\n[01.01.21, 11:00:00] Me: sorry!\n"
    records = whatsapp_text(chat)
    assert [(r.channel, r.messages) for r in records] == [(Channel.MESSAGE, 1)]  # only my message
    calls = (
        b'<?xml version="1.0"?>\n<calls count="1">\n'
        b'<call number="+4915111111111" duration="0" date="1700000100000" type="3" contact_name="Ana" />\n'
        b"</calls>\n"
    )
    assert parse_sms_xml(calls, zone=UTC, label="calls.xml") == []


@pytest.mark.parametrize(
    ("line", "channel", "minutes"),
    [
        ("Sprachanruf, 12 Min.", Channel.CALL, 12),
        ("Videoanruf, 1 Std.", Channel.VIDEO, 60),
        ("Llamada de voz, 5 min", Channel.CALL, 5),
        ("Videollamada, 3 min", Channel.VIDEO, 3),
        ("Appel vocal, 7 min", Channel.CALL, 7),
        ("Chamada de vídeo, 2 min", Channel.VIDEO, 2),
        ("Chiamata vocale, 4 min", Channel.CALL, 4),
    ],
)
def test_call_lines_in_other_locales_become_calls(line: str, channel: Channel, minutes: int) -> None:
    records = whatsapp_text(f"[01.01.21, 10:05:00] Ana Lima: \u200e{line}\n[01.01.21, 11:00:00] Me: hi\n")
    calls = [r for r in records if r.channel is channel]
    assert [(r.channel, r.minutes) for r in calls] == [(channel, minutes)]


@pytest.mark.parametrize("line", ["Sprachanruf verpasst", "Verpasster Videoanruf", "Llamada perdida"])
def test_missed_calls_in_other_locales_are_not_contact(line: str) -> None:
    records = whatsapp_text(f"[01.01.21, 10:05:00] Ana Lima: \u200e{line}\n[01.01.21, 11:00:00] Me: hi\n")
    assert [(r.channel, r.messages) for r in records] == [(Channel.MESSAGE, 1)]


def test_mixed_date_orders_name_the_line_that_gives_it_away() -> None:
    text = "20/01/19, 11:23 - Ana: hi\n21/01/19, 11:24 - Me: hi\n01/25/19, 11:25 - Ana: hm\n"
    with pytest.raises(DataError, match=r"^chat\.txt: line 3: the dates mix"):
        whatsapp_text(text)


def test_missed_calls_and_unsent_texts_are_counted_not_imported() -> None:
    data = (
        b'<smses count="2"><sms address="+15550000001" date="1700000000000" type="3" body="draft"/>'
        b'<sms address="+15550000001" date="1700000000000" type="1" body="hi"/></smses>'
    )
    left_out = LeftOut()
    assert len(parse_sms_xml(data, zone=UTC, label="sms.xml", left_out=left_out)) == 1
    assert left_out == LeftOut({"not_sent": 1})
    calls = (
        b'<calls count="1"><call number="+15550000001" duration="0" date="1700000000000" type="3"/></calls>'
    )
    left_out = LeftOut()
    assert parse_sms_xml(calls, zone=UTC, label="calls.xml", left_out=left_out) == []
    assert left_out == LeftOut({"missed_calls": 1})
