"""`kinship config` and the config file: every key optional, bad ones refused, sources shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import ok, run


def config(kinship_env: Path, text: str) -> None:
    (kinship_env / "config.toml").write_text(text)


def test_defaults_and_their_sources(kinship_env: Path) -> None:
    shown = json.loads(ok("config", "--json").stdout)
    assert shown["fade_factor"] == {"value": 1.5, "source": "default"}
    assert shown["circles.family"] == {"value": 14, "source": "default"}
    assert shown["db"]["source"] == "env KINSHIP_DB"
    assert shown["timezone"] == {"value": "Europe/Berlin", "source": "env TZ"}
    assert shown["config_file"]["source"] == "absent"


def test_values_from_the_file_are_used_and_labelled(kinship_env: Path) -> None:
    config(kinship_env, 'fade_factor = 2\nme = "Sam"\n[circles]\nfriends = 21\n')
    shown = json.loads(ok("config", "--json").stdout)
    assert shown["fade_factor"]["value"] == 2.0 and shown["fade_factor"]["source"].startswith("config ")
    assert shown["me"]["value"] == "Sam"
    assert shown["circles.friends"]["value"] == 21 and shown["circles.friends"]["source"].startswith(
        "config "
    )
    assert shown["circles.family"] == {"value": 14, "source": "default"}
    ok("add", "Ana Lima", "--circle", "friends")
    assert json.loads(ok("people", "--json").stdout)[0]["rhythm_days"] == 21


def test_db_from_the_config_file(kinship_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINSHIP_DB")
    target = kinship_env / "from-config.db"
    config(kinship_env, f'db = "{target}"\n')
    assert ok("db", "path").stdout.strip() == str(target)
    monkeypatch.delenv("KINSHIP_CONFIG")
    assert ok("db", "path").stdout.strip() == str(kinship_env / "xdg-data" / "kinship" / "kinship.db")


@pytest.mark.parametrize(
    "text",
    [
        "colour = 'blue'\n",
        "fade_factor = -1\n",
        "fade_factor = 'high'\n",
        "[circles]\npets = 3\n",
        "not toml [",
    ],
)
def test_bad_config_is_a_clear_usage_error(kinship_env: Path, text: str) -> None:
    config(kinship_env, text)
    result = run("people")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error:") and "config.toml" in result.stderr
