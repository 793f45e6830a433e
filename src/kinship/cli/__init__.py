"""The command line: ``main`` turns every KinshipError into one ``Error:`` line and an exit code.

``log``, ``people``, ``nudges``, ``review`` and ``remind`` take a fast path (``fastlog``) that never imports
typer or rich; everything else, and any invocation the fast path does not fully understand,
goes to the typer app.
"""

from __future__ import annotations

import os
import sys

from kinship.errors import AmbiguousError, DataError, KinshipError


def report_error(error: KinshipError) -> int:
    """Print a KinshipError as ``Error: …`` plus its hint on stderr; return its exit code."""
    lines = [f"Error: {error.message}"]
    if isinstance(error, AmbiguousError) and error.candidates:
        lines.append("Candidates: " + ", ".join(error.candidates))
    if error.hint:
        lines.append(f"Hint: {error.hint}")
    sys.stderr.write("\n".join(lines) + "\n")
    return error.exit_code


def main(argv: list[str] | None = None) -> None:
    """Run kinship with ``argv`` (default: the process arguments) and exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if "_KINSHIP_COMPLETE" not in os.environ:
            from kinship.cli.fastlog import try_fast

            code = try_fast(args)
            if code is not None:
                sys.exit(code)
        from kinship.cli.app import run_app

        run_app(args)
    except KinshipError as error:
        sys.exit(report_error(error))
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted; nothing was changed\n")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        if os.environ.get("KINSHIP_DEBUG") == "1":
            raise
        import sqlite3

        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)
        ):
            sys.exit(
                report_error(
                    DataError(
                        f"the database could not be used ({exc}); nothing was changed",
                        "run `kinship db check`; restore a backup if it reports damage",
                    )
                )
            )
        sys.stderr.write(
            f"Error: kinship hit an unexpected problem ({type(exc).__name__}); nothing was changed\n"
            "Hint: run again with KINSHIP_DEBUG=1 to see the details, and report it\n"
        )
        sys.exit(1)
