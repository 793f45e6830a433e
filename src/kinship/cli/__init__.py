"""The command line, driven by one command table (``table.py``); ``main`` is the entry point
(``command`` is what the installed ``kinship`` script runs)."""

from __future__ import annotations

import gc
import os
import sys

from kinship.cli.run import _closed_pipe, main, report_error

__all__ = ["command", "main", "report_error"]


def command() -> None:
    """The ``kinship`` command: run ``main``, then end the process without tearing Python down.

    Tearing the interpreter down (every module and object freed one by one) costs about a third
    of Python's own start-up, after kinship's work is done: the runner has closed the store,
    files are written whole (temporary name, fsync, rename) before a command returns, and stdout
    and stderr are flushed here. Only when something asked to run at exit (``atexit``: a
    temporary folder to remove, logging to flush…) does the process end the ordinary way.
    """
    # Python collects the youngest objects for cycles every 700 allocations: a million-row
    # read makes thousands of such passes over objects that are never garbage (~4 % of
    # `kinship nudges` on a lifetime log). Every 50,000 keeps what a cycle can hold small (a
    # few MB) for the long commands (import, sync) while a read pays for a handful of passes.
    gc.set_threshold(50_000, 10, 10)
    code: str | int | None = 0
    try:
        main()
    except SystemExit as done:
        code = done.code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # closed (`>&-`, a pipe): said all it could
            if stream is sys.stdout:
                _closed_pipe()  # nothing is left to flush at exit either
    import atexit

    pending = getattr(atexit, "_ncallbacks", None)
    watched = sys.getprofile() is not None or sys.gettrace() is not None  # cProfile, pdb, trace
    if pending is None or pending() or watched or not isinstance(code, int | None):
        sys.exit(code)
    os._exit(code or 0)
