"""The typer app, generated from the command table: help, completion, and the unusual invocations.

No command bodies live here: each generated command collects its values and hands them to
``run.execute``, exactly as the fast parser does. typer 0.28 is pinned on purpose (0.29 imports
pydantic on every command); ``rich_markup_mode=None`` keeps rich off help and errors.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from kinship import __version__
from kinship.cli.complete import completer_for
from kinship.cli.parse import defaults
from kinship.cli.spec import ROOT_EXAMPLES, ROOT_HELP, Command, Option
from kinship.cli.table import COMMANDS, GROUPS


class Group(TyperGroup):
    """A command group whose unknown command is "did you mean" (exit 2), as on the fast path."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if (
            args
            and not ctx.resilient_parsing
            and not args[0].startswith("-")
            and args[0] not in self.commands
        ):
            from kinship.cli.suggest import unknown_command

            raise unknown_command(args[0], None if ctx.parent is None else ctx.info_name)
        return super().resolve_command(ctx, args)


SETTINGS: dict[str, Any] = {
    "cls": Group,
    "rich_markup_mode": None,
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


class PlainUsageCommand(TyperCommand):
    """A command whose usage line names a required argument as ``NAME``, not ``{NAME}``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """Return the usage pieces with typer's braces around required arguments removed."""
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [piece[1:-1] if piece[:1] == "{" and piece[-1:] == "}" else piece for piece in pieces]


def help_text(command: Command) -> str:
    """Return the ``--help`` text of ``command``: its sentence, more, and the examples."""
    parts = [command.help]
    if command.more:
        parts.append(command.more)
    label = "Example:" if len(command.examples) == 1 else "Examples:"
    parts.append("\b\n" + label + "\n" + "\n".join(f"  {example}" for example in command.examples))
    return "\n\n".join(parts)


def _option_parameter(option: Option) -> inspect.Parameter:
    names = [option.flag, *([option.short] if option.short else [])]
    common: dict[str, Any] = {"help": option.help, "autocompletion": completer_for(option.complete)}
    if option.kind == "flag":
        return inspect.Parameter(
            option.dest,
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(False, *names, **common),
            annotation=bool,
        )
    if option.kind == "texts":
        return inspect.Parameter(
            option.dest,
            inspect.Parameter.KEYWORD_ONLY,
            default=typer.Option(None, *names, metavar=option.metavar, **common),
            annotation=list[str] | None,
        )
    if option.kind == "int":
        return inspect.Parameter(
            option.dest,
            inspect.Parameter.KEYWORD_ONLY,
            # the range is the handler's to check (one message on both paths); typer would print
            # it as "[x>=0]" in the help
            default=typer.Option(option.default, *names, metavar=option.metavar, **common),
            annotation=int | None,
        )
    return inspect.Parameter(
        option.dest,
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(option.default, *names, metavar=option.metavar, **common),
        annotation=str | None,
    )


def _parameters(command: Command) -> list[inspect.Parameter]:
    parameters = [inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)]
    for argument in command.arguments:
        required = argument.required
        info = typer.Argument(
            ... if required else None,
            metavar=argument.metavar,
            help=argument.help,
            autocompletion=completer_for(argument.complete),
            show_default=False,
        )
        if argument.many:
            annotation: Any = list[str] if required else list[str] | None
        else:
            annotation = str if required else str | None
        parameters.append(
            inspect.Parameter(
                argument.dest, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=info, annotation=annotation
            )
        )
    parameters.extend(_option_parameter(option) for option in command.options)
    return parameters


def values_from_typer(command: Command, given: dict[str, Any]) -> dict[str, object]:
    """Return the values typer parsed for ``command`` in the fast parser's shape."""
    values = defaults(command)
    for dest, value in given.items():
        if isinstance(value, (list, tuple)):
            values[dest] = tuple(value)
        elif value is None and isinstance(values[dest], tuple):
            values[dest] = ()
        else:
            values[dest] = value
    return values


def _callback(command: Command) -> Callable[..., None]:
    def callback(ctx: typer.Context, **given: Any) -> None:
        from kinship.cli.run import execute

        root = ctx.find_root().params
        raise typer.Exit(execute(command, values_from_typer(command, given), root.get("db")))

    parameters = _parameters(command)
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    callback.__name__ = command.name.replace(" ", "_")
    return callback


def _version(value: bool) -> None:
    if value:
        print(f"kinship {__version__}")
        raise typer.Exit()


def _show_completion(value: str | None) -> None:
    if value is not None:
        from kinship.cli.shells import script

        print(script(value), end="")
        raise typer.Exit()


def root(
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="PATH",
        help="The database file (else KINSHIP_DB, the config file, the default).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    show_completion: str | None = typer.Option(
        None,
        "--show-completion",
        metavar="SHELL",
        callback=_show_completion,
        is_eager=True,
        help="Print the completion script for bash, zsh or fish.",
    ),
) -> None:
    """Keep your relationships alive (the help text comes from the table)."""


def build(only: str | None = None) -> typer.Typer:
    """Return the typer app for every command (or just the group or command named ``only``)."""
    examples = "\b\nExamples:\n" + "\n".join(f"  {example}" for example in ROOT_EXAMPLES)
    app = typer.Typer(name="kinship", help=f"{ROOT_HELP}\n\n{examples}", add_completion=False, **SETTINGS)
    app.callback()(root)
    groups: dict[str, typer.Typer] = {}
    for command in COMMANDS:
        head, _, tail = command.name.partition(" ")
        if only is not None and head != only:
            continue
        target = app
        if tail:
            if head not in groups:
                groups[head] = typer.Typer(help=GROUPS[head], **SETTINGS)
                app.add_typer(groups[head], name=head, help=GROUPS[head], short_help=GROUPS[head])
            target = groups[head]
        target.command(tail or head, cls=PlainUsageCommand, help=help_text(command), short_help=command.help)(
            _callback(command)
        )
    return app


def _named_group(args: list[str]) -> str | None:
    """Return the command (or group) ``args`` run, so that only it is built; None for all."""
    import os

    from kinship.cli.table import find

    if "_KINSHIP_COMPLETE" in os.environ:
        return None
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] == "--db" else 1
    found = find(args[index:])
    return found[0].name.partition(" ")[0] if found else None


def run_app(args: list[str]) -> int:
    """Run the typer app on ``args``; return the exit code (a KinshipError propagates)."""
    command = typer.main.get_command(build(_named_group(args)))
    try:
        command.main(args=args, prog_name="kinship")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0
