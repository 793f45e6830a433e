"""`kinship import` and `kinship export` end to end: real files, idempotence, all-or-nothing, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import dump, ok, run

from kinship import store as store_module
from kinship import transfer
from kinship.keys import name_key
from kinship.models import Channel

FIXTURES = Path(__file__).parent / "fixtures"


def test_contacts_import_then_reimport_changes_nothing(db_path: Path) -> None:
    files = [str(p) for p in sorted((FIXTURES / "vcard").glob("*.vcf"))]
    first = json.loads(ok("import", *files, "--json").stdout)
    assert len(first["contacts_created"]) >= 5
    before = dump(db_path)
    again = json.loads(ok("import", *files, "--json").stdout)
    assert again["contacts_created"] == [] and again["contacts_updated"] == 0
    assert dump(db_path) == before


def test_dry_run_writes_nothing(db_path: Path) -> None:
    ok("add", "Ana Lima")
    before = dump(db_path)
    result = ok("import", str(FIXTURES / "vcard" / "ezvcard-gmail-single.vcf"), "--dry-run")
    assert result.stdout.startswith("Would import")
    assert dump(db_path) == before


def test_malformed_file_fails_cleanly_and_writes_nothing(db_path: Path) -> None:
    ok("add", "Ana Lima")
    before = dump(db_path)
    result = run(
        "import",
        str(FIXTURES / "vcard" / "ezvcard-gmail-single.vcf"),  # a good file first: still all or nothing
        str(FIXTURES / "sms-xml" / "shruggie-malformed.xml"),
    )
    assert result.exit_code == 5
    assert "shruggie-malformed.xml: line 4" in result.stderr
    assert "Traceback" not in result.output
    assert dump(db_path) == before


def test_missing_file_is_exit_2(db_path: Path) -> None:
    result = run("import", "no-such-export.vcf")
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert not db_path.exists() or dump(db_path) is not None


def test_chat_needs_me(db_path: Path) -> None:
    result = run("import", str(FIXTURES / "whatsapp" / "pustur-short-chat.txt"))
    assert result.exit_code == 2
    assert "--me" in result.stderr


def test_chat_import_is_idempotent_and_skips_hand_logged_days() -> None:
    ok("add", "TestBot")
    ok("log", "testbot", "--via", "message", "--when", "2017-08-05 09:00")  # hand-logged that day
    chat = str(FIXTURES / "whatsapp" / "pustur-short-chat.txt")
    first = json.loads(ok("import", chat, "--me", "Sample User", "--json").stdout)
    assert first["skipped_hand_logged"] == 1
    items = json.loads(ok("history", "testbot", "--json").stdout)
    assert [(item["day"], item["source"] is None) for item in items] == [("2017-08-05", True)]
    again = json.loads(ok("import", chat, "--me", "Sample User", "--json").stdout)
    assert again["interactions_added"] == 0


def test_message_bodies_are_never_stored(db_path: Path) -> None:
    ok("import", str(FIXTURES / "whatsapp" / "pustur-short-chat.txt"), "--me", "Sample User", "--new")
    assert "This is a test message" not in (dump(db_path) or "")
    assert "How are you" not in (dump(db_path) or "")


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    ok(
        "add",
        "Ana Lima",
        "--circle",
        "friends",
        "--every",
        "2w",
        "--alias",
        "ana",
        "--tag",
        "uni",
        "--birthday",
        "--11-06",
        "--email",
        "ana@example.org",
        "--phone",
        "+49 30 1234567",
        "--note",
        "tea",
    )
    ok("add", "Ben Ode", "--circle", "colleagues")
    ok(
        "log",
        "ana",
        "ben",
        "--via",
        "video",
        "--when",
        "2026-10-25 02:30",
        "--minutes",
        "30",
        "--feel",
        "4",
        "--note",
        "=cmd|' /C calc'!A0",
    )
    ok("log", "--group", "book club", "--when", "last thursday")
    ok("import", str(FIXTURES / "whatsapp" / "pustur-short-chat.txt"), "--me", "Sample User", "--new")
    (fading,) = json.loads(ok("nudges", "--json").stdout)["nudges"]  # Ana's, every 2 weeks
    ok("snooze", fading["handle"], "1w")  # a key snooze, a contact snooze and a dismissal travel
    ok("snooze", "ana", "2w")
    ok("dismiss", fading["key"])
    first = tmp_path / "first.json"
    ok("export", "-o", str(first))
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    other = str(tmp_path / "other.db")
    ok("--db", other, "import", str(first))
    second = tmp_path / "second.json"
    ok("--db", other, "export", "-o", str(second))
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    assert run("export", "-o", str(first)).exit_code == 2  # never overwrites


def test_an_export_laid_out_by_another_tool_imports_too(tmp_path: Path) -> None:
    ok("add", "Ana Lima", "--alias", "ana")
    ok("log", "ana", "--via", "call", "--when", "yesterday 8pm")
    ours = json.loads(ok("export").stdout)
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(ours, indent=4))
    other = str(tmp_path / "other.db")
    ok("--db", other, "import", str(pretty))
    assert json.loads(ok("--db", other, "export").stdout) == ours


def test_an_export_with_its_keys_in_any_order_is_detected_as_kinship_json(tmp_path: Path) -> None:
    from kinship.importers.detect import detect_format

    ok("add", "Ana Lima", "--alias", "ana", "--every", "2w")
    ok("log", "ana", "--via", "call", "--when", "40 days ago")
    ok("snooze", "ana", "1w")
    ours = json.loads(ok("export").stdout)
    layouts = {
        "sorted.json": json.dumps(ours, sort_keys=True, indent=1),  # "contacts" first
        "reversed.json": json.dumps(dict(reversed(ours.items()))),  # "state" first
        "interactions.json": json.dumps({"interactions": ours["interactions"]} | ours),
    }
    for name, text in layouts.items():
        path = tmp_path / name
        path.write_text(text)
        assert detect_format(text.encode()[:4096], name) == "json"
        other = str(tmp_path / f"{name}.db")
        ok("--db", other, "import", str(path))
        assert json.loads(ok("--db", other, "export").stdout)["interactions"] == ours["interactions"]
    for telegram in sorted((FIXTURES / "telegram").glob("*.json")):  # Telegram's "contacts" is an object
        assert detect_format(telegram.read_bytes()[:4096], telegram.name) == "telegram"
    full = json.dumps({"contacts": {"about": "", "list": []}, "chats": {"list": []}}).encode()
    assert detect_format(full, "result.json") == "telegram"


def test_a_lone_surrogate_refuses_the_export_naming_the_record(tmp_path: Path) -> None:
    ok("add", "Ana Lima", "--email", "ana@example.org")
    ok("log", "ana", "--via", "call", "--when", "yesterday 8pm", "--note", "tea")
    ours = json.loads(ok("export").stdout)
    other = str(tmp_path / "other.db")
    for where, change, named in (
        ("note", lambda data: data["interactions"][0].update(note="tea \ud800"), "interaction 1"),
        ("name", lambda data: data["contacts"][0].update(name="Ana \udfff"), "contact 1"),
        ("email", lambda data: data["contacts"][0].update(emails=["an\ud800@example.org"]), "contact 1"),
        ("source", lambda data: data["interactions"][0].update(source="chat:\ud800"), "interaction 1"),
        ("id", lambda data: data["interactions"][0].update(id="\ud800"), "interaction 1"),
    ):
        data = json.loads(json.dumps(ours))
        change(data)
        path = tmp_path / f"{where}.json"
        path.write_text(json.dumps(data))  # ensure_ascii: "\ud800" in the file
        for dry_run in ((), ("--dry-run",)):
            result = run("--db", other, "import", str(path), *dry_run)
            assert result.exit_code == 5, (where, result.output)
            assert f"{named} (" in result.output and "lone surrogate" in result.output
    assert not (tmp_path / "other.db").exists()  # nothing was written


def test_a_bad_nudge_state_record_refuses_the_export_in_both_modes(tmp_path: Path) -> None:
    ok("add", "Ana Lima", "--every", "2w")
    ok("log", "ana", "--via", "call", "--when", "40 days ago")
    ok("snooze", "ana", "2w")
    ours = json.loads(ok("export").stdout)
    [snooze] = ours["state"]["snoozes"]
    other = str(tmp_path / "other.db")
    for name, snoozes, message in (
        ("repeat", [snooze, snooze], "state snooze 2 (" + snooze["id"] + ") repeats the id of snooze 1"),
        ("future", [snooze | {"made_at": "2099-01-01T00:00:00+00:00"}], "made_at is in the future"),
        ("old", [snooze | {"until": "1800-01-01"}], "until must be in 1900 or later"),
        ("key", [snooze | {"key": "x\x07" * 1000}], "key must be one line"),
        ("nobody", [snooze | {"contact_id": "nobody"}], "names a contact (nobody) the export lacks"),
    ):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(ours | {"state": ours["state"] | {"snoozes": snoozes}}))
        for dry_run in (("--dry-run",), ()):
            result = run("--db", other, "import", str(path), *dry_run)
            assert (result.exit_code, result.stderr.count("\n")) == (5, 2), (name, result.output)
            assert f"{path.name}: state snooze " in result.stderr and message in result.stderr, name
    assert not (tmp_path / "other.db").exists()  # nothing was written


def test_export_values_of_the_wrong_type_or_breaking_a_rule_refuse_the_file(tmp_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--via", "call", "--when", "yesterday 8pm")
    ours = json.loads(ok("export").stdout)
    [ana], [call] = ours["contacts"], ours["interactions"]
    other = str(tmp_path / "other.db")
    for name, data, message in (
        (
            "naive",
            ours | {"interactions": [call | {"when": call["when"][:19]}]},
            "when must carry its UTC offset",
        ),
        (
            "future",
            ours | {"interactions": [call | {"created": "2099-01-01T00:00:00+00:00"}]},
            "created is in",
        ),
        ("born", ours | {"contacts": [ana | {"created": "2099-01-01T00:00:00+00:00"}]}, "contact 1 ("),
        ("archived", ours | {"contacts": [ana | {"archived": "no"}]}, "'archived' has the wrong type"),
        ("version", ours | {"kinship_export": True}, "kinship_export is true, not a version number"),
        ("float", ours | {"kinship_export": 1.0}, "kinship_export is 1.0"),
        ("empty", ours | {"interactions": [call | {"id": " "}]}, "interaction 1 ( ): id must not be empty"),
    ):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data))
        for dry_run in (("--dry-run",), ()):
            result = run("--db", other, "import", str(path), "--format", "json", *dry_run)
            assert result.exit_code == 5 and message in result.stderr, (name, result.output)
    assert not (tmp_path / "other.db").exists()  # nothing was written


def test_a_record_longer_than_the_limit_is_refused_but_a_long_state_is_read(tmp_path: Path) -> None:
    from kinship.importers.kinship_json import MAX_RECORD

    ok("add", "Ana Lima")
    ok("log", "ana", "--via", "call", "--when", "yesterday 8pm")
    ours = json.loads(ok("export").stdout)
    [call] = ours["interactions"]
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(ours | {"interactions": [call, call | {"note": "\U0001f600" * MAX_RECORD}]}))
    result = run("--db", str(tmp_path / "other.db"), "import", str(huge), "--dry-run")
    assert result.exit_code == 5
    assert f"interaction 2: a record longer than {MAX_RECORD:,} characters" in result.stderr
    reminder = {"key": "digest", "contact_id": None, "made_at": call["when"], "made_day": call["day"]}
    reminders = [reminder | {"id": f"r{number}", "until": None} for number in range(MAX_RECORD // 100)]
    long_state = tmp_path / "state.json"  # the state is one value, longer than one record may be
    long_state.write_text(json.dumps(ours | {"state": {"reminders": reminders}}))
    summary = json.loads(ok("--db", str(tmp_path / "other.db"), "import", str(long_state), "--json").stdout)
    assert summary["interactions_added"] == 1


def test_an_id_the_log_has_may_repeat_in_the_file_in_both_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 2)
    ok("add", "Ana Lima")
    for days in (3, 2, 1):
        ok("log", "ana", "--via", "call", "--when", f"{days} days ago")
    ours = json.loads(ok("export").stdout)
    first, second, third = ours["interactions"]
    other = str(tmp_path / "other.db")
    ok("--db", other, "import", str(_write(tmp_path / "one.json", ours | {"interactions": [first]})))
    again = ours | {"interactions": [first, second, third, first]}  # the log's one, again across batches
    path = _write(tmp_path / "again.json", again)
    planned = json.loads(ok("--db", other, "import", str(path), "--dry-run", "--json").stdout)
    done = json.loads(ok("--db", other, "import", str(path), "--json").stdout)
    assert planned | {"dry_run": True} == done | {"dry_run": True}
    assert (done["interactions_added"], done["skipped_duplicates"]) == (2, 2)
    bad = _write(tmp_path / "bad.json", ours | {"interactions": [first, second, third, second]})
    for dry_run in (("--dry-run",), ()):
        result = run("--db", str(tmp_path / "third.db"), "import", str(bad), *dry_run)
        assert result.exit_code == 5 and "interaction 4 repeats the id" in result.stderr


def test_a_bulk_import_names_the_first_record_that_repeats_an_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 1)  # the repeats reach the unique index rebuilt at the end
    monkeypatch.setattr(transfer, "BULK_AT", 1)
    ok("add", "Ana Lima")
    for days in (3, 2):
        ok("log", "ana", "--via", "call", "--when", f"{days} days ago")
    ours = json.loads(ok("export").stdout)
    a, b = ours["interactions"]
    path = _write(tmp_path / "thrice.json", ours | {"interactions": [a, b, a, b, a]})
    result = run("--db", str(tmp_path / "other.db"), "import", str(path))
    assert result.exit_code == 5, result.output
    assert f"interaction 3 repeats the id {a['id']!r}" in result.stderr  # not 4 (b's last) nor 5


def test_a_top_level_key_that_comes_twice_refuses_the_export(tmp_path: Path) -> None:
    ok("add", "Ana Lima")
    text = ok("export").stdout
    twice = tmp_path / "twice.json"
    twice.write_text(text.rstrip().removesuffix("}") + ', "contacts": []}')
    for dry_run in (("--dry-run",), ()):
        result = run("--db", str(tmp_path / "other.db"), "import", str(twice), *dry_run)
        assert result.exit_code == 5 and "the key 'contacts' comes twice" in result.stderr, result.output


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_broken_export_line_names_the_line(tmp_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("log", "ana")
    lines = ok("export").stdout.splitlines()
    lines[3] = lines[3][:20]  # cut the first interaction short
    broken = tmp_path / "broken.json"
    broken.write_text("\n".join(lines) + "\n")
    result = run("--db", str(tmp_path / "other.db"), "import", str(broken))
    assert result.exit_code == 5
    assert "line 4" in result.stderr


def test_csv_export_escapes_formulas() -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--note", '=HYPERLINK("http://x")', "--when", "yesterday")
    ok("log", "ana", "--note", "@SUM(1)", "--via", "call")
    rows = list(csv.DictReader(io.StringIO(ok("export", "--format", "csv").stdout)))
    assert [row["note"] for row in rows] == ['\'=HYPERLINK("http://x")', "'@SUM(1)"]
    assert {row["mode"] for row in rows} == {"face_to_face", "digital"}
    assert run("export", "--format", "xml").exit_code == 2


NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def _valid_text(text: str) -> bool:
    """True for text every data rule accepts as a name and a note (what the store may hold)."""
    from kinship import validate
    from kinship.errors import ValidationError

    try:
        validate.name(text)
        validate.note(text)
    except ValidationError:
        return False
    return True


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    _valid_text
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(texts, min_size=1, max_size=4, unique_by=lambda n: n.casefold()),
    events=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3000),
            st.sampled_from(list(Channel)),
            st.sets(st.integers(min_value=0, max_value=3), max_size=3),
            st.one_of(st.none(), texts),
            st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
            st.sampled_from([-300, 0, 60, 330, 780]),
        ),
        max_size=12,
    ),
)
def test_json_export_round_trips_for_any_log(tmp_path: Path, names: list[str], events: list[tuple]) -> None:  # type: ignore[type-arg]
    folder = tmp_path / f"rt-{abs(hash((tuple(names), len(events))))}"
    folder.mkdir(exist_ok=True)
    source = store_module.open_store(folder / f"a{len(list(folder.iterdir()))}.db", NOW)
    with source.write():
        rowids = [source.insert_contact(name=name, name_key=name_key(name), created=NOW) for name in names]
        for hours, channel, people, note, minutes, offset in events:
            when = (NOW - dt.timedelta(hours=hours)).astimezone(dt.timezone(dt.timedelta(minutes=offset)))
            source.insert_interaction(
                when=when,
                day=when.date(),
                channel=channel,
                created=NOW,
                note=note,
                minutes=minutes,
                contact_rowids=[rowids[i % len(rowids)] for i in people],
                group=None if people else "club",
            )
    first = io.StringIO()
    transfer.write_json_export(source, NOW, first)
    source.close()
    export_file = folder / f"export{len(list(folder.iterdir()))}.json"
    export_file.write_text(first.getvalue())
    target = store_module.open_store(folder / f"b{len(list(folder.iterdir()))}.db", NOW)
    transfer.import_files(target, NOW, dt.UTC, [export_file])
    second = io.StringIO()
    transfer.write_json_export(target, NOW, second)
    target.close()
    assert json.loads(second.getvalue()) == json.loads(first.getvalue())


def test_json_import_joins_a_namesake_already_in_the_log(tmp_path: Path) -> None:
    other = str(tmp_path / "other.db")
    ok("--db", other, "add", "Ana Lima", "--email", "ana@example.org")
    ok("--db", other, "log", "ana", "--via", "call", "--when", "yesterday")
    export = tmp_path / "other.json"
    ok("--db", other, "export", "-o", str(export))
    ok("add", "Ana Lima")
    ok("log", "ana", "--when", "3d ago")
    summary = json.loads(ok("import", str(export), "--json").stdout)
    assert summary["contacts_created"] == []
    [ana] = json.loads(ok("people", "--json").stdout)
    assert len(ana["source_ids"]) == 1 and ana["source_ids"][0].startswith("kinship:")
    assert len(json.loads(ok("history", "ana", "--json").stdout)) == 2
    ok("edit", "ana", "--name", "Ana Lima Souza")
    again = json.loads(ok("import", str(export), "--json").stdout)  # still matched, by the kept source id
    assert again["contacts_created"] == [] and again["interactions_added"] == 0


def test_json_import_fills_a_matched_contact_and_matches_by_email(tmp_path: Path) -> None:
    other = str(tmp_path / "other.db")
    ok("--db", other, "add", "Ana Lima", "--email", "ana@example.org", "--phone", "+49 30 1234567",
       "--alias", "annie", "--tag", "uni", "--circle", "friends", "--every", "2w", "--see-every", "30d",
       "--birthday", "1990-05-04", "--note", "tea")  # fmt: skip
    ok("--db", other, "add", "Ben Ode", "--email", "ben@example.org", "--tag", "work", "--note", "theirs")
    export = tmp_path / "other.json"
    ok("--db", other, "export", "-o", str(export))
    ok("add", "Ana Lima")  # matched by name
    ok("add", "B. Ode", "--email", "BEN@example.org", "--note", "mine")  # matched by email, keeps its note
    summary = json.loads(ok("import", str(export), "--json").stdout)
    assert summary["contacts_created"] == [] and summary["contacts_updated"] == 2
    ana, ben = sorted(json.loads(ok("people", "--json").stdout), key=lambda person: person["name"])
    shown = json.loads(ok("show", "ana", "--json").stdout)
    assert shown["emails"] == ["ana@example.org"] and shown["phones"] == ["+49 30 1234567"]
    assert shown["aliases"] == ["annie"] and shown["tags"] == ["uni"] and shown["circle"] == "friends"
    assert (shown["every_days"], shown["see_every_days"]) == (14, 30)
    assert (shown["birthday"], shown["note"]) == ("1990-05-04", "tea")
    assert len(ana["source_ids"]) == 1
    shown = json.loads(ok("show", "B. Ode", "--json").stdout)
    assert shown["note"] == "mine" and shown["tags"] == ["work"] and shown["emails"] == ["BEN@example.org"]
    assert ben["name"] == "B. Ode"
    before = ok("export").stdout.splitlines()[1:]
    again = ok("import", str(export))
    assert "contacts updated: 0" in again.stdout and "nothing new" in again.stdout
    assert ok("export").stdout.splitlines()[1:] == before


def test_two_exports_sharing_rows_import_in_one_command_and_dry_run_agrees(tmp_path: Path) -> None:
    ok("add", "Ana Lima", "--every", "2w")
    ok("log", "ana", "--via", "call", "--when", "40 days ago")
    ok("snooze", "ana", "2w")
    first = tmp_path / "first.json"
    ok("export", "-o", str(first))
    ok("add", "Ben Ode", "--email", "ben@example.org")
    ok("log", "ben", "ana", "--when", "yesterday")
    second = tmp_path / "second.json"  # everything in the first, and more
    ok("export", "-o", str(second))
    other = str(tmp_path / "other.db")
    files = [str(first), str(second)]
    planned = json.loads(ok("--db", other, "import", *files, "--dry-run", "--json").stdout)
    done = json.loads(ok("--db", other, "import", *files, "--json").stdout)
    assert planned | {"dry_run": True} == done | {"dry_run": True}
    assert done["contacts_created"] == ["Ana Lima", "Ben Ode"] and done["interactions_added"] == 2
    assert done["skipped_duplicates"] == 1
    exported = json.loads(ok("--db", other, "export").stdout)
    assert exported | {"exported_at": None} == json.loads(second.read_text()) | {"exported_at": None}
    again = json.loads(ok("--db", other, "import", *files, "--json").stdout)
    assert (again["contacts_created"], again["interactions_added"]) == ([], 0)
    assert again["nothing"] == "nothing new: all 3 already imported"


def test_the_same_chat_day_from_two_exports_counts_once() -> None:
    single = str(FIXTURES / "telegram" / "chatminer-single_export.json")
    batch = str(FIXTURES / "telegram" / "chatminer-batch_export.json")
    ok("import", single, "--me", "Author 1", "--new")
    first = json.loads(ok("history", "--json").stdout)
    summary = json.loads(ok("import", batch, "--me", "Author 1", "--new", "--json").stdout)
    assert summary["skipped_hand_logged"] >= 1
    days = [(item["day"], item["channel"], tuple(p["name"] for p in item["people"])) for item in
            json.loads(ok("history", "--json").stdout)]  # fmt: skip
    assert len(days) == len(set(days))  # one interaction per person, day and channel
    assert len(days) >= len(first)


def test_a_folder_is_not_a_readable_import_file(tmp_path: Path) -> None:
    result = run("import", str(tmp_path))
    assert result.exit_code == 5  # SPEC §4: missing is 2, unreadable is 5
    assert result.stderr.startswith("Error:")


def test_export_to_dash_is_stdout_and_never_writes_through_a_symlink_or_over_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("add", "Ana Lima")
    monkeypatch.chdir(tmp_path)
    assert json.loads(ok("export", "-o", "-").stdout)["kinship_export"] == 1
    assert not (tmp_path / "-").exists()
    existing = tmp_path / "old.json"
    existing.write_text("keep me")
    assert run("export", "-o", str(existing)).exit_code == 2
    assert existing.read_text() == "keep me"
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")  # dangling
    assert run("export", "-o", str(link)).exit_code == 2
    assert not (tmp_path / "elsewhere.json").exists()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.endswith(".json")) == [
        "link.json",
        "old.json",
    ]
