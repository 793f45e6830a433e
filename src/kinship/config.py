"""The config file: reading it, typing and ranging each key (SPEC §5), and reporting problems.

Pure apart from ``read_config`` reading the one file it is given. ``load_settings`` never
raises: it returns the settings (a bad key keeps its default), where each value came from,
and every problem found, so that ``kinship config`` can show them all while every other
command refuses to run on an error (exit 2) and only warns about an unknown key.
"""

from __future__ import annotations

from collections.abc import Mapping

from kinship.errors import UsageError
from kinship.lean import TYPE_CHECKING, NamedTuple
from kinship.models import CIRCLES, DEFAULT_CIRCLE_DAYS, Settings

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FACTOR = (1.0, 10.0)
DAY_COUNT = (1, 3650)
WEEK_COUNT = (1, 520)
COUNT = (1, 1000)

FLOAT_KEYS: dict[str, tuple[float, float]] = {
    "fade_factor": FACTOR,
    "online_only_factor": FACTOR,
    "crowded_ratio": FACTOR,
}
"""Factors and ratios: ``2`` and ``1.5`` alike, from 1 to 10."""

INT_KEYS: dict[str, tuple[int, int]] = {
    "online_only_min_days": DAY_COUNT,
    "isolation_days": DAY_COUNT,
    "birthday_days": DAY_COUNT,
    "remind_repeat_days": DAY_COUNT,
    "learn_min_days": DAY_COUNT,
    "min_rhythm_days": DAY_COUNT,
    "baseline_weeks": WEEK_COUNT,
    "baseline_min_weeks": WEEK_COUNT,
    "online_only_min_digital": COUNT,
    "crowded_min_digital": COUNT,
    "remind_budget": COUNT,
    "review_budget": COUNT,
}
"""Whole numbers: day counts 1-3650, week counts 1-520, other counts 1-1000."""

TEXT_KEYS = ("db", "timezone", "me", "sync_dir")
MAX_NESTING = 20
"""Deeper brackets than this are refused before the TOML parser recurses into them."""


class ConfigProblem(NamedTuple):
    """One thing wrong with the config file; ``error`` False means a warning (an unknown key)."""

    key: str
    message: str
    error: bool = True


class LoadedSettings(NamedTuple):
    """What ``load_settings`` found: settings (defaults where a key was bad), sources, problems."""

    settings: Settings
    sources: dict[str, str]
    problems: list[ConfigProblem]


class ConfigRow(NamedTuple):
    """One line of ``kinship config``: a key, its value in force, where it came from, what is wrong."""

    key: str
    value: object
    source: str
    problem: str | None = None


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _deepest_line(text: str) -> tuple[int, int]:
    """Return (deepest bracket nesting, its line), ignoring brackets inside strings and comments.

    A rough TOML scan, good enough to refuse a file before ``tomllib`` recurses too deep.
    """
    depth = deepest = 0
    line = deepest_line = 1
    quote: str | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
            if quote in ('"', "'"):
                quote = None  # a basic string ends at the line's end (multi-line ones are rare here)
        elif quote is not None:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1
    return deepest, deepest_line


def read_config(path: str | Path) -> dict[str, Any]:
    """Return the parsed config file at ``path`` ({} when there is none).

    A file that is not UTF-8, not TOML, or nested deeper than any config needs is a UsageError
    naming the file and the line.
    """
    hint = "fix it, or move it away; `kinship config` shows what kinship reads"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return {}
    except IsADirectoryError as exc:
        raise UsageError(f"the config file {path} is a folder", hint) from exc
    except OSError as exc:
        raise UsageError(f"cannot read the config file {path}: {exc.strerror}", hint) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"the config file {path} is not UTF-8 text (line {line})", hint) from exc
    deepest, line = _deepest_line(text)
    if deepest > MAX_NESTING:
        raise UsageError(
            f"the config file {path} nests brackets {deepest} deep (line {line}); at most {MAX_NESTING}",
            hint,
        )
    import tomllib  # only when there is a file: `kinship log` without one does not pay for it

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, line = _toml_reason_and_line(str(exc), text)
        raise UsageError(f"the config file {path} is not valid TOML (line {line}): {reason}", hint) from exc
    except RecursionError as exc:  # the scan above should make this unreachable
        raise UsageError(f"the config file {path} is nested too deeply", hint) from exc


def _toml_reason_and_line(message: str, text: str) -> tuple[str, int]:
    """Split tomllib's "Invalid value (at line 2, column 5)" into the reason and the line."""
    import re

    found = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if found:
        return message[: found.start()], int(found[1])
    reason = message.removesuffix(" (at end of document)")
    return reason, text.rstrip("\n").count("\n") + 1


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _number(
    key: str, value: object, bounds: tuple[float, float], whole: bool
) -> tuple[float | int | None, str]:
    """Return (the value, "") when it is a number within ``bounds``, else (None, what is wrong)."""
    least, most = bounds
    kind = "a whole number" if whole else "a number"
    rule = f"{key} must be {kind} from {least:g} to {most:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"{rule}, not {_shown(value)}"
    if value != value:  # NaN
        return None, f"{rule}, not nan"
    if whole and isinstance(value, float):
        if not value.is_integer():
            return None, f"{rule}, not {value:g}"
        value = int(value)
    if not least <= value <= most:
        return None, f"{rule}, not {value:g}" if isinstance(value, float) else f"{rule}, not {value}"
    return (int(value) if whole else float(value)), ""


