"""The KinshipError tree: every failure a user can meet, each with its exit code.

Imports nothing, so every layer may raise these and only the CLI turns them into output.
"""


class KinshipError(Exception):
    """A failure to report as one ``Error:`` line plus a hint; never a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(KinshipError):
    """Bad usage or a bad value: a date, a duration, an option (exit 2)."""

    exit_code = 2


class NotFoundError(KinshipError):
    """A name, id or file that does not exist (exit 3; a missing import file is exit 2)."""

    exit_code = 3


class AmbiguousError(KinshipError):
    """A name or id prefix that matches several records (exit 4)."""

    exit_code = 4

    def __init__(self, message: str, hint: str | None = None, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message, hint)
        self.candidates = candidates


class DataError(KinshipError):
    """A data problem: corrupt, foreign or newer database, unreadable import file (exit 5)."""

    exit_code = 5


class Interrupted(KinshipError):
    """Ctrl-C stopped a command that had already committed some of its work (exit 130)."""

    exit_code = 130


class ValidationError(UsageError):
    """A value that breaks one of the data rules of validate.py (exit 2 from a hand command).

    ``field`` names what was wrong (``minutes``, ``name``…) and ``rule`` says the rule it broke
    (``must be from 0 to 1440``); an importer catches it and reports it as a DataError naming
    the record.
    """

    def __init__(self, field: str, rule: str, shown: str | None = None, hint: str | None = None) -> None:
        message = f"{field} {rule}" if shown is None else f"{field} {rule}, not {shown}"
        super().__init__(message, hint)
        self.field = field
        self.rule = rule
