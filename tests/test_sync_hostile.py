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
    assert "skipped " + MALLORY in result.stdout and "nested too deeply" in result.stdout
    assert "Zed" not in run("people").stdout


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