def load_settings(raw: Mapping[str, Any], path: str | Path) -> LoadedSettings:
    """Return settings from a parsed config table, where each value came from, and the problems.

    Never raises: a key with a bad value keeps its default and adds an error; an unknown key
    adds a warning.
    """
    values: dict[str, Any] = {}
    sources = dict.fromkeys(Settings._fields, "default")
    for circle in CIRCLES:
        sources[f"circles.{circle}"] = "default"
    problems: list[ConfigProblem] = []
    origin = f"config {path}"
    fields = set(Settings._fields)
    for key, value in raw.items():
        if key == "circles" and "circles" in fields:
            if not isinstance(value, dict):
                problems.append(ConfigProblem(key, "[circles] must be a table, e.g. [circles] family = 14"))
                continue
            circles = dict(DEFAULT_CIRCLE_DAYS)
            for circle, days in value.items():
                name = f"circles.{circle}"
                if circle not in CIRCLES:
                    problems.append(
                        ConfigProblem(
                            name,
                            f"unknown circle {circle!r} (ignored); circles are {', '.join(CIRCLES)}",
                            False,
                        )
                    )
                    continue
                number, wrong = _number(name, days, DAY_COUNT, whole=True)
                if number is None:
                    problems.append(ConfigProblem(name, wrong))
                    continue
                circles[circle] = int(number)
                sources[name] = origin
            values["circles"] = circles
            continue
        if key in TEXT_KEYS and key in fields:
            if not isinstance(value, str):
                problems.append(
                    ConfigProblem(key, f'{key} must be text, e.g. {key} = "…", not {_shown(value)}')
                )
                continue
            if key == "timezone" and not _known_zone(value):
                problems.append(
                    ConfigProblem(
                        key, f"timezone {_shown(value)} is not a known time zone, e.g. Europe/Berlin"
                    )
                )
                continue
            values[key] = value
        elif key in fields and (key in FLOAT_KEYS or key in INT_KEYS):
            whole = key in INT_KEYS
            bounds: tuple[float, float] = INT_KEYS[key] if whole else FLOAT_KEYS[key]
            number, wrong = _number(key, value, bounds, whole)
            if number is None:
                problems.append(ConfigProblem(key, wrong))
                continue
            values[key] = number
        else:
            problems.append(ConfigProblem(key, f"unknown setting {key!r} (ignored)", False))
            continue
        sources[key] = origin
    return LoadedSettings(Settings(**values), sources, problems)


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def first_error(loaded: LoadedSettings, path: str | Path) -> UsageError | None:
    """Return the UsageError a command stops on (the first error, naming the file), or None."""
    errors = [problem for problem in loaded.problems if problem.error]
    if not errors:
        return None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return UsageError(
        f"{path}: {errors[0].message}{more}", "fix the config file; `kinship config` shows every problem"
    )


def warnings(loaded: LoadedSettings, path: str | Path) -> list[str]:
    """Return one ``Warning:`` line per unknown key, for stderr."""
    return [f"Warning: {path}: {problem.message}" for problem in loaded.problems if not problem.error]


def config_report(path: str | Path) -> tuple[list[ConfigRow], str | None]:
    """Return every setting with its value in force, source and problem, and a file-level problem.

    For ``kinship config``: never raises on a bad file. When the file cannot be read at all
    (not UTF-8, not TOML), every key shows its default and the second item says why.
    """
    try:
        raw = read_config(path)
    except UsageError as exc:
        return _rows(load_settings({}, path), {}), exc.message
    return _rows(load_settings(raw, path), raw), None


def _rows(loaded: LoadedSettings, raw: Mapping[str, Any]) -> list[ConfigRow]:
    """Return the known settings in order, then each unknown key, each with its problems."""
    by_key: dict[str, list[str]] = {}
    for problem in loaded.problems:
        by_key.setdefault(problem.key, []).append(problem.message)
    rows: list[ConfigRow] = []
    settings = loaded.settings
    for name in settings._fields:
        value = getattr(settings, name)
        keys = [(f"circles.{c}", days) for c, days in value.items()] if name == "circles" else [(name, value)]
        for key, shown in keys:
            messages = by_key.pop(key, [])
            rows.append(ConfigRow(key, shown, loaded.sources.get(key, "default"), _joined(messages)))
    for key, messages in by_key.items():  # unknown keys and circles: the file's value, as written
        head, _, tail = key.partition(".")
        value = raw.get(head)
        if tail and isinstance(value, dict):
            value = value.get(tail)
        rows.append(ConfigRow(key, _shown(value), "config", _joined(messages)))
    return rows


def _joined(messages: list[str]) -> str | None:
    return "; ".join(messages) if messages else None
