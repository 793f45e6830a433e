"""Files in the sync folder come from outside: hostile or damaged ones are skipped with a reason,
never a traceback, never half applied; and the journal's own stored entries are read with bounds."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from tests.conftest import run
from tests.journal_world import NOW, export_text, small_log

from kinship import history_actions, journal, sync
from kinship.errors import DataError
from kinship.store import open_store

MALLORY = "00000000000000aa"
ZED = "5a" * 16


def entry_id(device: str, counter: int = 0) -> str:
    return f"{int(NOW.timestamp() * 1000):012x}{device}{counter:04x}"


def contact_put(uid: str, name: str) -> str:
    row = {"uid": uid, "name": name, "name_key": name.lower(), "created": 1700000000, "archived": 0}
    return json.dumps({"op": "put", "t": "c", "uid": uid, "row": row, "values": [], "strong": False})


def device_file(folder: Path, device: str, entries: list[list[str]], *, name: str = "mallory") -> Path:
    """Write a complete sync file of ``device`` holding ``entries`` (each a list of raw op lines)."""
    own = folder / device
    own.mkdir(exist_ok=True)
    ids = [entry_id(device, index) for index in range(len(entries))]
    lines = [json.dumps({"kinship_sync": 1, "device": device, "name": name})]
    for entry, ops in zip(ids, entries, strict=True):
        lines.append(json.dumps({"entry": entry, "at": 0, "words": "add: someone"}))
        lines.extend(ops)
        lines.append(json.dumps({"end": entry}))
    lines.append(json.dumps({"complete": True, "entries": len(entries)}))
    path = own / f"{ids[0]}-{ids[-1]}.kjl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    return path


HOSTILE = {
    "deep nesting": '{"op":"put","t":"c","uid":"x","row":' + "[" * 100_000 + "]" * 100_000 + "}",
    "a number of 5000 digits": f'{{"op":"set","t":"c","uid":"{ZED}","f":"every_days","v":{"9" * 5000}}}',
    "a number beyond 64 bits": f'{{"op":"set","t":"c","uid":"{ZED}","f":"every_days","v":{10**30}}}',
    "a name that is a number": contact_put(ZED, "Zed").replace('"name": "Zed"', '"name": 5'),
    "a record that is a list": f'{{"op":"put","t":"c","uid":"{ZED}","row":[]}}',
    "an id that is an object": '{"op":"del","t":"c","uid":{}}',
    "an interaction day as text": json.dumps(
        {
            "op": "put",
            "t": "i",
            "uid": "ab" * 16,
            "row": {"uid": "ab" * 16, "at": 0, "utc_offset": 0, "day": "x", "channel": 0, "created": 0},
            "people": [ZED],
        }
    ),
    "a record lacking a required field": contact_put(ZED, "Zed").replace('"created": 1700000000, ', ""),
    "people that is text": json.dumps(
        {
            "op": "put",
            "t": "i",
            "uid": "ab" * 16,
            "row": {"uid": "ab" * 16, "at": 0, "utc_offset": 0, "day": 1, "channel": 0, "created": 0},
            "people": "Zed",
        }
    ),
    "a channel no reader knows": json.dumps(
        {
            "op": "put",
            "t": "i",
            "uid": "ab" * 16,
            "row": {"uid": "ab" * 16, "at": 0, "utc_offset": 0, "day": 1, "channel": 99, "created": 0},
            "people": [ZED],
        }
    ),
    "a day past the year 9999": f'{{"op":"set","t":"i","uid":"{"ab" * 16}","f":"day","v":{10**12}}}',
    "a value of an unknown kind": json.dumps(
        {"op": "vadd", "uid": ZED, "kind": "password", "key": "x", "value": "hunter2"}
    ),
    "a cut line": '{"op":"put","t":"c",',
    "a line that is a list": "[1, 2, 3]",
    "text that is not UTF-8": '{"op":"del","t":"c","uid":"\udcff\udcfe"}',
    "a line far too long": '{"op":"del","t":"c","uid":"' + "x" * (sync.MAX_LINE + 10) + '"}',
}


@pytest.mark.parametrize("what", list(HOSTILE))
def test_a_hostile_line_skips_its_file_whole_with_a_reason(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    desk = small_log(tmp_path / "desk.db")
    sync.sync(desk, folder, name="desk")
    # an entry whose first operation is fine and whose second is hostile, then a later good file
    device_file(
        folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")], [contact_put(ZED, "Zed"), HOSTILE[what]]]
    )
    later = device_file(folder, MALLORY, [[contact_put("6b" * 16, "Later Lee")]])
    later.rename(later.with_name(entry_id(MALLORY, 5) + "-" + entry_id(MALLORY, 5) + ".kjl"))
    laptop = open_store(tmp_path / "laptop.db", NOW)
    report = sync.sync(laptop, folder, name="laptop")
    names = {contact.name for contact in laptop.contacts()}
    assert "Yan Good" in names  # the whole entry before the bad one
    assert "Zed" not in names  # nothing of the bad entry, though its first line was fine
    assert "Later Lee" not in names  # later files of that device wait
    assert "Ana Lima" in names  # other devices' files are applied
    assert len(report.skipped) == 1 and MALLORY in report.skipped[0]
    assert any(line.startswith("  skipped ") for line in report.lines())
    again = sync.sync(laptop, folder)  # the same, again: nothing applied twice, still skipped
    assert not again.received and len(again.skipped) == 1
    assert {contact.name for contact in laptop.contacts()} == names
    desk.close()
    laptop.close()


def test_headers_that_lie_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = device_file(folder, MALLORY, [[contact_put(ZED, "Zed")]])
    laptop = open_store(tmp_path / "laptop.db", NOW)
    for old, new, says in (
        ('"device": "' + MALLORY, '"device": "' + "1" * 16, "device"),
        ('"kinship_sync": 1', '"kinship_sync": 99', "version"),
        (entry_id(MALLORY), "f" * 12 + MALLORY + "0000", "ahead"),
        (entry_id(MALLORY), entry_id("2" * 16), "another device"),
    ):
        original = path.read_text()
        path.write_text(original.replace(old, new, 1))
        report = sync.sync(laptop, folder)
        assert len(report.skipped) == 1 and says in report.skipped[0], report.skipped
        assert laptop.contacts() == []
        path.write_text(original)
    assert sync.sync(laptop, folder).received == {"mallory": 1}
    laptop.close()


def test_the_cli_reports_a_damaged_file_in_one_line(kinship_env: Path) -> None:
    folder = kinship_env / "shared"
    folder.mkdir()
    device_file(folder, MALLORY, [[contact_put(ZED, "Zed"), HOSTILE["deep nesting"]]])
    result = run("sync", str(folder))
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "skipped " + MALLORY in result.stdout
    assert "nested too deeply" in result.stdout or "too many objects" in result.stdout
    assert "Zed" not in run("people").stdout


def test_the_cli_shows_a_skipped_file_by_its_whole_name_and_shortens_only_the_value(
    kinship_env: Path,
) -> None:
    folder = kinship_env / "shared"
    folder.mkdir()
    circle = "\x1b[31m\u202e" + "x" * 300  # a value from the file: long, with a terminal escape
    bad = contact_put(ZED, "Zed").replace('"archived": 0', f'"archived": 0, "circle": {json.dumps(circle)}')
    path = device_file(folder, MALLORY, [[bad]])
    result = run("sync", str(folder), env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("  skipped ")]
    assert line.startswith(f"  skipped {MALLORY}/{path.name}: a value that breaks the rules: circle ")
    assert line.endswith(sync._WAIT)
    assert "…" in line.split(path.name, 1)[1]  # the value is shortened, in the reason
    assert "x" * 60 not in line
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout  # shown escaped, never raw
    assert "\\x1b" in line


# ---- the journal's stored entries ---------------------------------------------------------------


def test_entries_are_stored_as_marked_json_and_read_back() -> None:
    changes = {
        "c": {"new": ["ü" * 3], "upd": [["x", {"note": 'a "quote"\n', "every_days": None}]], "del": []}
    }
    blob = journal.encode_changes(changes)
    assert blob.startswith(journal.FORMAT_MARK)
    assert json.loads(zlib.decompress(blob[2:])) == changes
    assert journal.decode_changes(blob) == changes


def test_both_encoders_write_the_same_json() -> None:
    changes = {"c": {"new": ["é\u2028\x00"], "upd": [["x", {"a": None, "b": True, "n": -(2**62)}]]}}
    out: list[str] = []
    journal._json_text(changes, out)
    assert (
        "".join(out)
        == journal._compact_json(changes)
        == json.dumps(changes, separators=(",", ":"), ensure_ascii=False)
    )
    with pytest.raises(TypeError):
        journal.encode_changes({"a": b"bytes"})


def test_entries_of_the_first_format_are_still_read() -> None:
    changes = {"i": {"new": [[1, 5]], "renew": [], "upd": [], "del": []}, "r": ["ab" * 16]}
    assert journal.decode_changes(zlib.compress(repr(changes).encode())) == changes


@pytest.mark.parametrize(
    "blob",
    [
        journal.FORMAT_MARK + zlib.compress(b"[" * 200_000 + b"]" * 200_000),
        zlib.compress(b"(" * 200_000 + b")" * 200_000),  # the first format, nested
        zlib.compress(b"{'a': [" * 50_000 + b"]}" * 50_000),
        journal.FORMAT_MARK + zlib.compress(b'{"i": {"new": [["a", 1]]}}'),
        journal.FORMAT_MARK + zlib.compress(b'{"c": {"new": [1]}}'),
        journal.FORMAT_MARK + zlib.compress(b'{"n": {"del": [{"uid": 5}]}}'),
        journal.FORMAT_MARK + zlib.compress(b"[]"),
        journal.FORMAT_MARK + zlib.compress(b'{"a": ' + b"9" * 10_000 + b"}"),
        journal.FORMAT_MARK + b"garbage",
        journal.FORMAT_MARK + zlib.compress(b'{"c": {}}')[:-3],
        zlib.compress(b"__import__('os').system('true')"),
    ],
)
def test_a_damaged_entry_is_refused_in_words(blob: bytes) -> None:
    with pytest.raises(journal.DamagedEntry):
        journal.decode_changes(blob)


def test_an_entry_too_large_once_decompressed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "MAX_DECODED", 1000)
    with pytest.raises(journal.DamagedEntry, match="larger"):
        journal.decode_changes(journal.FORMAT_MARK + zlib.compress(b" " * 5000))


def test_undo_of_a_damaged_entry_is_a_data_error_and_writes_nothing(tmp_path: Path) -> None:
    store = small_log(tmp_path / "desk.db")
    newest = store.conn.execute("SELECT max(id) FROM journal").fetchone()[0]
    store.conn.execute(
        "UPDATE journal SET changes = ? WHERE id = ?",
        (journal.FORMAT_MARK + zlib.compress(b"[" * 100_000), newest),
    )
    store.conn.commit()
    before = export_text(store), store.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    with pytest.raises(DataError, match="damaged"):
        history_actions.undo(store)
    assert (export_text(store), store.conn.execute("SELECT count(*) FROM journal").fetchone()[0]) == before
    store.close()


def test_a_garbled_file_with_a_completion_line_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    own = folder / MALLORY
    own.mkdir(parents=True)
    name = f"{entry_id(MALLORY)}-{entry_id(MALLORY)}.kjl"
    (own / name).write_bytes(bytes(range(256)) * 40 + b'\n{"complete": true}\n')
    laptop = open_store(tmp_path / "laptop.db", NOW)
    report = sync.sync(laptop, folder)
    assert len(report.skipped) == 1
    assert "UTF-8" in report.skipped[0] or "not valid JSON" in report.skipped[0]
    assert laptop.contacts() == [] and not report.received
    laptop.close()


# ---- names in the folder that are not regular files ---------------------------------------------


_NOT_FILES_SCRIPT = """
import os, sys
from pathlib import Path
from kinship import sync
from kinship.store import open_store
from tests.journal_world import NOW
folder, db = Path(sys.argv[1]), Path(sys.argv[2])
laptop = open_store(db, NOW)
report = sync.sync(laptop, folder, name="laptop")
print(sorted(c.name for c in laptop.contacts()))
print("\\n".join(report.skipped))
laptop.close()
"""


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "symlink to a good file"])
def test_a_pipe_or_device_named_like_a_sync_file_is_skipped_not_read(tmp_path: Path, kind: str) -> None:
    import os
    import subprocess
    import sys

    folder = tmp_path / "shared"
    folder.mkdir()
    good = device_file(folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")]])
    odd = good.with_name(entry_id(MALLORY, 5) + "-" + entry_id(MALLORY, 5) + ".kjl")
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "symlink to /dev/zero":
        os.symlink("/dev/zero", odd)
    else:
        target = tmp_path / "elsewhere.kjl"
        (tmp_path / "other").mkdir()
        device_file(tmp_path / "other", MALLORY, [[contact_put("6b" * 16, "Later Lee")]]).rename(target)
        os.symlink(target, odd)
    # in a subprocess with a timeout: before the fix a FIFO blocked the sync forever
    result = subprocess.run(
        [sys.executable, "-c", _NOT_FILES_SCRIPT, str(folder), str(tmp_path / "laptop.db")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names, *skipped = result.stdout.splitlines()
    assert names == "['Yan Good']"  # the good file before it is applied, nothing through the link
    assert len(skipped) == 1 and "not a regular file" in skipped[0] and odd.name in skipped[0]


# ---- received changes that do not fit this database ---------------------------------------------


def interaction_put(uid: str, people: list[str], **row: object) -> str:
    at = int(NOW.timestamp()) - 86400
    record: dict[str, object] = {"uid": uid, "at": at, "utc_offset": 0, "day": at // 86400, "channel": 0}
    record.update(created=at, **row)
    return json.dumps({"op": "put", "t": "i", "uid": uid, "row": record, "people": people, "strong": False})


def later_file(folder: Path, ops: list[str]) -> None:
    path = device_file(folder, MALLORY, [ops])
    path.rename(path.with_name(entry_id(MALLORY, 5) + "-" + entry_id(MALLORY, 5) + ".kjl"))


def test_a_merge_into_a_contact_unknown_here_waits_and_records_no_redirect(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = small_log(tmp_path / "laptop.db")
    ana = laptop.conn.execute("SELECT uid FROM contacts WHERE name = 'Ana Lima'").fetchone()[0]
    merge = json.dumps({"op": "merge", "dup": ana, "keep": "9c" * 16})
    device_file(folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")], [contact_put(ZED, "Zed"), merge]])
    later_file(folder, [interaction_put("ab" * 16, [ana], note="later")])
    before = laptop.conn.execute("SELECT count(*) FROM interactions").fetchone()[0]
    report = sync.sync(laptop, folder, name="laptop")
    names = {contact.name for contact in laptop.contacts()}
    assert "Yan Good" in names and "Ana Lima" in names
    assert "Zed" not in names  # nothing of the entry with the merge
    assert laptop.conn.execute("SELECT count(*) FROM journal_redirects").fetchone()[0] == 0
    assert laptop.conn.execute("SELECT count(*) FROM interactions").fetchone()[0] == before  # waits
    assert len(report.skipped) == 1 and "does not know" in report.skipped[0]
    # once the contact it names has arrived, the merge and the later file apply
    laptop.close()


def test_a_merge_into_a_contact_forgotten_here_forgets_the_duplicate_too(tmp_path: Path) -> None:
    from kinship import actions

    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = small_log(tmp_path / "laptop.db")
    uid = {c.name: c.id for c in laptop.contacts()}
    actions.forget_contact(laptop, uid["Ben Ode"])
    merge = json.dumps({"op": "merge", "dup": uid["Cy Park"], "keep": uid["Ben Ode"]})
    device_file(folder, MALLORY, [[merge]])
    report = sync.sync(laptop, folder, name="laptop")
    assert not report.skipped and report.received == {"mallory": 1}
    assert {c.name for c in laptop.contacts()} == {"Ana Lima", "Eve Ruiz"}
    assert laptop.conn.execute("SELECT count(*) FROM journal_redirects").fetchone()[0] == 0
    laptop.close()


BREAKING = {
    "circle": ("c", "circle", "bogus"),
    "every_days": ("c", "every_days", 0),
    "see_every_days": ("c", "see_every_days", -5),
    "birthday": ("c", "birthday", "not-a-date"),
    "name": ("c", "name", " \t "),
    "feel": ("i", "feel", 99),
    "minutes": ("i", "minutes", -7),
    "messages": ("i", "messages", -3),
    "at": ("i", "at", int(NOW.timestamp()) + 86400 * 30),
}


@pytest.mark.parametrize("how", ["put", "set"])
@pytest.mark.parametrize("what", list(BREAKING))
def test_a_value_breaking_a_data_rule_skips_its_file_whole(tmp_path: Path, what: str, how: str) -> None:
    table, column, value = BREAKING[what]
    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = small_log(tmp_path / "laptop.db")
    ana = laptop.conn.execute("SELECT uid FROM contacts WHERE name = 'Ana Lima'").fetchone()[0]
    existing = bytes(laptop.conn.execute("SELECT uid FROM interactions LIMIT 1").fetchone()[0]).hex()
    if how == "set":
        uid = ana if table == "c" else existing
        bad = json.dumps({"op": "set", "t": table, "uid": uid, "f": column, "v": value})
    elif table == "c":
        bad = contact_put(ZED, "Zed").replace(
            '"archived": 0', f'"archived": 0, "{column}": {json.dumps(value)}'
        )
    else:
        extra = {column: value}
        if column == "at":
            extra["day"] = value // 86400
        bad = interaction_put("ab" * 16, [ana], **extra)
    device_file(folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")], [contact_put("6b" * 16, "Zoe"), bad]])
    before = export_text(laptop)
    report = sync.sync(laptop, folder, name="laptop")
    assert len(report.skipped) == 1 and "breaks the rules" in report.skipped[0], report.skipped
    assert column in report.skipped[0]
    names = {contact.name for contact in laptop.contacts()}
    assert "Yan Good" in names and "Zoe" not in names and "Zed" not in names
    assert export_text(laptop).count("Yan Good") == 1 and before.count("Yan Good") == 0
    laptop.close()


def test_a_value_breaking_a_rule_in_an_added_email_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = small_log(tmp_path / "laptop.db")
    ana = laptop.conn.execute("SELECT uid FROM contacts WHERE name = 'Ana Lima'").fetchone()[0]
    bad = json.dumps({"op": "vadd", "uid": ana, "kind": "email", "key": "x", "value": "not an email"})
    device_file(folder, MALLORY, [[bad]])
    report = sync.sync(laptop, folder, name="laptop")
    assert len(report.skipped) == 1 and "email" in report.skipped[0]
    assert "not an email" not in export_text(laptop)
    laptop.close()


# ---- entries dated ahead of this device's clock -------------------------------------------------


def test_an_entry_dated_beyond_the_skew_waits_and_is_applied_once_its_time_has_come(tmp_path: Path) -> None:
    import datetime as dt

    folder = tmp_path / "shared"
    folder.mkdir()
    ahead = NOW + dt.timedelta(days=3)
    path = device_file(folder, MALLORY, [[contact_put(ZED, "Zed")]])
    future = f"{int(ahead.timestamp() * 1000):012x}{MALLORY}0000"
    path.write_text(path.read_text().replace(entry_id(MALLORY), future))
    path.rename(path.with_name(f"{future}-{future}.kjl"))
    laptop = open_store(tmp_path / "laptop.db", NOW)
    report = sync.sync(laptop, folder, name="laptop")
    assert len(report.skipped) == 1 and "a day ahead" in report.skipped[0]
    assert laptop.contacts() == []
    laptop.close()
    later = open_store(tmp_path / "laptop.db", ahead)  # three days on, the same file is applied
    assert sync.sync(later, folder).received == {"mallory": 1}
    assert [c.name for c in later.contacts()] == ["Zed"]
    later.close()


def test_a_received_id_far_ahead_does_not_push_later_local_ids_ahead(tmp_path: Path) -> None:
    from kinship import journal_store

    laptop = small_log(tmp_path / "laptop.db")
    now_ms = int(NOW.timestamp() * 1000)
    # an entry accepted from a clock 300 days ahead (as before the one-day limit)
    far = f"{now_ms + 300 * 86400 * 1000:012x}{MALLORY}0000"
    laptop.conn.execute(
        "INSERT INTO journal(id, device, at, words, changes) VALUES (?, ?, 0, 'x', NULL)", (far, MALLORY)
    )
    laptop.conn.commit()
    device = journal_store.device_id(laptop.conn)
    own_before = laptop.conn.execute("SELECT max(id) FROM journal WHERE device = ?", (device,)).fetchone()[0]
    entry = journal_store.record_entry(laptop.conn, {}, words="test", now_ms=now_ms)
    assert entry > own_before  # this device's ids still only grow
    assert journal.split_id(entry)[0] <= now_ms + journal.SKEW_MS
    laptop.close()


# ---- bounded lines ------------------------------------------------------------------------------


def test_a_long_header_or_a_line_of_many_lists_is_skipped_before_parsing(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    laptop = open_store(tmp_path / "laptop.db", NOW)
    path = device_file(folder, MALLORY, [[contact_put(ZED, "Zed")]])
    original = path.read_text()
    long_name = original.replace('"name": "mallory"', '"name": "' + "m" * (sync.MAX_HEAD_LINE + 1) + '"', 1)
    many = original.replace('"values": []', '"values": [' + ",".join(["[]"] * (sync.MAX_BRACKETS + 1)) + "]")
    for text, says in ((long_name, "too long"), (many, "too many")):
        path.write_text(text)
        report = sync.sync(laptop, folder)
        assert len(report.skipped) == 1 and says in report.skipped[0], report.skipped
        assert laptop.contacts() == []
    # a note of 10,000 brackets is a note, not a structure: the rule is on lines, with room for it
    note = json.dumps("[{" * 5000)
    path.write_text(original.replace('"archived": 0', '"archived": 0, "note": ' + note))
    assert sync.sync(laptop, folder).received == {"mallory": 1}
    laptop.close()


# ---- overlapping files --------------------------------------------------------------------------


def test_a_later_file_listing_applied_entries_again_is_no_damage(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    # a sync killed after renaming its file into place, before its commit, writes the same
    # entries again (and more) into a new file next time
    device_file(folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")], [contact_put(ZED, "Zed")]])
    laptop = open_store(tmp_path / "laptop.db", NOW)
    assert sync.sync(laptop, folder).received == {"mallory": 2}
    device_file(
        folder,
        MALLORY,
        [[contact_put("7a" * 16, "Yan Good")], [contact_put(ZED, "Zed")], [contact_put("6b" * 16, "Zoe")]],
    )
    report = sync.sync(laptop, folder)
    assert not report.skipped and report.received == {"mallory": 1}
    fresh = open_store(tmp_path / "fresh.db", NOW)  # both files at once: each entry once
    report = sync.sync(fresh, folder)
    assert not report.skipped and report.received["mallory"] == 3
    assert sorted(c.name for c in fresh.contacts()) == ["Yan Good", "Zed", "Zoe"]
    laptop.close()
    fresh.close()


def test_entries_going_down_inside_one_file_are_damage(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = device_file(folder, MALLORY, [[contact_put("7a" * 16, "Yan Good")], [contact_put(ZED, "Zed")]])
    first, second = entry_id(MALLORY, 0), entry_id(MALLORY, 1)
    text = path.read_text().replace(first, "FIRST").replace(second, first).replace("FIRST", second)
    path.write_text(text)
    laptop = open_store(tmp_path / "laptop.db", NOW)
    report = sync.sync(laptop, folder)
    assert len(report.skipped) == 1 and "out of order" in report.skipped[0]
    laptop.close()
