"""The command line, driven by one command table (``table.py``); ``main`` is the entry point
(``command`` is what the installed ``kinship`` script runs)."""

from __future__ import annotations

from kinship.cli.run import command, main, report_error

__all__ = ["command", "main", "report_error"]
