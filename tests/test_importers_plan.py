"""The import planner: matching order, idempotence, calendar and chat rules, phone keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.importers import parse_file
from kinship.importers.detect import detect_format
from kinship.importers.plan import ContactUpdate, ImportPlan, NewContact, phone_key, plan_import
from kinship.importers.records import ContactRecord, InteractionRecord, Participant
from kinship.models import Channel, Contact

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)
DAY = dt.date(2026, 11, 20)
WHEN = dt.datetime(2026, 11, 20, 18, 0, tzinfo=BERLIN)


def chat(source_id: str, *people: Participant, group: bool = False, day: dt.date = DAY) -> InteractionRecord:
    return InteractionRecord(
        source_id=source_id,
        when=WHEN,
        day=day,
        channel=Channel.MESSAGE,
        participants=people,
        kind="chat",
        messages=3,
        group_chat=group,
    )


def event(source_id: str, *people: Participant, title: str | None = None) -> InteractionRecord:
    return InteractionRecord(
        source_id=source_id,
        when=WHEN,
        day=DAY,
        channel=Channel.IN_PERSON,
        participants=people,
        kind="calendar",
        minutes=60,
        title=title,
    )


def apply(existing: list[Contact], plan: ImportPlan) -> list[Contact]:
    """A tiny in-memory store: what the shell would write, so re-imports can be planned."""
    by_id = {contact.id: contact for contact in existing}
    for update in plan.updates:
        old = by_id[update.contact_id]
        by_id[old.id] = Contact(
            id=old.id,
            name=old.name,
            aliases=old.aliases or update.aliases,
            emails=old.emails + update.add_emails,
            phones=old.phones + update.add_phones,
            birthday=old.birthday or update.birthday,
            note=old.note or update.note,
            source_ids=old.source_ids + update.add_source_ids,
        )
    for index, new in enumerate(plan.creates):
        by_id[f"new{len(by_id)}-{index}"] = Contact(
            id=f"new{len(by_id)}-{index}",
            name=new.name,
            aliases=new.aliases,
            emails=new.emails,
            phones=new.phones,
            birthday=new.birthday,
            note=new.note,
            source_ids=new.source_ids,
        )
    return list(by_id.values())


ANA = Contact(
    id="c-ana",
    name="Ana Lima",
    aliases=("Aninha",),
    emails=("Ana@Example.org",),
    phones=("+49 151 2345 6789",),
)
BO = Contact(id="c-bo", name="Bo Berg", source_ids=("vcard:bo-uid",))


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("+49 151 2345 6789", "15123456789"),
        ("0049 151 23456789", "15123456789"),
        ("0151-2345 6789", "15123456789"),
        ("(0151) 2345.6789", "15123456789"),
        ("+44 20 7946 0000", "2079460000"),
        ("+44 (0)20 7946 0000", "2079460000"),
        ("020 7946 0000", "2079460000"),
        ("+1 905-555-1234", "9055551234"),
        ("905-555-1234", "9055551234"),
        ("+351 912 345 678", "912345678"),
        ("+7 912 345 67 89", "9123456789"),
        ("", ""),
        ("0", "0"),
    ],
)
def test_phone_key(phone: str, key: str) -> None:
    assert phone_key(phone) == key


def test_contact_matched_by_source_id_then_email_then_phone_then_name() -> None:
    records = [
        ContactRecord(source_id="vcard:bo-uid", name="Robert Berg", emails=("bo@example.org",)),
        ContactRecord(source_id="vcard:x1", name="Someone", emails=("ana@example.ORG",)),
        ContactRecord(source_id="vcard:x2", name="Other", phones=("0151 23456789",)),
        ContactRecord(source_id="vcard:x3", name="ana lima", birthday="--11-06"),
    ]
    plan = plan_import([ANA, BO], records)
    assert plan.creates == ()
    assert plan.updates == (
        ContactUpdate(
            contact_id="c-ana", add_source_ids=("vcard:x1", "vcard:x2", "vcard:x3"), birthday="--11-06"
        ),
        ContactUpdate(contact_id="c-bo", add_emails=("bo@example.org",)),
    )


def test_matched_contact_keeps_its_own_fields() -> None:
    record = ContactRecord(source_id="s", name="Ana Lima", note="from the file", aliases=("Nana",))
    existing = Contact(id="c", name="Ana Lima", note="mine", aliases=("A",))
    (update,) = plan_import([existing], [record]).updates
    assert (update.note, update.aliases) == (None, ())


def test_accents_and_case_do_not_matter_for_names() -> None:
    existing = Contact(id="c", name="José Núñez")
    plan = plan_import([existing], [ContactRecord(source_id="s", name="jose nunez")])
    assert plan.creates == () and plan.updates[0].contact_id == "c"


def test_a_name_shared_by_two_contacts_matches_neither() -> None:
    twins = [Contact(id="a", name="Sam"), Contact(id="b", name="Sam")]
    plan = plan_import(twins, [ContactRecord(source_id="s", name="Sam")])
    assert plan.created == 1


def test_reimporting_a_contacts_file_is_a_no_op() -> None:
    files = {"vcard/ezvcard-John_Doe_ANDROID.vcf": 5, "contacts-csv/google_contacts_current_header.csv": 3}
    for name, created in files.items():
        data = (FIXTURES / name).read_bytes()
        parsed = parse_file(detect_format(data[:4096], name), data, label=name, zone=BERLIN, now=NOW)
        first = plan_import([], parsed.contacts)
        assert first.created == created  # two Android cards share the number 123456: one contact
        again = plan_import(apply([], first), parsed.contacts)
        assert again.is_empty, again


def test_two_records_for_one_new_person_create_one_contact() -> None:
    records = [
        ContactRecord(source_id="vcard:1", name="Cy Park", emails=("cy@example.org",)),
        ContactRecord(
            source_id="google-csv:sha1:2",
            name="Cy P.",
            emails=("CY@example.org",),
            phones=("+1 555 0100 200",),
        ),
    ]
    plan = plan_import([], records)
    assert plan.creates == (
        NewContact(
            name="Cy Park",
            emails=("cy@example.org",),
            phones=("+1 555 0100 200",),
            source_ids=("vcard:1", "google-csv:sha1:2"),
        ),
    )
    chats = [
        chat("whatsapp:cy:1", Participant(name="Cy Park")),
        chat("whatsapp:cy:2", Participant(name="cy park")),
    ]
    assert plan_import([], (), chats).created == 1


def test_one_to_one_chat_creates_its_unknown_partner_and_reimport_is_a_no_op() -> None:
    with (FIXTURES / "whatsapp" / "chatminer-ddmmyy_24hrs.txt").open("rb") as lines:
        group = parse_file("whatsapp", lines, label="g.txt", zone=BERLIN, now=NOW, me="John Doe").interactions
    records = [
        chat(
            "whatsapp:dan:2026-11-19:dan",
            Participant(name="Dan", source_id="whatsapp:name:dan"),
            day=dt.date(2026, 11, 19),
        ),
        chat("whatsapp:dan:2026-11-20:dan", Participant(name="Dan", source_id="whatsapp:name:dan")),
        *group,
    ]
    plan = plan_import([ANA], (), records)
    assert plan.creates == (NewContact(name="Dan", source_ids=("whatsapp:name:dan",)),)
    assert [(item.new_contacts, item.contact_ids, item.messages) for item in plan.interactions] == [
        ((0,), (), 3)
    ] * 2
    assert plan.skipped_unmatched == 4  # nobody of the group chat is a contact
    assert plan.unmatched_names == ("Jahn Doe", "John Doe 🤓", "John-John Doe", "🤓")
    stored = apply([ANA], plan)
    present = {item.source_id for item in plan.interactions}
    assert plan_import(stored, (), records, present_sources=present).skipped_duplicates == 2


def test_reimport_of_the_same_interactions_is_empty() -> None:
    records = [chat("s1", Participant(name="Ana Lima")), event("s2", Participant(email="ana@example.org"))]
    plan = plan_import([ANA], (), records)
    assert plan.added == 2
    again = plan_import([ANA], (), records, present_sources={"s1", "s2"})
    assert again.is_empty and again.skipped_duplicates == 2


def test_group_chat_counts_only_known_people_unless_new() -> None:
    records = [
        chat("g:ana", Participant(name="Aninha"), group=True),  # an alias
        chat("g:eve", Participant(name="Eve"), group=True),
    ]
    plan = plan_import([ANA], (), records)
    assert [item.contact_ids for item in plan.interactions] == [("c-ana",)]
    assert plan.unmatched_names == ("Eve",)
    with_new = plan_import([ANA], (), records, new=True)
    assert with_new.creates == (NewContact(name="Eve"),)
    assert with_new.added == 2


def test_calendar_attendees_are_not_created_without_new() -> None:
    record = event(
        "ics:u:1",
        Participant(name="Henry Cabot", email="hcabot@example.com"),
        Participant(email="ANA@example.org"),
        Participant(email="nobody@example.com"),
    )
    plan = plan_import([ANA], (), [record])
    assert plan.creates == ()
    assert plan.interactions[0].contact_ids == ("c-ana",)
    assert plan.unmatched_names == ("Henry Cabot", "nobody@example.com")
    with_new = plan_import([ANA], (), [record], new=True)
    # with --new everyone is added; someone known only by an email is created under it
    assert [new.name for new in with_new.creates] == ["Henry Cabot", "nobody@example.com"]
    assert with_new.creates[1].emails == ("nobody@example.com",)
    assert with_new.interactions[0].new_contacts == (0, 1)


def test_calendar_title_names_contacts_as_whole_words() -> None:
    records = [
        event("t1", title="Dinner with ana lima and Bo Berg"),
        event("t2", title="Anatomy class"),
        event("t3", title="Coffee w/ Aninha"),
    ]
    plan = plan_import([ANA, BO], (), records)
    assert [(item.source_id, set(item.contact_ids)) for item in plan.interactions] == [
        ("t1", {"c-ana", "c-bo"}),
        ("t3", {"c-ana"}),
    ]
    assert plan.skipped_unmatched == 1


def test_a_hand_logged_day_on_the_same_channel_is_not_added_again() -> None:
    records = [chat("s1", Participant(name="Ana Lima")), event("s2", Participant(name="Ana Lima"))]
    plan = plan_import([ANA], (), records, hand_logged={(DAY, Channel.MESSAGE, "c-ana")})
    assert [item.source_id for item in plan.interactions] == ["s2"]
    assert plan.skipped_hand_logged == 1


def test_chat_participant_matched_by_phone_gains_the_source_id() -> None:
    record = chat("sms:1", Participant(phone="015123456789", source_id="telegram:user9"))
    plan = plan_import([ANA], (), [record])
    assert plan.updates == (ContactUpdate(contact_id="c-ana", add_source_ids=("telegram:user9",)),)
    renamed = Contact(id="c-ana", name="Ana L.", source_ids=("telegram:user9",))
    assert (
        plan_import([renamed], (), [chat("x", Participant(name="Ana", source_id="telegram:user9"))]).creates
        == ()
    )


def test_contacts_in_the_same_import_are_matched_by_chats() -> None:
    contacts = [ContactRecord(source_id="vcard:e", name="Eve Ruiz", phones=("+34 600 111 222",))]
    plan = plan_import([], contacts, [chat("g", Participant(phone="600111222"), group=True)])
    assert plan.created == 1 and plan.interactions[0].new_contacts == (0,)


@pytest.mark.parametrize(
    ("head", "filename", "fmt"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0", "x.dat", "vcard"),
        (b"\xef\xbb\xbfBEGIN:VCALENDAR\n", "x", "ics"),
        (b"BEGIN:VEVENT\n", "x", "ics"),
        (b"<?xml version='1.0'?>\n<smses count='1'>", "x", "sms-xml"),
        (b'<?xml version="1.0"?><calls count="1">', "x", "sms-xml"),
        (b'{"kinship_export": 1, "contacts": []}', "x.json", "json"),
        (b'{\n "about": "Here is the data", "chats": {}}', "result.json", "telegram"),
        (b'{"messages": []}', "result.json", "telegram"),
        (b"Name,Given Name,Family Name,E-mail 1 - Value\n", "x", "google-csv"),
        (b"First Name,Middle Name,Last Name,Birthday\n", "x", "google-csv"),
        (b"12/31/20, 23:59 - Ana: hi\n", "x", "whatsapp"),
        (b"\xe2\x80\x8e[31.12.20, 23:59:59] Ana: hi\n", "x", "whatsapp"),
        (b"garbage", "contacts.vcf", "vcard"),
    ],
)
def test_detect_format(head: bytes, filename: str, fmt: str) -> None:
    assert detect_format(head, filename) == fmt


@pytest.mark.parametrize(
    ("head", "filename"), [(b"hello", "notes.txt"), (b"", "empty"), (b'{"x": 1}', "a.json")]
)
def test_unknown_format_asks_for_format(head: bytes, filename: str) -> None:
    from kinship.errors import DataError

    with pytest.raises(DataError) as caught:
        detect_format(head, filename)
    assert caught.value.hint is not None and "--format" in caught.value.hint


def test_every_fixture_is_detected() -> None:
    expected = {
        "vcard": "vcard",
        "contacts-csv": "google-csv",
        "ics": "ics",
        "whatsapp": "whatsapp",
        "telegram": "telegram",
        "sms-xml": "sms-xml",
    }
    special = {"kinship-outlook_desktop.csv": "outlook-csv", "kinship-outlook_com.csv": "outlook-csv"}
    special["kinship-linkedin_Connections.csv"] = "linkedin-csv"
    for path in sorted(FIXTURES.glob("*/*")):
        wanted = special.get(path.name, expected[path.parent.name])
        assert detect_format(path.read_bytes()[:4096], path.name) == wanted, path


def test_one_to_one_sms_partner_known_only_by_number_is_created_but_short_codes_are_not() -> None:
    partner = InteractionRecord(
        source_id="sms:+15551112222:2026-11-20",
        when=dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC),
        day=dt.date(2026, 11, 20),
        channel=Channel.MESSAGE,
        participants=(Participant(phone="+1 555 111 2222"),),
        kind="chat",
        messages=3,
    )
    service = dataclasses.replace(
        partner, source_id="sms:72345:2026-11-20", participants=(Participant(phone="72345"),)
    )
    plan = plan_import([], (), [partner, service])
    assert [(new.name, new.phones) for new in plan.creates] == [("+1 555 111 2222", ("+1 555 111 2222",))]
    assert plan.unmatched_names == ("72345",)


# ---- kinship JSON: plan_export and ExportInteractions (pure) ---------------------------------


def _exported(uid: str, name: str, **fields: object) -> Contact:
    return Contact(id=uid, name=name, **fields)  # type: ignore[arg-type]


def test_export_contacts_match_by_id_then_kept_source_then_a_single_namesake() -> None:
    from kinship.importers.plan import plan_export

    existing = [
        _exported("a", "Ana Lima"),
        _exported("b", "Bo Berg", source_ids=("kinship:x-bo",)),
        _exported("c", "Cy Park"),
        _exported("s1", "Sam"),
        _exported("s2", "sam"),
    ]
    contacts = [
        _exported("a", "Ana Renamed"),
        _exported("x-bo", "Robert Berg"),
        _exported("x-cy", "cy park"),
        _exported("x-sam", "Sam"),
        _exported("x-new", "Dee Ode", circle="friends", tags=("climbing",), see_every_days=30),
    ]
    plan, people = plan_export(existing, contacts, now=NOW, label="f")
    assert people == {"a": "a", "x-bo": "b", "x-cy": "c", "x-sam": "x-sam", "x-new": "x-new"}
    assert plan.matched == 3
    assert [update.add_source_ids for update in plan.updates] == [("kinship:x-cy",)]
    assert [(new.uid, new.name, new.circle, new.tags, new.see_every_days) for new in plan.creates] == [
        ("x-sam", "Sam", None, (), None),
        ("x-new", "Dee Ode", "friends", ("climbing",), 30),
    ]


def test_export_interactions_skip_what_the_log_has_and_refuse_repeats() -> None:
    from kinship.errors import DataError
    from kinship.importers.plan import ExportInteractions
    from kinship.models import ContactRef, Interaction

    def item(number: int, uid: bytes, source: str | None = None) -> tuple[int, Interaction, bytes]:
        when = NOW - dt.timedelta(days=number)
        people = (ContactRef("x", "X"),)
        return number, Interaction(uid.hex(), when, when.date(), Channel.CALL, people, source=source), uid

    planner = ExportInteractions({"x": "log-x"}, set(), now=NOW, label="f")
    planned = planner.plan(
        [item(1, b"1" * 16), item(2, b"2" * 16), item(3, b"3" * 16, "chat:1")],
        present={b"1" * 16},
        present_sources={"chat:1"},
    )
    assert [(p.uid, p.contact_ids) for p in planned] == [(b"2" * 16, ("log-x",))]
    assert (planner.added, planner.skipped) == (1, 2)
    with pytest.raises(DataError, match="interaction 4 repeats the id"):
        planner.plan([item(4, b"2" * 16)], repeated={b"2" * 16})
    with pytest.raises(DataError, match=r"interaction 5: names a contact \(y\) the export lacks"):
        planner.plan([(5, item(5, b"5" * 16)[1]._replace(people=(ContactRef("y", "Y"),)), b"5" * 16)])


def test_export_interactions_one_rule_for_repeats_whatever_the_batches() -> None:
    from kinship.errors import DataError
    from kinship.importers.plan import ExportInteractions
    from kinship.models import ContactRef, Interaction

    def item(number: int, uid: bytes, source: str | None = None) -> tuple[int, Interaction, bytes]:
        when = NOW - dt.timedelta(days=number)
        people = (ContactRef("x", "X"),)
        return number, Interaction(uid.hex(), when, when.date(), Channel.CALL, people, source=source), uid

    in_log = b"1" * 16
    records = [item(1, in_log), item(2, b"2" * 16, "chat:a"), item(3, in_log), item(4, b"4" * 16, "chat:a")]
    for cut in range(1, 4):  # a record the log has is left out however often it comes, in any batch
        planner = ExportInteractions({"x": "log-x"}, set(), now=NOW, label="f")
        planner.plan(records[:cut], present={in_log}, present_sources={"chat:a"})
        planner.plan(records[cut:], present={in_log}, present_sources={"chat:a"})
        assert (planner.added, planner.skipped) == (0, 4)
    planner = ExportInteractions({"x": "log-x"}, set(), now=NOW, label="f")
    with pytest.raises(DataError, match="interaction 4 repeats the source 'chat:a'"):
        planner.plan(records, present={in_log})  # one the import adds must not come again
