"""The shell's view of the world: environment, config file, clock, time zone, terminal.

This is the only module that reads the environment and the real clock. It imports neither
typer nor rich, so the fast ``kinship log`` path can use it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from kinship import dates
from kinship.errors import DataError, UsageError
from kinship.lean import TYPE_CHECKING, NamedTuple
from kinship.models import Settings
from kinship.store import Store, open_empty_store, open_store

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


class Environment(NamedTuple):
    """Everything a command needs from outside: settings, where the database is, now, zone."""

    settings: Settings
    sources: dict[str, str]
    db_file: str
    """Where the database is: a str, because ``import pathlib`` costs start-up time."""
    db_source: str
    config_file: str
    now: dt.datetime
    zone: dt.tzinfo
    terminal: bool
    color: bool
    stdin_terminal: bool
    env: dict[str, str]

    @property
    def db_path(self) -> Path:
        """Where the database is, as a Path."""
        from pathlib import Path

        return Path(self.db_file)

    @property
    def config_path(self) -> Path:
        """Where the config file is looked for, as a Path."""
        from pathlib import Path

        return Path(self.config_file)

    def open(self, *, create: bool = True, read_only: bool = False, migrate: bool = True) -> Store:
        """Open the database (creating it unless ``create`` is False; see ``open_store``)."""
        return open_store(self.db_file, self.now, create=create, read_only=read_only, migrate=migrate)

    def open_for_reading(self) -> Store:
        """Open the database, or an empty one in memory when none exists yet (nothing is created).

        An empty file counts as none: a command that only reads never writes a schema into it.
        """
        if not _holds_bytes(self.db_file):
            return open_empty_store(self.now)
        return open_store(self.db_file, self.now, create=False, read_only=True)


def _holds_bytes(path: str) -> bool:
    """Return whether ``path`` exists and is not an empty file (a folder counts as holding bytes)."""
    if not os.path.exists(path):
        return False
    return not (os.path.isfile(path) and os.stat(path).st_size == 0)


def _normal(path: str) -> str:
    """Return ``path`` as pathlib spells it (no ``.`` parts, repeated or trailing ``/``), without
    importing pathlib."""
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" if path[:1] == "/" else ""
    return root + "/".join(part for part in path.split("/") if part not in ("", ".")) or "."


def _xdg(env: dict[str, str], name: str, fallback: str) -> str:
    value = env.get(name)
    if value and os.path.isabs(value):
        return _normal(value)
    return _normal(os.path.join(env.get("HOME") or os.path.expanduser("~"), fallback))


def config_path(env: dict[str, str]) -> str:
    """Return where the config file is looked for."""
    if env.get("KINSHIP_CONFIG"):
        return _normal(os.path.expanduser(env["KINSHIP_CONFIG"]))
    return f"{_xdg(env, 'XDG_CONFIG_HOME', '.config')}/kinship/config.toml"


def _read_config(path: str) -> dict[str, Any]:
    from kinship import config

    return config.read_config(path)


def load_settings(raw: dict[str, Any], path: str | Path) -> tuple[Settings, dict[str, str]]:
    """Return settings from a parsed config table, and where each value came from.

    An error in the file is a UsageError (exit 2) naming the file and the key; an unknown key is
    a warning on stderr.
    """
    from kinship import config

    loaded = config.load_settings(raw, path)
    error = config.first_error(loaded, path)
    if error is not None:
        raise error
    for line in config.warnings(loaded, path):
        sys.stderr.write(line + "\n")
    return loaded.settings, loaded.sources


def _zone_name(settings: Settings, env: dict[str, str]) -> str | None:
    if settings.timezone:
        return settings.timezone
    tz = env.get("TZ", "").lstrip(":")
    if tz:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(tz)
        except (ValueError, KeyError, OSError):
            return None
        return tz
    return None


def _now(env: dict[str, str], zone: dt.tzinfo) -> dt.datetime:
    text = env.get("KINSHIP_NOW")
    if not text:
        return dt.datetime.now(zone)
    return dates.parse_now(text, zone)


def load_environment(db_option: str | None = None, *, config_problems_ok: bool = False) -> Environment:
    """Read the environment, the config file and the clock.

    With ``config_problems_ok`` (for ``kinship config``) a bad config file is not an error: its
    bad keys keep their defaults and nothing is printed (the command shows the problems).
    """
    env = dict(os.environ)
    cfg_path = config_path(env)
    if config_problems_ok:
        from kinship import config

        try:
            raw = config.read_config(cfg_path)
        except UsageError:
            raw = {}
        loaded = config.load_settings(raw, cfg_path)
        settings, sources = loaded.settings, loaded.sources
    else:
        settings, sources = load_settings(_read_config(cfg_path), cfg_path)
    if env.get("KINSHIP_TIMEZONE"):
        settings = settings._replace(timezone=env["KINSHIP_TIMEZONE"])
        sources["timezone"] = "env KINSHIP_TIMEZONE"
    zone = dates.local_zone(_zone_name(settings, env))
    if db_option:
        db_path, db_source = _normal(os.path.expanduser(db_option)), "--db"
    elif env.get("KINSHIP_DB"):
        db_path, db_source = _normal(os.path.expanduser(env["KINSHIP_DB"])), "env KINSHIP_DB"
    elif settings.db:
        db_path, db_source = _normal(os.path.expanduser(settings.db)), f"config {cfg_path}"
    else:
        db_path = f"{_xdg(env, 'XDG_DATA_HOME', '.local/share')}/kinship/kinship.db"
        db_source = "default"
    if not os.path.isabs(db_path):
        db_path = _normal(os.path.join(os.getcwd(), db_path))
    stdout_terminal = sys.stdout.isatty()
    return Environment(
        settings=settings,
        sources=sources,
        db_file=db_path,
        db_source=db_source,
        config_file=cfg_path,
        now=_now(env, zone),
        zone=zone,
        terminal=stdout_terminal,
        color=stdout_terminal and not env.get("NO_COLOR"),
        stdin_terminal=sys.stdin is not None and sys.stdin.isatty(),
        env=env,
    )


def check_db_exists(environment: Environment) -> None:
    """Refuse to go on when the database file is missing or empty (for cron's ``remind``)."""
    path = environment.db_file
    if not _holds_bytes(path):
        raise DataError(
            f"no kinship database at {path}" + (" (the file is empty)" if os.path.exists(path) else ""),
            "check --db / KINSHIP_DB in your crontab; `kinship db path` shows where kinship looks",
        )
