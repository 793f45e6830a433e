"""The data rules of SPEC §5 "Validation": one table of good and bad values per field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from kinship import validate
from kinship.errors import UsageError, ValidationError
from kinship.models import Channel, Contact, ContactRef, Interaction

TODAY = dt.date(2026, 11, 26)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)

GOOD: list[tuple[Callable[[object], object], object, object]] = [
    (validate.name, "  Ana   Lima ", "Ana Lima"),
    (validate.name, "x" * 200, "x" * 200),
    (validate.name, "Zoë Ōtsuka 山田", "Zoë Ōtsuka 山田"),
    (validate.alias, "ana", "ana"),
    (validate.alias, "a" * 100, "a" * 100),
    (validate.group_label, " book  club ", "book club"),
    (validate.tag, "t" * 50, "t" * 50),
    (validate.note, "line one\nline two\ttabbed", "line one\nline two\ttabbed"),
    (validate.note, "n" * 10_000, "n" * 10_000),
    (validate.note, "", ""),
    (validate.circle, "Friends", "friends"),
    (validate.circle, "none", None),
    (validate.circle, None, None),
    (validate.rhythm_days, 1, 1),
    (validate.rhythm_days, 3650, 3650),
    (validate.minutes, 0, 0),
    (validate.minutes, 1440, 1440),
    (validate.minutes, 45.0, 45),
    (validate.message_count, 1, 1),
    (validate.feel, 1, 1),
    (validate.feel, 5, 5),
    (validate.email, " Ana@Example.org ", "Ana@Example.org"),
    (validate.email, "mailto:a.b+c@mail.example.co.uk", "a.b+c@mail.example.co.uk"),
    (validate.phone, "+49 (0)30 1234-567", "+49 (0)30 1234-567"),
    (validate.phone, "112", "112"),
    (validate.phone, "555-1234 ext. 12", "555-1234 ext. 12"),
]


@pytest.mark.parametrize(("rule", "value", "clean"), GOOD)
def test_good_values_come_back_clean(rule: Callable[[object], object], value: object, clean: object) -> None:
    assert rule(value) == clean


BAD: list[tuple[Callable[[object], object], object, str]] = [
    (validate.name, "", "must not be empty"),
    (validate.name, "   ", "must not be empty"),
    (validate.name, "x" * 201, "at most 200"),
    (validate.name, "Ana\x1b[31m", "control characters"),
    (validate.name, "Ana\u202eLima", "control characters"),
    (validate.name, "Ana\nLima", "control characters"),
    (validate.name, 42, "must be text"),
    (validate.alias, "a" * 101, "at most 100"),
    (validate.group_label, "g" * 101, "at most 100"),
    (validate.tag, "t" * 51, "at most 50"),
    (validate.tag, "", "must not be empty"),
    (validate.note, "n" * 10_001, "at most 10,000"),
    (validate.note, "bell\x07", "control characters"),
    (validate.circle, "enemies", "must be one of family"),
    (validate.circle, 3, "must be one of"),
    (validate.rhythm_days, 0, "from 1 to 3,650"),
    (validate.rhythm_days, -3, "from 1 to 3,650"),
    (validate.rhythm_days, 3651, "from 1 to 3,650"),
    (validate.minutes, -5, "from 0 to 1,440"),
    (validate.minutes, 1441, "from 0 to 1,440"),
    (validate.minutes, 9223372036854775807, "from 0 to 1,440"),
    (validate.minutes, 10**30, "from 0 to 1,440"),
    (validate.minutes, 1e20, "from 0 to 1,440"),
    (validate.minutes, float("nan"), "whole number"),
    (validate.minutes, 2.5, "whole number"),
    (validate.minutes, "45", "whole number"),
    (validate.minutes, True, "whole number"),
    (validate.message_count, 0, "from 1"),
    (validate.message_count, -1, "from 1"),
    (validate.feel, 0, "from 1 to 5"),
    (validate.feel, 99, "from 1 to 5"),
    (validate.email, "not-an-email", "name@example.org"),
    (validate.email, "a@b", "name@example.org"),
    (validate.email, "a b@example.org", "name@example.org"),
    (validate.email, "a@@example.org", "name@example.org"),
    (validate.email, "a@example.1", "name@example.org"),
    (validate.phone, "abc", "at least 3 digits"),
    (validate.phone, "MobilePhone", "at least 3 digits"),
    (validate.phone, "12", "at least 3 digits"),
    (validate.phone, "call 555 1234", "at least 3 digits"),
    (validate.phone, "5" * 41, "at least 3 digits"),
]


@pytest.mark.parametrize(("rule", "value", "words"), BAD)
def test_bad_values_name_the_field_and_the_rule(
    rule: Callable[[object], object], value: object, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        rule(value)
    assert words in caught.value.message
    assert caught.value.message.startswith(caught.value.field)
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2


def test_a_note_is_never_echoed_in_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        validate.note("my secret\x00" + "x" * 20)
    assert "secret" not in caught.value.message


def test_a_fax_is_not_a_phone() -> None:
    with pytest.raises(ValidationError, match="fax"):
        validate.phone("+49 30 1234567", types=["WORK", "FAX"])
    assert validate.phone("+49 30 1234567", types=["CELL"]) == "+49 30 1234567"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("1990-11-06", True),
        ("1900-01-01", True),
        ("--02-29", True),
        ("2026-11-26", True),
        ("1899-12-31", False),
        ("2026-11-27", False),  # not born yet
        ("2030-01-01", False),
        ("2026-02-30", False),
        ("--02-30", False),
        ("--13-01", False),
        ("notadate", False),
        ("", False),
    ],
)
def test_a_birthday_is_a_real_past_date_or_month_and_day(value: str, ok: bool) -> None:
    if ok:
        assert validate.birthday(value, TODAY) == value
    else:
        with pytest.raises(ValidationError, match=r"^birthday "):
            validate.birthday(value, TODAY)


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (dt.datetime(2026, 11, 26, 10, 6, tzinfo=BERLIN), "in the future"),
        (dt.datetime(1899, 12, 31, 23, 0, tzinfo=dt.UTC), "1900 or later"),
        (dt.datetime(2026, 11, 20, 10, 0), "UTC offset"),
    ],
)
def test_a_time_lies_between_1900_and_five_minutes_from_now(moment: dt.datetime, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        validate.when(moment, NOW)
    assert validate.when(NOW + dt.timedelta(minutes=5), NOW) == NOW + dt.timedelta(minutes=5)


def test_the_day_must_be_the_local_day_of_the_time() -> None:
    late = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert validate.day_matches(late, dt.date(2026, 11, 20)) == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError, match="local day"):
        validate.day_matches(late, dt.date(2026, 11, 21))


def test_whole_records_are_checked_field_by_field() -> None:
    validate.contact_record(Contact(id="c1", name="Ana", circle="friends", phones=("+49 30 1",)), TODAY)
    with pytest.raises(ValidationError, match=r"^circle "):
        validate.contact_record(Contact(id="c1", name="Ana", circle="enemies"), TODAY)
    with pytest.raises(ValidationError, match=r"^every_days "):
        validate.contact_record(Contact(id="c1", name="Ana", every_days=-3), TODAY)
    moment = dt.datetime(2026, 11, 20, 18, 0, tzinfo=BERLIN)
    good = Interaction(
        id="i1", when=moment, day=moment.date(), channel=Channel.CALL, people=(ContactRef("c1", "Ana"),)
    )
    validate.interaction_record(good, NOW)
    for broken, field in [
        (good._replace(feel=99), "feel"),
        (good._replace(minutes=-5), "minutes"),
        (good._replace(messages=-1), "messages"),
        (good._replace(day=dt.date(2026, 11, 21)), "day"),
        (good._replace(people=()), "people"),
    ]:
        with pytest.raises(ValidationError) as caught:
            validate.interaction_record(broken, NOW)
        assert caught.value.field == field
