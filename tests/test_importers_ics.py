"""Calendar parsing: occurrences, time zones, overrides, attendees, online meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship.errors import DataError
from kinship.importers.ics import parse_ics
from kinship.importers.records import InteractionRecord, Participant
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
