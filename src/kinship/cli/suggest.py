"""A mistyped command is exit 2 with "did you mean" and the closest commands as the hint.

Both parsers use it: the runner before typer is ever imported, and the typer app's group class
for what reaches typer. ``difflib`` is imported only once a word is known to be wrong.
"""

from __future__ import annotations

from kinship.cli.table import BY_NAME, GROUPS
from kinship.errors import UsageError


def unknown_command(word: str, group: str | None = None) -> UsageError:
    """Return the error for ``word``, which names no command (of ``group``, when given)."""
    import difflib

    if group is None:
        names = sorted({name.partition(" ")[0] for name in BY_NAME})
        shown, more = word, "kinship --help"
    else:
        names = sorted(name.partition(" ")[2] for name in BY_NAME if name.startswith(f"{group} "))
        shown, more = f"{group} {word}", f"kinship {group} --help"
    close = difflib.get_close_matches(word.lower(), names, n=3, cutoff=0.6)
    if group is None and not close:  # a subcommand typed without its group: `kinship backup`
        close = [name for name in BY_NAME if name.partition(" ")[2] == word.lower()]
    if close:
        hint = "did you mean " + " or ".join(f"{group} {name}" if group else name for name in close) + "?"
    else:
        hint = f"`{more}` lists the commands"
    return UsageError(f"unknown command {shown!r}", hint)


def check_command(args: list[str]) -> None:
    """Raise the "did you mean" error when ``args`` (after ``--db``) start with no command."""
    index = 0
    while index < len(args) and args[index].startswith("--db"):
        index += 2 if args[index] == "--db" else 1
    if index >= len(args) or args[index].startswith("-"):
        return
    word = args[index]
    if word in GROUPS:
        following = args[index + 1 : index + 2]
        if following and not following[0].startswith("-") and f"{word} {following[0]}" not in BY_NAME:
            raise unknown_command(following[0], word)
        return
    if word not in BY_NAME:
        raise unknown_command(word)
