"""The nudge commands end to end through the CLI: handles, the un- commands, the hidden list,
groups, --see-every and --clear, review --week this, and a digest that keeps to its budget."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.conftest import dump, ok, run


def nudges_json(*args: str) -> list[dict[str, object]]:
    payload = json.loads(ok("nudges", "--json", *args).stdout)
    found: list[dict[str, object]] = payload["nudges"]
    return found


@pytest.fixture
def mum(db_path: Path) -> Path:
    """Mum, whom you wish to see every two months, was last met 75 days ago, with 6 calls since."""
    ok("add", "Mum", "--circle", "family", "--see-every", "2mo")
    ok("log", "mum", "--when", "2026-09-12", "--minutes", "120")
    for day in ("2026-10-01", "2026-10-10", "2026-10-20", "2026-11-01", "2026-11-10", "2026-11-20"):
        ok("log", "mum", "--via", "call", "--when", day, "--minutes", "30")
    ok("log", "--group", "book club", "--when", "2026-11-24")  # met people two days ago
    return db_path


def test_nudges_show_the_handle_and_the_command_that_quiets_it(mum: Path) -> None:
    (nudge,) = nudges_json()
    assert nudge["kind"] == "see_in_person" and nudge["see_every_days"] == 60
    assert list(nudge)[:2] == ["key", "handle"]
    text = ok("nudges").stdout
    assert (
        "You wanted to see Mum in person every 2 months; it has been 75 days, with 6 digital contacts" in text
    )
    assert f"(kinship dismiss {nudge['handle']})" in text
    people = json.loads(ok("people", "--json").stdout)
    assert (people[0]["status"], people[0]["see_every_days"], people[0]["last_contact"]) == (
        "see_in_person",
        60,
        "2026-11-20",
    )
    assert people[0]["last_face_to_face"] == "2026-09-12"
    shown = json.loads(ok("show", "mum", "--json").stdout)
    assert shown["time_together"]["hours_face_to_face"] == 2.0
    assert shown["time_together"]["hours_digital"] == 3.0


def test_dismiss_and_undismiss_by_handle_and_the_hidden_list(mum: Path) -> None:
    (nudge,) = nudges_json()
    handle = str(nudge["handle"])
    assert ok("dismiss", handle).stdout.startswith("Dismissed the see-in-person nudge")
    assert nudges_json() == []
    hidden = json.loads(ok("nudges", "--hidden", "--json").stdout)["hidden"]
    assert [(item["handle"], item["hidden"]) for item in hidden] == [(handle, "dismissed")]
    assert f"kinship undismiss {handle}" in ok("nudges", "--hidden").stdout
    assert ok("undismiss", handle).stdout.startswith("Undismissed")
    assert len(nudges_json()) == 1
    before = dump(mum)
    assert run("undismiss", handle).exit_code == 3  # no dismissal in force any more
    assert dump(mum) == before


@pytest.mark.parametrize("who", ["fading:nonsense", "0000", "Nobody Known"])
def test_what_matches_no_nudge_is_exit_3_and_writes_nothing(mum: Path, who: str) -> None:
    before = dump(mum)
    for args in (("dismiss", who), ("snooze", who, "1w"), ("unsnooze", who), ("undismiss", who)):
        result = run(*args)
        assert result.exit_code == 3, (args, result.output)
        assert result.output.startswith("Error:")
    assert dump(mum) == before


def test_snooze_by_name_and_unsnooze(mum: Path) -> None:
    assert ok("snooze", "mum", "2w").stdout.strip() == "Snoozed Mum until 2026-12-10"
    assert nudges_json() == []
    assert "Mum" in ok("nudges", "--hidden").stdout
    ok("unsnooze", "mum")
    assert len(nudges_json()) == 1


def test_edit_clear_see_every_and_a_bad_field(mum: Path) -> None:
    ok("edit", "mum", "--clear", "see-every")
    assert json.loads(ok("people", "--json").stdout)[0]["see_every_days"] is None
    assert run("edit", "mum", "--clear", "name").exit_code == 2


def test_groups_lists_rhythm_and_people(db_path: Path) -> None:
    ok("add", "Gus Olsen")
    for day in ("2026-09-03", "2026-09-17", "2026-10-01", "2026-10-15"):
        ok("log", "gus", "--group", "Book club", "--when", day)
    (group,) = json.loads(ok("groups", "--json").stdout)
    assert (group["group"], group["days_last_365"], group["rhythm_days"], group["last_met"]) == (
        "Book club",
        4,
        14,
        "2026-10-15",
    )
    assert group["people"] == [{"id": group["people"][0]["id"], "name": "Gus Olsen", "count": 4}]
    assert "Book club" in ok("groups").stdout
    fading = [n for n in nudges_json() if n["kind"] == "group_fading"]
    assert fading and fading[0]["group"] == "Book club" and fading[0]["days_since"] == 42


def test_review_of_this_week_so_far(mum: Path) -> None:
    payload = json.loads(ok("review", "--week", "this", "--json").stdout)
    assert (payload["week"], payload["so_far_days"], payload["crowded"]) == ("2026-W48", 4, False)
    assert "so far, 4 of 7 days" in ok("review", "--week", "this").stdout


def test_a_digest_keeps_to_remind_budget_and_counts_the_rest(db_path: Path, kinship_env: Path) -> None:
    (kinship_env / "config.toml").write_text("remind_budget = 2\n")
    for number in range(4):
        ok("add", f"Friend {number}", "--every", "1w")
    later = {"KINSHIP_NOW": "2026-12-26T08:00:00"}
    text = ok("remind", env=later).stdout
    lines = text.splitlines()
    assert len(lines) == 3 and lines[-1] == "- and 2 more \u2014 kinship nudges"
    assert all(re.search(r"\(kinship dismiss [0-9a-f]{4,}\)$", line) for line in lines[:2])
    assert ok("remind", env=later).stdout == ""  # never twice
    assert ok("remind", env={"KINSHIP_NOW": "2026-12-27T08:00:00"}).stdout == ""  # nor the next day
    payload = json.loads(
        ok("remind", "--json", "--dry-run", env={"KINSHIP_NOW": "2027-01-02T08:00:00"}).stdout
    )
    assert len(payload["nudges"]) == 4  # every --json lists them all


def test_three_weeks_of_daily_cron_runs_give_one_digest_a_week_and_the_birthday(db_path: Path) -> None:
    """`remind --as-of DAY` every morning, as cron would: the README's "never nag twice a week"."""
    import datetime as dt

    ok("add", "Ana Lima", "--every", "1w")
    ok("add", "Ben Ode", "--birthday", "1990-12-20")
    spoke: dict[str, list[str]] = {}
    start = dt.date(2026, 12, 1)
    for offset in range(22):
        day = (start + dt.timedelta(days=offset)).isoformat()
        out = ok("remind", "--as-of", day, env={"KINSHIP_NOW": f"{day}T08:00:00"}).stdout
        if out:
            spoke[day] = out.splitlines()
    # Ana (added 26 November, every week) is fading from 7 December: digests on the 7th, 14th and
    # 21st; Ben's birthday comes in the digest of the 14th (in 6 days) and alone on the 20th
    assert sorted(spoke) == ["2026-12-07", "2026-12-14", "2026-12-20", "2026-12-21"]
    assert len(spoke["2026-12-14"]) == 2 and "in 6 days" in spoke["2026-12-14"][1]
    assert len(spoke["2026-12-20"]) == 1 and "birthday today" in spoke["2026-12-20"][0]
