"""`kinship show` lists the latest 20 interactions unless told otherwise (SPEC §4)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import ok, run


def test_show_lists_the_latest_twenty_unless_given_limit_or_all(db_path: Path) -> None:
    ok("add", "Ana Lima")
    ok("log", "ana", "--when", "2026-11-01")  # creates the database; the rest goes in directly
    conn = sqlite3.connect(db_path)
    conn.executemany(  # 24 more days with Ana, written as another tool would
        "INSERT INTO interactions(uid, at, utc_offset, day, channel, created) VALUES (?, ?, 0, ?, 1, ?)",
        [(bytes([n]) * 16, (20_000 + n) * 86400, 20_000 + n, (20_000 + n) * 86400) for n in range(24)],
    )
    conn.execute("INSERT INTO links SELECT 1, day, channel, id FROM interactions WHERE id > 1")
    conn.commit()
    conn.close()

    def shown(*options: str) -> list[str]:
        return [
            item["day"] for item in json.loads(ok("show", "ana", "--json", *options).stdout)["interactions"]
        ]

    assert len(shown()) == 20 and shown()[0] == "2026-11-01"
    assert shown("--limit", "3") == shown()[:3]
    assert len(shown("--all")) == 25
    assert "Timeline" in ok("show", "ana", "--limit", "2").stdout
    for wrong in (("--limit", "0"), ("--limit", "3", "--all")):
        assert run("show", "ana", *wrong).exit_code == 2
