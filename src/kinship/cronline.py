"""The line ``kinship cron`` prints: a crontab entry that ``sh`` runs unchanged for any path.

Pure. cron hands the command part of a line to ``/bin/sh -c`` after turning every unescaped
``%`` into a newline (and ``\\%`` into ``%``), so each word is quoted for ``sh`` and then every
``%`` is escaped for cron. Environment settings come first as ``NAME='value'`` assignments: the
value is quoted, never the whole assignment (``'NAME=value'`` would be run as a command).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence

DEFAULT_SCHEDULE = "0 8 * * *"
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def shell_command(command: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """Return ``command`` as one ``sh`` command line, prefixed by ``NAME='value'`` assignments."""
    assignments = []
    for name, value in (env or {}).items():
        if not _NAME_RE.match(name):
            raise ValueError(f"{name!r} is not an environment variable name")
        assignments.append(f"{name}={shlex.quote(value)}")
    return " ".join([*assignments, *(shlex.quote(word) for word in command)])


def escape_for_cron(command: str) -> str:
    """Return ``command`` with each ``%`` escaped, so cron passes it on instead of cutting the line."""
    if "\n" in command or "\r" in command:
        raise ValueError("a crontab line cannot hold a newline")
    return command.replace("%", "\\%")


def cron_line(
    command: Sequence[str], env: Mapping[str, str] | None = None, schedule: str = DEFAULT_SCHEDULE
) -> str:
    """Return the crontab line running ``command`` with ``env`` on ``schedule``.

    ``command`` is the argument vector (absolute paths: cron's PATH lacks ~/.local/bin).
    """
    return f"{schedule} {escape_for_cron(shell_command(command, env))}"


def command_as_cron_runs_it(line: str) -> tuple[str, str]:
    """Return (the command ``sh -c`` gets, the text fed on stdin) for a crontab line, as cron does.

    The inverse of ``cron_line`` for testing: the five time fields are dropped, ``\\%`` becomes
    ``%``, and the first unescaped ``%`` ends the command (what follows is stdin, ``%`` as newlines).
    """
    fields = line.split(None, 5)
    if len(fields) < 6:
        raise ValueError("a crontab line has five time fields and a command")
    command: list[str] = []
    text = fields[5]
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "%":
            command.append("%")
            index += 2
            continue
        if char == "%":
            return "".join(command), text[index + 1 :].replace("%", "\n")
        command.append(char)
        index += 1
    return "".join(command), ""


def systemd_word(word: str) -> str:
    """Return ``word`` quoted for a systemd ``ExecStart=`` line (``%`` and ``$`` escaped)."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def systemd_environment(name: str, value: str) -> str:
    """Return a systemd ``Environment=`` line setting ``name`` to ``value`` exactly."""
    if not _NAME_RE.match(name):
        raise ValueError(f"{name!r} is not an environment variable name")
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'Environment="{name}={escaped}"'
