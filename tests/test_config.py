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
    ("text", "words"),
    [
        ("fade_factor = -1\n", "fade_factor must be a number from 1 to 10, not -1"),
        ("fade_factor = 'high'\n", "fade_factor must be a number from 1 to 10, not 'high'"),
        ("fade_factor = 20.5\n", "fade_factor must be a number from 1 to 10, not 20.5"),
        ("fade_factor = nan\n", "fade_factor must be a number from 1 to 10, not nan"),
        ("crowded_ratio = inf\n", "crowded_ratio must be a number from 1 to 10, not inf"),
        ("baseline_weeks = 100000000\n", "baseline_weeks must be a whole number from 1 to 520"),
        ("baseline_weeks = 8.5\n", "baseline_weeks must be a whole number from 1 to 520, not 8.5"),
        ("isolation_days = 0\n", "isolation_days must be a whole number from 1 to 3650"),
        ("remind_repeat_days = true\n", "remind_repeat_days must be a whole number from 1 to 3650"),
        ("birthday_days = 1000000000000000000000\n", "birthday_days must be a whole number from 1 to 3650"),
        ("[circles]\nfamily = 0\n", "circles.family must be a whole number from 1 to 3650"),
        ("circles = 3\n", "[circles] must be a table"),
        ("me = 3\n", "me must be text"),
        ('timezone = "Mars/Olympus"\n', "not a known time zone"),
        ("not toml [", "not valid TOML (line 1)"),
        ("a = 1\nb = [\n", "line 2"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "(line 1)"),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", "nests brackets"),
    ],
)
def test_bad_config_is_a_clear_usage_error_naming_file_key_and_range(
    kinship_env: Path, text: str, words: str
) -> None:
    config(kinship_env, text)
    for command in (("people",), ("log", "ana", "--new")):
        result = run(*command)
        assert result.exit_code == 2, (result.output, result.exception)
        assert result.stderr.startswith("Error:") and "config.toml" in result.stderr
        assert words in result.stderr
        assert "Traceback" not in result.output


def test_a_config_file_that_is_not_utf8_names_the_line(kinship_env: Path) -> None:
    (kinship_env / "config.toml").write_bytes(b'me = "Sam"\nfade_factor = 2 # caf\xe9\n')
    result = run("people")
    assert result.exit_code == 2
    assert "config.toml is not UTF-8 text (line 2)" in result.stderr


@pytest.mark.parametrize("text", ["colour = 'blue'\n", "[circles]\npets = 3\n"])
def test_an_unknown_key_is_a_warning_not_an_error(kinship_env: Path, text: str) -> None:
    config(kinship_env, text)
    result = ok("log", "ana", "--new")
    assert result.stderr.startswith("Warning:") and "config.toml" in result.stderr
    assert "ignored" in result.stderr


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("fade_factor = 1.2\n", "fade_factor", 1.2),
        ("fade_factor = 1.5\n", "fade_factor", 1.5),
        ("fade_factor = 2\n", "fade_factor", 2.0),
        ("crowded_ratio = 1.5\n", "crowded_ratio", 1.5),
        ("online_only_factor = 10\n", "online_only_factor", 10.0),
        ("baseline_weeks = 520\n", "baseline_weeks", 520),
        ("isolation_days = 7.0\n", "isolation_days", 7),
    ],
)
def test_numbers_are_typed_factors_take_fractions(
    kinship_env: Path, text: str, key: str, value: object
) -> None:
    config(kinship_env, text)
    shown = json.loads(ok("config", "--json").stdout)
    assert shown[key]["value"] == value and type(shown[key]["value"]) is type(value)
    ok("log", "ana", "--new")


DOCS = Path(__file__).resolve().parent.parent / "docs" / "nudges.md"


def _doc_examples() -> list[str]:
    """Return every config example in docs/nudges.md: the ```toml blocks and the inline `key = value`."""
    import re

    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    inline = re.findall(r"`([a-z_]+ = [^`]+)`", text)
    circles = {"family", "friends", "colleagues", "community"}
    snippets = [f"[circles]\n{line}\n" if line.split(" ")[0] in circles else f"{line}\n" for line in inline]
    return blocks + snippets


