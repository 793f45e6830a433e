"""Calendar parsing: occurrences, time zones, overrides, attendees, online meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.errors import DataError
from kinship.importers.ics import is_system_address, parse_ics
from kinship.importers.records import InteractionRecord, LeftOut, Participant
from kinship.models import Channel

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)


def read(name: str, now: dt.datetime = NOW, me: str | None = None) -> list[InteractionRecord]:
    return parse_ics((FIXTURES / name).read_bytes(), zone=BERLIN, now=now, me=me, label=name)


def whens(records: list[InteractionRecord]) -> list[str]:
    return [record.when.isoformat() for record in records]


def test_google_event_in_utc_lands_on_local_time() -> None:
    (event,) = read("icalendar-alarm_google_future.ics")
    assert event.source_id == "ics:79fs7pkqvht9m5igs0vjv1sfra@google.com:2024-10-04T18:15:00Z"
    assert event.when.isoformat() == "2024-10-04T20:15:00+02:00"
    assert event.day == dt.date(2024, 10, 4)
    assert event.minutes == 45
    assert event.channel is Channel.IN_PERSON
    assert event.participants == ()  # the alarm's ATTENDEE is not the event's
    assert event.kind == "calendar"


def test_bom_calendar_has_no_events() -> None:
    assert read("icalendar-bom_calendar.ics") == []


def test_rdate_periods_in_a_custom_vtimezone() -> None:
    records = read("icalendar-issue_156_RDATE_with_PERIOD_TZID_khal_2.ics")
    assert whens(records) == [
        "2021-11-01T16:00:00+01:00",
        "2021-12-06T16:00:00+01:00",
        "2022-01-03T16:00:00+01:00",
        "2022-02-07T16:00:00+01:00",
    ]
    assert {record.minutes for record in records} == {30}
    assert records[0].participants == (Participant(name="(omitted)", email="omitted@example.com"),)


def test_ambiguous_transition_follows_the_vtimezone() -> None:
    utc = [
        record.when.astimezone(dt.UTC).isoformat()
        for record in read("icalendar-issue_722_timezone_transition_ambiguity.ics")
    ]
    assert utc == [
        "2024-03-02T20:00:00+00:00",  # 08:00 at +12
        "2024-08-02T22:00:00+00:00",  # 08:00 at +10
        "2024-05-04T22:00:01+00:00",  # 08:00:01 after the change: +10
        "2024-05-04T19:00:01+00:00",  # 07:00:01 before it: +12
    ]


def test_all_day_event_with_attendees() -> None:
    (event,) = read("icalendar-property_params.ics")
    assert event.day == dt.date(2012, 8, 14)
    assert event.when.isoformat() == "2012-08-14T12:00:00+02:00"
    assert event.minutes is None
    assert [person.email for person in event.participants] == [
        "rembrand@xs4all.nl",
        "rembrand@daxlab.com",
        "rembspam@xs4all.nl",
    ]
    assert event.title == "Test meeting from BB"


def test_daily_all_day_recurrence_without_a_vcalendar_wrapper() -> None:
    records = read("khal-event_d_rr.ics")
    assert [record.day for record in records] == [dt.date(2014, 4, day) for day in range(9, 19)]
    assert records[0].source_id == "ics:V042MJ8B3SJNFXQOJL6P53OFMHJE8Z3VZWOU:2014-04-09"


def test_recurrence_stops_at_now() -> None:
    records = read("khal-event_d_rr.ics", now=dt.datetime(2014, 4, 11, 9, 0, tzinfo=BERLIN))
    assert [record.day for record in records] == [
        dt.date(2014, 4, 9),
        dt.date(2014, 4, 10),
        dt.date(2014, 4, 11),
    ]


def test_declined_and_delegated_attendees_are_left_out() -> None:
    (event,) = read("khal-event_dt_partstat.ics")
    assert event.participants == (
        Participant(name="Henry Cabot", email="hcabot@example.com"),
        Participant(name="Jane Doe", email="jdoe@example.com"),
        Participant(email="jqpublic@example.com"),
        Participant(email="tent@example.com"),
    )
    assert event.when.isoformat() == "2014-04-09T09:30:00+02:00"
    assert event.minutes == 60


def test_owner_is_not_an_attendee() -> None:
    (event,) = read("khal-event_dt_partstat.ics", me="jane doe")
    assert "Jane Doe" not in [person.name for person in event.participants]


def test_moved_occurrence_keeps_its_original_key() -> None:
    records = read("khal-event_rrule_recuid.ics")
    assert whens(records) == [
        "2014-06-30T07:00:00+02:00",
        "2014-07-07T09:00:00+02:00",
        "2014-07-14T07:00:00+02:00",
        "2014-07-21T07:00:00+02:00",
        "2014-07-28T07:00:00+02:00",
        "2014-08-04T07:00:00+02:00",
    ]
    assert records[1].source_id == "ics:event_rrule_recurrence_id:2014-07-07T05:00:00Z"
    assert records[1].minutes == 300


def test_windows_zone_name_maps_to_iana() -> None:
    (event,) = read("khal-tz_windows_format.ics")
    assert event.when.astimezone(ZoneInfo("Pacific/Auckland")).isoformat() == "2019-11-20T13:00:00+13:00"
    assert event.minutes == 90


WEEKLY = """BEGIN:VCALENDAR
BEGIN:VEVENT
UID:weekly-1
SUMMARY:Climbing with Ana Lima
DTSTART;TZID=Europe/Berlin:20261014T190000
DTEND;TZID=Europe/Berlin:20261014T210000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=Europe/Berlin:20261021T190000
LOCATION:Boulderhalle
END:VEVENT
BEGIN:VEVENT
UID:weekly-1
RECURRENCE-ID;TZID=Europe/Berlin:20261104T190000
DTSTART;TZID=Europe/Berlin:20261104T190000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:call-1
SUMMARY:Catch-up
DTSTART:20261101T090000Z
LOCATION:Phone call
END:VEVENT
BEGIN:VEVENT
UID:video-1
SUMMARY:Book club
DTSTART:20261102T180000Z
DESCRIPTION:Join https://meet.google.com/abc-defg-hij
END:VEVENT
BEGIN:VEVENT
UID:gone-1
SUMMARY:Cancelled dinner
DTSTART:20261103T180000Z
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:future-1
SUMMARY:Not yet
DTSTART:20261201T180000Z
END:VEVENT
END:VCALENDAR
"""


def test_weekly_event_keeps_wall_time_across_dst_with_exdate_and_cancelled_occurrence() -> None:
    records = parse_ics(WEEKLY.encode(), zone=BERLIN, now=NOW, label="cal.ics")
    weekly = [record for record in records if record.source_id.startswith("ics:weekly-1:")]
    assert whens(weekly) == [
        "2026-10-14T19:00:00+02:00",
        "2026-10-28T19:00:00+01:00",  # after the clocks went back: still 19:00
        "2026-11-11T19:00:00+01:00",
    ]
    assert weekly[0].title == "Climbing with Ana Lima"
    channels = {record.source_id.split(":")[1]: record.channel for record in records}
    assert channels == {"weekly-1": Channel.IN_PERSON, "call-1": Channel.CALL, "video-1": Channel.VIDEO}


def test_local_zone_changes_the_day_of_a_utc_event() -> None:
    text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nDTSTART:20260101T230000Z\nEND:VEVENT\nEND:VCALENDAR\n"
    (record,) = parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics")
    assert record.day == dt.date(2026, 1, 2)


@pytest.mark.parametrize("data", [b"not a calendar\n", b"", b"\x00\x01\x02"])
def test_non_calendar_is_a_data_error_naming_file_and_line(data: bytes) -> None:
    with pytest.raises(DataError, match=r"^cal\.ics: line 1: "):
        parse_ics(data, zone=BERLIN, now=NOW, label="cal.ics")


# ---- calendars as real programs write them (issue 10) ----------------------------------------


def read_counting(name: str, now: dt.datetime = NOW) -> tuple[list[InteractionRecord], LeftOut]:
    left_out = LeftOut()
    data = (FIXTURES / name).read_bytes()
    return parse_ics(data, zone=BERLIN, now=now, label=name, left_out=left_out), left_out


def test_icloud_calendar_with_historic_lmt_offsets_imports_with_right_local_times() -> None:
    records, _ = read_counting("icalevents-icloud.ics")  # TZOFFSETFROM:+5328 in its Europe/Berlin block
    by_title = {record.title: record for record in records}
    assert by_title["Friseur"].when.isoformat() == "2016-11-03T18:00:00+01:00"
    assert by_title["Friseur"].minutes == 30
    assert by_title["Weinabend Franken – Castell"].when.isoformat() == "2016-06-16T19:30:00+02:00"


def test_outlook_all_day_series_moved_occurrence_counts_once_on_its_new_day() -> None:
    records, _ = read_counting("icalevents-recurrenceid_ms.ics")  # RECURRENCE-ID in W. Europe Standard Time
    days = [record.day for record in records]
    assert dt.date(2021, 4, 9) not in days
    assert days.count(dt.date(2021, 4, 10)) == 1
    (moved,) = [record for record in records if record.day == dt.date(2021, 4, 10)]
    assert moved.source_id.endswith(":2021-04-09")  # keyed by the occurrence it replaces
    assert len(days) == len(set(days)) == 41


def test_outlook_all_day_series_exdate_in_a_windows_zone_excludes_its_day() -> None:
    records, _ = read_counting("icalevents-rrule_until_all_day_ms.ics")
    firsts = sorted({record.source_id.split("+")[0].rsplit(":", 1)[1] for record in records})
    assert firsts == ["2021-03-19", "2021-03-26", "2021-04-02", "2021-04-09", "2021-04-16", "2021-04-23"]
    assert dt.date(2021, 4, 30) not in {record.day for record in records}


def test_multi_day_all_day_event_is_one_interaction_per_day() -> None:
    records, _ = read_counting("icalevents-ms_tz.ics")  # 2021-03-24 to DTEND 2021-03-27 (exclusive)
    assert [record.day for record in records] == [dt.date(2021, 3, day) for day in (24, 25, 26)]
    assert len({record.source_id for record in records}) == 3


def test_multi_day_event_stops_at_fourteen_days_and_at_today() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:trip\nDTSTART;VALUE=DATE:20260101\n"
        "DTEND;VALUE=DATE:20260301\nEND:VEVENT\nBEGIN:VEVENT\nUID:now\nDTSTART;VALUE=DATE:20261125\n"
        "DTEND;VALUE=DATE:20261128\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    left_out = LeftOut()
    records = parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics", left_out=left_out)
    assert sum(record.source_id.startswith("ics:trip:") for record in records) == 14
    assert [r.day.day for r in records if r.source_id.startswith("ics:now:")] == [25, 26]
    assert left_out["after_now"] == 1


def test_google_group_calendar_address_is_never_an_attendee() -> None:
    records, left_out = read_counting("icalevents-recurrenceid_google.ics")
    assert len(records) == 4
    assert all(record.participants == () for record in records)
    assert left_out["system_addresses"] == 4


@pytest.mark.parametrize(
    "email",
    [
        "hst9ma4s2h5hf2iafmrqffki9o@group.calendar.google.com",
        "c_188abc@resource.calendar.google.com",
        "noreply@zoom.us",
        "no-reply@example.org",
        "calendar-notification@google.com",
        "team@googlegroups.com",
        "devs@lists.example.org",
        "python-list@python.org",
    ],
)
def test_system_addresses(email: str) -> None:
    assert is_system_address(email)


@pytest.mark.parametrize(
    "email", ["ana@example.org", "calendar@microsoft.com", "noreen@x.org", "listo@x.org"]
)
def test_people_are_not_system_addresses(email: str) -> None:
    assert not is_system_address(email)


def test_location_that_is_only_a_link_is_online_whoever_hosts_it() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:own-video\nDTSTART:20261101T090000Z\n"
        "LOCATION:https://video.acme-corp.example/r/standup\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    (record,) = parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics")
    assert record.channel is Channel.VIDEO


def test_rule_that_can_never_match_is_refused_naming_the_event() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:never-1\nSUMMARY:x\nDTSTART:20200101T000000Z\n"
        "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(DataError, match=r"^x\.ics: line 3: the repeat rule of event 'never-1' .*never match"):
        parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics")


@pytest.mark.parametrize(
    "rule", ["FREQ=MINUTELY", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=DAILY;BYHOUR=1,2,3,4,5,6,7,8"]
)
def test_rule_past_a_hundred_thousand_occurrences_is_refused(rule: str) -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:many-1\nDTSTART:19900101T000000Z\n"
        f"RRULE:{rule}\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(DataError, match=r"'many-1' is refused: it repeats more than 100,000 times"):
        parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics")


def test_endless_rule_expands_to_today_by_date_and_counts_the_cut() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:daily-1\nDTSTART:19700101T080000Z\n"
        "RRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    left_out = LeftOut()
    records = parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics", left_out=left_out)
    assert len(records) == (NOW.date() - dt.date(1970, 1, 1)).days + 1  # more than the old 20,000 cap
    assert records[-1].day == NOW.date()  # the newest are kept, not the oldest
    assert left_out["recurrences_cut"] == 1


def test_absurd_event_length_is_clamped_to_a_day_and_counted() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:long\nDTSTART:20260101T000000Z\n"
        "DURATION:PT4197074399M\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    left_out = LeftOut()
    (record,) = parse_ics(text.encode(), zone=BERLIN, now=NOW, label="x.ics", left_out=left_out)
    assert record.minutes == 1440
    assert left_out["durations_clamped"] == 1
