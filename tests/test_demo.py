"""`kinship demo`: a realistic year in a temporary database, never the user's; the point in one command."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import dump, ok, run


def test_demo_shows_a_review_and_nudges_and_leaves_the_users_database_alone(db_path: Path) -> None:
    ok("add", "Ana Lima")
    before = dump(db_path)
    output = ok("demo").stdout
    assert "Weekly review 2026-W47" in output
    words = " ".join(output.split())
    assert "Crowded week: yes" in words  # the week just ended was all screens
    assert (
        "You wanted to see Mum in person every month; it has been 45 days, with 6 digital contacts" in words
    )
    assert "You usually go to climbing every 14 days" in words  # a group that stopped meeting
    assert "Only online lately" in output and "Ben Ode" in output  # once a climbing partner
    assert "Cy Park's birthday is in 3 days" in output
    assert dump(db_path) == before


def test_demo_keep_writes_a_database_to_explore(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    ok("demo", "--keep", str(target))
    people = json.loads(ok("--db", str(target), "people", "--json").stdout)
    assert len(people) == 10
    assert {p["status"] for p in people} >= {"ok", "online_only"}
    assert run("demo", "--keep", str(target)).exit_code == 2  # never overwrites
