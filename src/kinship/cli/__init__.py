"""The command line, driven by one command table (``table.py``); ``main`` is the entry point."""

from __future__ import annotations

from kinship.cli.run import main, report_error

__all__ = ["main", "report_error"]