def test_the_docs_config_examples_load_verbatim_without_a_problem(tmp_path: Path) -> None:
    from kinship import config as config_module

    examples = _doc_examples()
    assert len(examples) >= 5 and any("fade_factor = 1.2" in example for example in examples)
    for example in examples:
        path = tmp_path / "config.toml"
        path.write_text(example, encoding="utf-8")
        loaded = config_module.load_settings(config_module.read_config(path), path)
        assert loaded.problems == [], (example, loaded.problems)


def test_config_report_shows_every_key_its_source_and_what_is_wrong(tmp_path: Path) -> None:
    from kinship import config as config_module

    path = tmp_path / "config.toml"
    path.write_text(
        "fade_factor = 20\ncrowded_ratio = 1.5\ncolour = 'blue'\n[circles]\nfriends = 0\npets = 3\n"
    )
    rows, trouble = config_module.config_report(path)
    assert trouble is None
    by_key = {row.key: row for row in rows}
    assert by_key["fade_factor"].value == 1.5 and "from 1 to 10, not 20" in (
        by_key["fade_factor"].problem or ""
    )
    assert by_key["crowded_ratio"] == config_module.ConfigRow("crowded_ratio", 1.5, f"config {path}", None)
    assert by_key["circles.friends"].value == 30 and "from 1 to 3650" in (
        by_key["circles.friends"].problem or ""
    )
    assert by_key["colour"].value == "'blue'" and "unknown setting" in (by_key["colour"].problem or "")
    assert "unknown circle" in (by_key["circles.pets"].problem or "")
    assert by_key["baseline_weeks"] == config_module.ConfigRow("baseline_weeks", 8, "default", None)


@pytest.mark.parametrize("data", [b"fade_factor = \xff\n", b"not toml [", b"a = " + b"[" * 5000])
def test_config_report_never_fails_on_an_unreadable_file(tmp_path: Path, data: bytes) -> None:
    from kinship import config as config_module

    path = tmp_path / "config.toml"
    path.write_bytes(data)
    rows, trouble = config_module.config_report(path)
    assert trouble is not None and str(path) in trouble and "line 1" in trouble
    assert {row.source for row in rows} == {"default"}


@pytest.mark.parametrize(
    "data",
    [
        b"fade_factor = 20\ncolour = 'blue'\n[circles]\nfriends = 0\n",
        b"fade_factor = \xff\n",
        b"not toml [",
        b"a = " + b"[" * 5000,
    ],
)
def test_kinship_config_never_fails_and_shows_what_is_wrong(kinship_env: Path, data: bytes) -> None:
    (kinship_env / "config.toml").write_bytes(data)
    assert run("people").exit_code == 2  # every other command stops on it
    shown = json.loads(ok("config", "--json").stdout)
    problems = {key: entry["problem"] for key, entry in shown.items() if "problem" in entry}
    assert problems, shown
    if b"colour" in data:
        assert "from 1 to 10, not 20" in problems["fade_factor"]
        assert shown["fade_factor"]["value"] == 1.5
        assert "unknown setting" in problems["colour"]
        assert "from 1 to 3650" in problems["circles.friends"]
    else:
        assert "config.toml" in problems["config_file"] and "line 1" in problems["config_file"]
    text = ok("config").stdout
    assert "! " in text and "fade_factor" in text


def test_sync_dir_in_config_is_known_and_names_the_folder_for_sync(kinship_env: Path) -> None:
    folder = kinship_env / "shared folder"
    folder.mkdir()
    config(kinship_env, f'sync_dir = "{folder}"\n')
    shown = json.loads(ok("config", "--json").stdout)
    assert shown["sync_dir"]["value"] == str(folder)
    ok("add", "Ana Lima")
    result = ok("sync")
    assert "Warning" not in result.stderr
    assert folder.is_dir() and any(folder.iterdir())
