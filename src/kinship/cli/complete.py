"""Shell completion, answered from the command table without typer. Completion never writes.

``kinship --show-completion bash|zsh|fish`` prints the script for that shell. On TAB the
script runs kinship with ``_KINSHIP_COMPLETE=complete_<shell>`` and the words typed so far
(bash: ``COMP_WORDS`` and ``COMP_CWORD``; zsh and fish: ``_KINSHIP_COMPLETE_ARGS``, the line up
to the cursor); kinship prints one candidate a line: commands, options, the values of
``--via`` and ``--circle``, and contact names. A name matches when what was typed begins it
or any word in it, ignoring case and accents (``park`` -> ``Cy Park``, ``chloe`` -> ``Chloé
Martin``); the candidate is the stored spelling, quoted for bash when it needs quotes (zsh and
fish quote what they insert themselves, inside a quote already typed too). The database is opened read-only, never created and
never migrated.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from kinship.cli.shells import SCRIPTS, SHELLS, shell_quote
from kinship.cli.spec import CIRCLES, Command, Option

ROOT_OPTIONS = ("--db", "--version", "--help", "--show-completion")


# ---- what was typed ---------------------------------------------------------------------------


def split_words(text: str) -> tuple[list[str], bool]:
    """Split a command line as the shell would; also return whether a quote is still open."""
    import shlex

    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:  # an open quote: what it holds so far is the word being typed
        words.append(lexer.token)
        return words, True
    return words, False


def typed() -> tuple[list[str], str] | None:
    """Return the words before the one being completed, and that word, from the environment
    (None when the shell sent no line: a script of another version; then nothing is offered)."""
    if "COMP_WORDS" in os.environ:
        words, _ = split_words(os.environ["COMP_WORDS"])
        try:
            current = int(os.environ.get("COMP_CWORD", ""))
        except ValueError:
            current = len(words)
        incomplete = words[current] if 0 <= current < len(words) else ""
        return words[1:current], incomplete
    line = os.environ.get("_KINSHIP_COMPLETE_ARGS")
    if line is None:
        return None
    words, open_quote = split_words(line)
    if not words:
        return None
    if words[1:] and (open_quote or not line.endswith((" ", "\t"))):
        return words[1:-1], words[-1]
    return words[1:], ""


# ---- candidates -------------------------------------------------------------------------------


def name_matches(incomplete: str, names: list[str]) -> list[str]:
    """Return the stored names that ``incomplete`` begins, or begins a word of, ignoring case
    and accents: whole-name matches first, then word matches, each once."""
    from kinship.keys import name_key

    wanted = name_key(incomplete)
    whole = [name for name in names if name_key(name).startswith(wanted)]
    words = [
        name
        for name in names
        if name not in whole and any(word.startswith(wanted) for word in name_key(name).split())
    ]
    return list(dict.fromkeys(whole + words))


def _stored_names(db: str | None) -> list[str]:
    """Return every contact name and alias, read without creating or migrating anything."""
    from kinship.cli.context import load_environment
    from kinship.store import open_store

    environment = load_environment(db)
    if not environment.db_path.is_file():
        return []
    store = open_store(environment.db_path, environment.now, create=False, read_only=True, migrate=False)
    try:
        entries = store.name_entries()
    finally:
        store.close()
    return [name for entry in entries for name in (entry.name, *entry.aliases)]


def complete_names(db: str | None, incomplete: str) -> list[str]:
    """Return the contact names (and aliases) ``incomplete`` matches, in their stored spelling."""
    try:
        return name_matches(incomplete, _stored_names(db))
    except Exception:  # completion must never print a traceback into the shell
        return []


def _values(kind: str | None, incomplete: str, db: str | None) -> list[str]:
    """Return the candidates for a value of ``kind`` (names, channels, circles)."""
    if kind == "names":
        return complete_names(db, incomplete)
    if kind == "channels":
        from kinship.channels import complete_words

        return complete_words(incomplete)
    if kind == "circles":
        return [circle for circle in CIRCLES if circle.startswith(incomplete.lower())]
    return []


def _option(command: Command | None, flag: str) -> Option | None:
    """Return the option ``flag`` names in ``command``."""
    for option in command.options if command else ():
        if flag in (option.flag, option.short):
            return option
    return None


def candidates(words: list[str], incomplete: str) -> list[str]:
    """Return what may follow ``words`` (the words after ``kinship``) at ``incomplete``."""
    from kinship.cli.table import BY_NAME, GROUPS, find

    db: str | None = None
    index = 0
    while index < len(words) and words[index].startswith("-"):
        if words[index] == "--db":
            if words[index + 1 : index + 2] == ["="]:  # bash splits --db=PATH at "="
                index += 1
            if index + 1 >= len(words):
                return []  # a file name: the shell's own completion
            db = words[index + 1]
            index += 2
        else:
            db = words[index][5:] if words[index].startswith("--db=") else db
            index += 1
    rest = words[index:]
    if words[-1:] == ["--show-completion"]:
        return [shell for shell in SHELLS if shell.startswith(incomplete)]
    found = find(rest)
    if found is None:
        if rest[:1] and rest[0] in GROUPS and len(rest) == 1:
            heads = [name.partition(" ")[2] for name in BY_NAME if name.startswith(f"{rest[0]} ")]
        elif rest:
            return []
        elif incomplete.startswith("-"):
            heads = list(ROOT_OPTIONS)
        else:
            heads = list(dict.fromkeys(name.partition(" ")[0] for name in BY_NAME))
        return [head for head in heads if head.startswith(incomplete)]
    command, used = found
    after = rest[used:]
    if after and after[-1] == "=" and len(after) >= 2:  # bash splits --via=ph at "="
        option = _option(command, after[-2])
        return _values(option.complete, incomplete, db) if option else []
    if after and not incomplete.startswith("-"):
        option = _option(command, after[-1])
        if option is not None and option.kind != "flag":
            return _values(option.complete, incomplete, db)
    if incomplete.startswith("-"):
        flag, equals, value = incomplete.partition("=")
        if equals:
            option = _option(command, flag)
            return [f"{flag}={item}" for item in _values(option.complete if option else None, value, db)]
        flags = [option.flag for option in command.options] + ["--help"]
        return [flag for flag in flags if flag.startswith(incomplete)]
    return _values(_argument_kind(command, after), incomplete, db)


def _argument_kind(command: Command, after: list[str]) -> str | None:
    """Return the completion kind of the positional argument being typed after ``after``."""
    count = 0
    skip = False
    for word in after:
        if skip:
            skip = False
        elif word.startswith("-"):
            option = _option(command, word)
            skip = option is not None and option.kind != "flag"
        else:
            count += 1
    for position, argument in enumerate(command.arguments):
        if argument.many or position == count:
            return argument.complete
    return None


# ---- answering the shell ----------------------------------------------------------------------


def respond(instruction: str) -> int:
    """Answer one completion request (``complete_bash`` …, or ``source_bash`` … for a script)."""
    action, _, shell = instruction.partition("_")
    if shell not in SHELLS:
        return 0
    if action == "source":
        sys.stdout.write(SCRIPTS[shell])
        return 0
    if action != "complete":
        return 0
    try:
        asked = typed()
        found = [] if asked is None else candidates(*asked)
    except Exception:  # completion must never print a traceback into the shell
        return 0
    if shell == "bash":  # zsh and fish quote what they insert, for the quote already typed
        found = [shell_quote(word, alone=len(found) == 1) for word in found]
    sys.stdout.write("".join(f"{word}\n" for word in found))
    return 0


def completer_for(kind: str | None) -> Callable[..., list[str]] | None:
    """Return the typer autocompletion function for a table ``complete`` kind (the typer app's
    own completion, used only when something calls the app directly)."""
    if kind is None:
        return None

    def complete(ctx: Any, incomplete: str) -> list[str]:
        db = ctx.find_root().params.get("db") if ctx is not None else None
        return _values(kind, incomplete, db)

    return complete
