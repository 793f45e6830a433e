"""The one runner: parse, open the store as the table says, call the handler, report, close.

Every command goes through ``execute``, whichever parser read it (the fast one or typer), so
how a database is opened, how a KinshipError becomes one ``Error:`` line and an exit code, and
how the store is closed are decided here and nowhere else.
"""

from __future__ import annotations

import os
import sys

from kinship.errors import AmbiguousError, DataError, KinshipError
from kinship.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from kinship.cli.context import Environment
    from kinship.cli.spec import Command
    from kinship.store import Store


class Stop(Exception):
    """End the command quietly with ``code`` (a declined confirmation, for one)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Invocation:
    """One run of one command: its parsed values, the environment, and the store it opened."""

    def __init__(self, command: Command, values: dict[str, object], db: str | None) -> None:
        self.command = command
        self.values = values
        self.db = db
        self._environment: Environment | None = None
        self._store: Store | None = None
        self.created: list[str] = []  # str paths: ``import pathlib`` costs start-up time
        self.no_database_yet = False

    @property
    def environment(self) -> Environment:
        """Return the environment (read once, on first use)."""
        if self._environment is None:
            from kinship.cli.context import load_environment

            self._environment = load_environment(self.db)
        return self._environment

    # ---- values ----------------------------------------------------------------------------

    def text(self, dest: str) -> str | None:
        """Return a text parameter's value (None when not given)."""
        value = self.values[dest]
        assert value is None or isinstance(value, str)
        return value

    def texts(self, dest: str) -> tuple[str, ...]:
        """Return a repeatable parameter's values."""
        value = self.values[dest]
        assert isinstance(value, tuple)
        return tuple(str(item) for item in value)

    def number(self, dest: str) -> int | None:
        """Return a whole-number parameter's value (None when not given)."""
        value = self.values[dest]
        assert value is None or isinstance(value, int)
        return value

    def flag(self, dest: str) -> bool:
        """Return whether a flag was given."""
        return bool(self.values[dest])

    # ---- the store -------------------------------------------------------------------------

    def store(self, *, read_only: bool = True, migrate: bool = True) -> Store:
        """Open the database the way the command table says (once; the runner closes it).

        ``read_only`` and ``migrate`` matter only to ``read-never-create`` commands: ``remind``
        records what it sent, ``db status`` must show a pending migration as pending.
        """
        if self._store is not None:
            return self._store
        from kinship.cli.spec import EXISTING, READ, WRITE

        environment = self.environment
        mode = self.command.store
        if mode == WRITE:
            self._note_created(environment.db_file)
            self._store = environment.open()
        elif mode == READ:
            self._store = self._open_for_reading(environment)
        elif mode == EXISTING:
            from kinship.cli.context import check_db_exists

            check_db_exists(environment)
            self._store = environment.open(create=False, read_only=read_only, migrate=migrate)
        else:
            raise AssertionError(f"{self.command.name} does not open the database")
        return self._store

    def _open_for_reading(self, environment: Environment) -> Store:
        """Open for a command that only reads: a missing database is never created (SPEC §3)."""
        path = environment.db_file
        if not os.path.exists(path) and environment.db_source != "default":
            raise DataError(
                f"no kinship database at {path} (named by {environment.db_source})",
                "check the path for a typo; `kinship db path` shows where kinship looks,"
                " and the first command that writes (kinship add NAME) creates it",
            )
        if not os.path.exists(path):
            self.no_database_yet = True
        return environment.open_for_reading()

    def _note_created(self, path: str) -> None:
        """Remember the file and folders opening ``path`` will create, to remove them on failure."""
        if os.path.exists(path):
            return
        missing = [path]
        folder = os.path.dirname(path) or "."
        while not os.path.exists(folder) and folder != os.path.dirname(folder):
            missing.append(folder)
            folder = os.path.dirname(folder) or "."
        self.created = missing

    def close(self, failed: bool) -> None:
        """Close the store; after a failure, remove a database this command created."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if failed and self.created and _holds_nothing(self.created[0]):
            from contextlib import suppress

            database = self.created[0]
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(FileNotFoundError):
                    os.unlink(f"{database}{suffix}")
            for folder in self.created[1:]:
                try:
                    os.rmdir(folder)
                except OSError:
                    break


def _holds_nothing(database: str) -> bool:
    """Return whether ``database`` holds no contact and no interaction (another process may
    have created it at the same moment and written to it: then it stays)."""
    import sqlite3

    if not os.path.isfile(database):
        return True
    try:
        conn = sqlite3.connect(database)
        try:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM interactions)"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return True  # no kinship tables yet: nothing of anyone's is in it
    return row is None or row[0] == 0


def execute(command: Command, values: dict[str, object], db: str | None) -> int:
    """Run ``command`` with its parsed ``values``; return the exit code (KinshipError propagates)."""
    module_name, _, function_name = command.handler.partition(":")
    module = f"kinship.cli.commands.{module_name}"
    __import__(module)  # not importlib.import_module: ``import importlib`` costs start-up time
    handler = getattr(sys.modules[module], function_name)
    invocation = Invocation(command, values, db)
    failed = True
    try:
        code = handler(invocation)
        failed = False
    except Stop as stop:
        code = stop.code
    finally:
        invocation.close(failed)
    if invocation.no_database_yet:
        sys.stderr.write(
            f"Hint: there is no kinship database yet ({invocation.environment.db_file});"
            " the first command that writes creates it, e.g. kinship add 'Ana Lima'\n"
        )
    return 0 if code is None else int(code)


def report_error(error: KinshipError) -> int:
    """Print a KinshipError as ``Error: …`` plus its hint on stderr; return its exit code."""
    from kinship.render.safe import shown

    lines = [f"Error: {shown(error.message)}"]
    if isinstance(error, AmbiguousError) and error.candidates:
        lines.append("Candidates: " + ", ".join(shown(name) for name in error.candidates))
    if error.hint:
        lines.append(f"Hint: {shown(error.hint)}")
    sys.stderr.write("\n".join(lines) + "\n")
    return error.exit_code


def dispatch(args: list[str]) -> int:
    """Run ``args`` through the fast parser, or the typer app when it does not apply."""
    if not args:
        args = ["--help"]  # bare `kinship` shows what it can do
    elif len(args) == 1 and args[0] == "db":  # the one group (a test keeps it so)
        args = ["db", "--help"]  # bare `kinship db` shows its subcommands
    if "_KINSHIP_COMPLETE" not in os.environ:
        from kinship.cli.prerender import saved_page

        page = saved_page(args)  # before the command table is even imported
        if page is not None:
            sys.stdout.write(page)
            return 0
        from kinship.cli.parse import parse

        parsed = parse(args)
        if parsed is not None:
            return execute(parsed.command, parsed.values, parsed.db)
        from kinship.cli.suggest import check_command

        check_command(args)  # a mistyped command: "did you mean", without typer
    else:  # TAB: answered from the command table, without typer; never writes
        from kinship.cli.complete import respond

        return respond(os.environ["_KINSHIP_COMPLETE"])
    from kinship.cli.app import run_app

    return run_app(args)


def _unexpected(exc: Exception) -> int:
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)
    ):
        return report_error(
            DataError(
                f"the database could not be used ({exc}); nothing was changed",
                "run `kinship db check`; restore a backup if it reports damage",
            )
        )
    sys.stderr.write(
        f"Error: kinship hit an unexpected problem ({type(exc).__name__}); nothing was changed\n"
        "Hint: run again with KINSHIP_DEBUG=1 to see the details, and report it\n"
    )
    return 1


def _closed_pipe() -> int:
    """End quietly when the reader of stdout went away (``kinship history | head -1``).

    Python would otherwise complain while flushing stdout at exit: point stdout at
    /dev/null first. 141 is what a shell reports for a command ended by SIGPIPE.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # no real file descriptor (an in-process test): nothing will be flushed
    return 141


def main(argv: list[str] | None = None) -> None:
    """Run kinship with ``argv`` (default: the process arguments) and exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        code = _closed_pipe()
    except KinshipError as error:
        code = report_error(error)
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted; nothing was changed\n")
        code = 130
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        if os.environ.get("KINSHIP_DEBUG") == "1":
            raise
        code = _unexpected(exc)
    sys.exit(code)
