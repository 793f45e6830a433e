"""The root command groups: errors become one clean line, and subcommands are built lazily.

``KinshipGroup`` turns a KinshipError raised by any command into ``Error: ...`` on stderr and
its exit code (for the typer app and for ``CliRunner`` tests alike). ``LazyGroup`` builds
only the subcommand being run:

typer turns every command's signature into click parameters before running any of them; with
two dozen commands that is most of the start-up of `kinship --help`. This group lists the
commands from their docstrings and builds just the one invoked. Behaviour is the typer app's:
the same commands, options and help (a test compares the two).
"""

from __future__ import annotations

import inspect
from typing import Any

import typer
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info


class KinshipGroup(TyperGroup):
    """A TyperGroup that reports KinshipError as one ``Error:`` line and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        """Run the subcommand; turn a KinshipError into its message and exit code."""
        from kinship.errors import KinshipError

        try:
            return super().invoke(ctx)
        except KinshipError as error:
            from kinship.cli import report_error

            raise typer.Exit(report_error(error)) from None


class LazyGroup(KinshipGroup):
    """A TyperGroup whose subcommands come from ``source`` (a Typer app), built on demand."""

    source: typer.Typer

    def _infos(self) -> dict[str, Any]:
        infos: dict[str, Any] = {}
        for command_info in self.source.registered_commands:
            assert command_info.callback is not None
            name = command_info.name or command_info.callback.__name__.replace("_", "-")
            infos[name] = command_info
        for group_info in self.source.registered_groups:
            assert group_info.name
            infos[group_info.name] = group_info
        return infos

    def list_commands(self, ctx: Any) -> list[str]:
        """Return every command name, in the order they were registered."""
        return list(self._infos())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Build and return one subcommand (or None for an unknown name)."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        info = self._infos().get(cmd_name)
        if info is None:
            return None
        if isinstance(info, typer.models.TyperInfo):
            command: Any = get_group_from_info(
                info,
                pretty_exceptions_short=self.source.pretty_exceptions_short,
                rich_markup_mode=self.source.rich_markup_mode,
                suggest_commands=self.source.suggest_commands,
            )
        else:
            command = get_command_from_info(
                info,
                pretty_exceptions_short=self.source.pretty_exceptions_short,
                rich_markup_mode=self.source.rich_markup_mode,
            )
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List the commands with the first line of their help, without building them."""
        from typer._click.utils import make_default_short_help

        rows = []
        names = self._infos()
        limit = formatter.width - 6 - max(len(name) for name in names)
        for name, info in names.items():
            if isinstance(info, typer.models.TyperInfo):
                text = info.help or ""
            else:
                text = info.help or inspect.getdoc(info.callback) or ""
            rows.append((name, make_default_short_help(text, limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def lazy_root(source: typer.Typer, root_callback: Any, **settings: Any) -> Any:
    """Return a click group with ``root_callback``'s options that builds ``source``'s commands lazily."""
    shell = typer.Typer(**settings)
    shell.callback()(root_callback)
    group = typer.main.get_command(shell)
    assert isinstance(group, LazyGroup)
    group.source = source
    return group
