"""An import never loses data silently: real files through ``transfer.import_files`` into a real
SQLite store, and the summary model (created / matched / added / left out, and why nothing)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kinship import transfer
from kinship.cli.commands.files import summary_lines
from kinship.errors import DataError
from kinship.store import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "kinship.db", NOW)
    yield opened
    opened.close()


def run(store: Store, *paths: Path, **options: object) -> transfer.ImportSummary:
    return transfer.import_files(store, NOW, BERLIN, list(paths), **options)  # type: ignore[arg-type]


def test_older_telegram_export_imports_its_partner_end_to_end(store: Store) -> None:
    path = FIXTURES / "telegram" / "kinship-desktop-1x_personal_chat.json"
    summary = run(store, path)
    assert summary.created == ("Ana Lima",)
    assert summary.added == 3
    again = run(store, path, me="Sam Rivera")
    assert (again.added, again.created, again.nothing) == (0, (), "nothing new: all 3 already imported")
    assert dict(again.left_out) == {"already_imported": 3}


def test_chat_with_only_the_owners_messages_is_refused_saying_why(store: Store, tmp_path: Path) -> None:
    export = json.loads((FIXTURES / "telegram" / "kinship-desktop-1x_personal_chat.json").read_text())
    export["messages"] = [m for m in export["messages"] if m.get("from_id") != 183427006]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export))
    with pytest.raises(
        DataError, match="nothing to import: every message is from you — is `--me` right"
    ) as caught:
        run(store, path)
    assert caught.value.exit_code == 5
    assert store.contacts() == []


def test_calendar_system_addresses_never_become_people_even_with_new(store: Store) -> None:
    path = FIXTURES / "ics" / "icalevents-recurrenceid_google.ics"
    summary = run(store, path, new=True)
    assert summary.created == ()
    assert dict(summary.left_out)["system_addresses"] == 4
    assert summary.as_json()["left_out"]["system_addresses"] == 4
    assert store.contacts() == []


def test_calendar_summary_counts_recurrences_cut_at_today_and_people_left_out(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "cal.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:w1\nDTSTART:20261001T170000Z\nRRULE:FREQ=WEEKLY\n"
        "ATTENDEE;CN=Ana Lima:mailto:ana@example.org\nEND:VEVENT\nBEGIN:VEVENT\nUID:f1\n"
        "DTSTART:20270101T170000Z\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    dry = run(store, path, dry_run=True)
    assert dry.added == 0
    assert dict(dry.left_out) == {
        "after_now": 1,
        "nobody_known": 8,  # Thursdays from 1 October; 26 November is tonight
        "recurrences_cut": 1,
        "unknown_participants": 1,
    }
    assert dry.nothing == "nothing to import: nobody in it is a contact yet — pass --new to add them"
    assert "    recurring events cut at today: 1" in summary_lines(dry)
    real = run(store, path, new=True)
    assert (real.created, real.added) == (("Ana Lima",), 8)


def test_dry_run_reports_what_the_import_then_does(store: Store) -> None:
    path = FIXTURES / "contacts-csv" / "kinship-outlook_desktop.csv"
    dry = run(store, path, dry_run=True)
    assert store.contacts() == []
    real = run(store, path)
    assert dry.as_json() | {"dry_run": False} == real.as_json()
    assert real.created == ("Ana Lima", "Ben Okafor", "Dentist Dr. Weiß")
    assert dict(real.left_out) == {"fax_numbers": 2}
    ana = store.contacts()[0]
    assert (ana.emails, ana.birthday) == (("ana.lima@example.org", "ana@home.example"), "1988-05-23")


def test_linkedin_contact_is_added_on_its_connected_day_and_matches_later(store: Store) -> None:
    run(store, FIXTURES / "contacts-csv" / "kinship-outlook_desktop.csv")
    summary = run(store, FIXTURES / "contacts-csv" / "kinship-linkedin_Connections.csv")
    assert summary.matched == 1  # Ana Lima, by email
    assert summary.created == ("Erik Johansson",)
    assert dict(summary.left_out) == {"rows_without_name": 1}
    erik = next(contact for contact in store.contacts() if contact.name == "Erik Johansson")
    assert erik.created is not None and erik.created.date() == dt.date(2019, 11, 17)
    assert erik.note == "Company: Nordic Bikes, AB"


# ---- the data rules (validate.py) in every importer, kinship JSON included (issue 9) ----------


def _export(tmp_path: Path) -> dict[str, object]:
    import io

    source = open_store(tmp_path / "source.db", NOW)
    with source.write():
        ana = source.insert_contact(name="Ana Lima", name_key="ana lima", created=NOW)
        for days in (1, 2):
            when = NOW - dt.timedelta(days=days)
            source.insert_interaction(
                when=when,
                day=when.date(),
                channel=transfer.Channel.CALL,
                created=NOW,
                contact_rowids=[ana],
                source=f"whatsapp:ana:{days}",
            )
    out = io.StringIO()
    transfer.write_json_export(source, NOW, out)
    source.close()
    document: dict[str, object] = json.loads(out.getvalue())
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["interactions"][1].update(feel=99),
            r"interaction 2 \(\w+\): feel must be a whole number from 1 to 5",
        ),
        (lambda d: d["interactions"][0].update(minutes=-5), r"interaction 1 \(\w+\): minutes must be"),
        (lambda d: d["contacts"][0].update(circle="enemies"), r"contact 1 \(\w+\): circle must be one of"),
        (
            lambda d: d["contacts"][0].update(phones=["abc"]),
            r"contact 1 \(\w+\): phone must be a phone number",
        ),
        (
            lambda d: d["interactions"][0].update(day="2020-01-01"),
            r"interaction 1 \(\w+\): day must be the local day",
        ),
        (
            lambda d: d["interactions"][1].update(id=d["interactions"][0]["id"]),
            r"interaction 2 repeats the id '\w+' of an earlier interaction: the file is inconsistent",
        ),
        (
            lambda d: d["interactions"][1].update(source=d["interactions"][0]["source"]),
            r"interaction 2 repeats the source 'whatsapp:ana:\d' of an earlier interaction",
        ),
        (
            lambda d: d["contacts"].append(dict(d["contacts"][0], name="Other")),
            r"contact 2 repeats the id '\w+' of contact 1: the file is inconsistent",
        ),
    ],
)
@pytest.mark.parametrize("dry_run", [False, True])
def test_json_import_breaking_a_rule_is_refused_whole_naming_record_and_rule(
    store: Store, tmp_path: Path, change: object, message: str, dry_run: bool
) -> None:
    document = _export(tmp_path)
    change(document)  # type: ignore[operator]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, indent=2))
    with pytest.raises(DataError, match=message) as caught:
        run(store, path, dry_run=dry_run)
    assert caught.value.exit_code == 5
    assert store.contacts() == []


def test_contact_file_values_that_break_a_rule_are_left_out_and_counted(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana at example\r\nEMAIL:ana@example.org\r\n"
        "BDAY:2031-01-01\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:\x07\r\nEMAIL:bell@example.org\r\n"
        "END:VCARD\r\n"
    )
    summary = run(store, path)
    (ana,) = store.contacts()
    assert (ana.emails, ana.birthday) == (("ana@example.org",), None)
    left_out = dict(summary.left_out)
    assert left_out["invalid: name must not contain control characters"] == 1
    assert any(key.startswith("invalid: birthday must be a real date") for key in left_out)


# ---- one road: file -> plan -> import -> export -> import into an empty log, the same export ----

ROUND_TRIP = [
    ("vcard/ezvcard-John_Doe_IPHONE.vcf", None),
    ("contacts-csv/google_contacts_current_header.csv", None),
    ("contacts-csv/kinship-outlook_desktop.csv", None),
    ("contacts-csv/kinship-linkedin_Connections.csv", None),
    ("ics/khal-event_dt_partstat.ics", None),
    ("whatsapp/chatminer-ddmmyy_24hrs.txt", "John Doe"),
    ("telegram/kinship-desktop-1x_personal_chat.json", None),
    ("sms-xml/shruggie-edge_cases.xml", None),
]


@pytest.mark.parametrize(("name", "me"), ROUND_TRIP)
def test_every_format_round_trips_through_kinship_json(tmp_path: Path, name: str, me: str | None) -> None:
    import io

    first_store = open_store(tmp_path / "first.db", NOW)
    run(first_store, FIXTURES / name, me=me, new=True)
    assert run(first_store, FIXTURES / name, me=me, new=True).added == 0  # importing again adds nothing
    first = io.StringIO()
    transfer.write_json_export(first_store, NOW, first)
    first_store.close()
    minified = tmp_path / "export.json"  # another layout than kinship's own: it must stream too
    minified.write_text(json.dumps(json.loads(first.getvalue()), separators=(",", ":")))
    second_store = open_store(tmp_path / "second.db", NOW)
    run(second_store, minified)
    second = io.StringIO()
    transfer.write_json_export(second_store, NOW, second)
    second_store.close()
    assert json.loads(second.getvalue()) == json.loads(first.getvalue())


# ---- kinship JSON takes the same road: records -> plan -> apply, streamed a batch at a time ----


def _write(tmp_path: Path, document: dict[str, object], name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return path


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_id_repeated_in_a_later_batch_is_refused_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    document = _export(tmp_path)
    interactions = document["interactions"]
    assert isinstance(interactions, list)
    interactions.append(dict(interactions[0], source=None))  # the same id, two batches later
    monkeypatch.setattr(transfer, "BATCH", 1)
    with pytest.raises(DataError, match=r"interaction 3 repeats the id '\w+' of an earlier interaction"):
        run(store, _write(tmp_path, document), dry_run=dry_run)
    assert store.contacts() == []


def test_reimporting_an_export_matches_everyone_adds_nothing_and_says_so(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 1)
    path = _write(tmp_path, _export(tmp_path))
    first = run(store, path)
    assert (first.created, first.added, first.matched) == (("Ana Lima",), 2, 0)
    dry = run(store, path, dry_run=True)
    again = run(store, path)
    for summary in (dry, again):
        assert (summary.created, summary.added, summary.matched, summary.updated) == ((), 0, 1, 0)
        assert dict(summary.left_out) == {"already_imported": 2}
        assert summary.nothing == "nothing new: all 2 already imported"


def test_nudge_state_comes_back_with_its_contact_even_through_a_namesake(
    store: Store, tmp_path: Path
) -> None:
    import io

    source = open_store(tmp_path / "source.db", NOW)
    with source.write():
        ana = source.insert_contact(name="Ana Lima", name_key="ana lima", created=NOW, see_every_days=21)
        source.add_nudge_state(
            uid="s1", kind="snooze", contact_rowid=ana, made_at=NOW, made_day=NOW.date(),
            until_day=NOW.date() + dt.timedelta(days=7),
        )  # fmt: skip
        source.add_nudge_state(uid="d1", kind="dismiss", key="fading:x", made_at=NOW, made_day=NOW.date())
    out = io.StringIO()
    transfer.write_json_export(source, NOW, out)
    source.close()
    path = tmp_path / "export.json"
    path.write_text(out.getvalue())
    with store.write():  # a namesake already in the log: the export joins her
        store.insert_contact(name="Ana Lima", name_key="ana lima", created=NOW)
    summary = run(store, path)
    assert (summary.created, summary.matched, summary.updated, summary.state_rows) == ((), 1, 1, 2)
    with store.read():
        (ana_here,) = store.contacts()
        rows = {row[0]: row for row in store.nudge_state_rows()}
    assert rows["s1"][3] == ana_here.id and rows["d1"][2] == "fading:x"
    assert run(store, path).state_rows == 0  # restored once


def test_an_exported_see_every_rhythm_comes_back(store: Store, tmp_path: Path) -> None:
    document = _export(tmp_path)
    contacts = document["contacts"]
    assert isinstance(contacts, list)
    contacts[0]["see_every_days"] = 21
    run(store, _write(tmp_path, document))
    (ana,) = store.contacts()
    assert ana.see_every_days == 21


def test_import_and_export_stay_below_the_output_layer_and_leave_sql_to_the_store() -> None:
    import ast

    import kinship

    package = Path(kinship.__file__).parent
    for path in [package / "transfer.py", package / "exportfmt.py", *(package / "importers").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("kinship.render", "kinship.cli")), path.name
            if isinstance(node, ast.Attribute):
                assert node.attr != "conn", f"{path.name} runs SQL itself"


def test_an_export_with_its_keys_in_any_order_imports_the_same(store: Store, tmp_path: Path) -> None:
    document = _export(tmp_path)
    document["state"] = {"snoozes": [], "dismissals": [{"id": "d1", "key": "k", "contact_id": None,
                         "made_at": NOW.isoformat(), "made_day": "2026-11-26", "until": None}], "reminders": []}  # fmt: skip
    backwards = dict(reversed(list(document.items())))  # state, interactions, contacts, then the version
    summary = run(store, _write(tmp_path, backwards), fmt="json")
    assert (summary.created, summary.added, summary.state_rows) == (("Ana Lima",), 2, 1)


def test_a_broken_end_after_the_streamed_interactions_writes_nothing(store: Store, tmp_path: Path) -> None:
    text = json.dumps(_export(tmp_path), indent=2)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.rindex('"state"')] + '"state": {"snoozes": [')
    with pytest.raises(DataError, match=r"cut\.json: line \d+: not valid JSON"):
        run(store, path)
    assert store.contacts() == []


@pytest.mark.parametrize(("key", "value"), [("feel", "4"), ("minutes", True), ("note", 7), ("source", ["x"])])
def test_an_exported_value_of_the_wrong_type_is_refused_naming_its_key(
    store: Store, tmp_path: Path, key: str, value: object
) -> None:
    document = _export(tmp_path)
    interactions = document["interactions"]
    assert isinstance(interactions, list)
    interactions[1][key] = value
    with pytest.raises(DataError, match=rf"interaction 2: '{key}' has the wrong type"):
        run(store, _write(tmp_path, document))
    assert store.contacts() == []


def _indexes(store: Store) -> list[tuple[str, str]]:
    with store.read():
        return sorted(
            store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )


@pytest.mark.parametrize("broken", [False, True])
def test_a_bulk_import_rebuilds_the_indexes_it_set_aside_or_leaves_everything_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: bool
) -> None:
    import io

    document = _export(tmp_path)
    interactions = document["interactions"]
    assert isinstance(interactions, list)
    if broken:
        interactions.append(dict(interactions[0], source=None))  # a repeated id, after rows were written
    monkeypatch.setattr(transfer, "BULK_AT", 0)
    monkeypatch.setattr(transfer, "BATCH", 1)
    indexes = _indexes(store)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    if broken:  # found when the id index is built again, named as the import itself names it
        with pytest.raises(
            DataError, match=r"export\.json: interaction 3 repeats the id '\w+' of an earlier"
        ):
            run(store, path)
        assert store.contacts() == []
    else:
        run(store, path)
        out = io.StringIO()
        transfer.write_json_export(store, NOW, out)
        assert json.loads(out.getvalue())["interactions"] == interactions
        with store.read():
            assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _indexes(store) == indexes


def test_a_bulk_import_into_an_empty_log_finds_a_repeated_source_when_it_builds_the_index(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _export(tmp_path)
    interactions = document["interactions"]
    assert isinstance(interactions, list)
    interactions.append(dict(interactions[0], id="f" * 32))  # a new id, the first one's chat day again
    monkeypatch.setattr(transfer, "BULK_AT", 0)
    monkeypatch.setattr(transfer, "BATCH", 1)
    indexes = _indexes(store)
    with pytest.raises(DataError, match=r"interaction 3 repeats the source 'whatsapp:ana:\d' of an earlier"):
        run(store, _write(tmp_path, document))
    assert store.contacts() == [] and _indexes(store) == indexes
