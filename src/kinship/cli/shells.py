"""The completion scripts kinship prints for each shell (``kinship --show-completion SHELL``), and
how a candidate is quoted for the shell that inserts it. The candidates come from
``kinship.cli.complete``; docs/usage.md says how to install a script."""

from __future__ import annotations

SHELLS = ("bash", "zsh", "fish")

_BASH = """\
_kinship_completion() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
                   _KINSHIP_COMPLETE=complete_bash "$1" 2>/dev/null ) )
    return 0
}
complete -o default -F _kinship_completion kinship
"""

_ZSH = """\
#compdef kinship

_kinship() {
  local -a candidates
  candidates=("${(@f)$(env _KINSHIP_COMPLETE_ARGS="${words[1,CURRENT]}" \\
                       _KINSHIP_COMPLETE=complete_zsh kinship 2>/dev/null)}")
  candidates=(${candidates:#})
  if (( ${#candidates} )); then
    compadd -U -- "${candidates[@]}"
  else
    _files
  fi
}

if [[ "${funcstack[1]}" = "_kinship" ]]; then
  _kinship "$@"
else
  compdef _kinship kinship
fi
"""

_FISH = """\
function __kinship_complete
    set -lx _KINSHIP_COMPLETE complete_fish
    set -lx _KINSHIP_COMPLETE_ARGS (commandline -cp)
    command kinship 2>/dev/null
end
complete --command kinship --no-files --arguments '(__kinship_complete)'
complete --command kinship --condition '__fish_seen_subcommand_from import backup sync' --force-files
"""

SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str) -> str:
    """Return the completion script for ``shell`` (UsageError for another shell)."""
    if shell not in SCRIPTS:
        from kinship.errors import UsageError

        raise UsageError(f"no completion script for {shell!r}", f"use one of: {', '.join(SHELLS)}")
    return SCRIPTS[shell]


def _plain(char: str) -> bool:
    return char.isalnum() or char in "@%+=:,./-_"


def shell_quote(word: str, alone: bool = True) -> str:
    """Return ``word`` as bash and zsh should insert it: quoted when it needs quotes.

    The only candidate is single-quoted (``'Maria Costa'``). Among several, each special
    character is escaped with a backslash (``Maria\\ Costa``), so that the common start the
    shell inserts is never a lone quote that would replace what was typed.
    """
    if word and all(_plain(char) for char in word):
        return word
    if alone:
        return "'" + word.replace("'", "'\\''") + "'"
    return "".join(char if _plain(char) else "\\" + char for char in word)
