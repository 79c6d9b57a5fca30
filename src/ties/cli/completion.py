"""Tab completion in each shell's own terms.

The values come from the completion functions of `ties.cli.app` (names from the store,
the fixed choices of an option); this module only hands them to the shell so that what
it inserts is one word, whatever the value holds:

- bash inserts a reply exactly as given (`complete -F`), so a name with a space or a
  quote is escaped with backslashes (`María\\ García`), the way bash's own file name
  completion does; after an opening quote typed by hand, the reply stays inside it.
- zsh gets `compadd -U`: its own quoting of what it inserts, and no filtering of its
  own, so 'gar' may become 'María García' (zsh's default filter keeps only replies that
  start with what was typed).
- fish gets one reply a line; fish escapes what it inserts itself. fish then keeps the
  replies it considers matches (case-insensitive, any part of the name), but only as
  spelled: so where what was typed is in a name only with its accents folded ('soren'),
  the reply is the name's plain spelling ('Soren Aero', the real name shown beside it),
  which finds the same person.

Typer's classes are taken over only when the shell asks for completions
(`TiesGroup._main_shell_completion` calls `register`), so no other command pays for it.
"""

from __future__ import annotations

import os

from typer._click.shell_completion import (
    CompletionItem,
    _resolve_context,
    _resolve_incomplete,
    add_completion_class,
)
from typer._completion_classes import BashComplete, FishComplete, ZshComplete

# Characters bash would read as something other than part of the word.
_BASH_SPECIAL = set(" \t\n'\"\\$`!&;()<>|*?[]#~{}=:,")


def bash_word(value: str, typed: str = "") -> str:
    """`value` as bash should insert it in place of the word `typed` (as typed, quotes
    and all): escaped with backslashes, or, after an opening quote, as the rest of a
    quoted word."""
    if typed[:1] == "'":
        return value.replace("'", "'\\''")
    if typed[:1] == '"':
        return "".join("\\" + c if c in '"\\$`' else c for c in value)
    return "".join("\\" + c if c in _BASH_SPECIAL else c for c in value)


def zsh_quoted(value: str) -> str:
    """`value` single-quoted, to reach compadd as one argument through zsh's eval."""
    return "'" + value.replace("'", "'\\''") + "'"


class _OwnMatching:
    """Replies exactly as ties' completion functions give them. Typer keeps only the
    values that start with what was typed, as typed: 'gar' would lose 'María García' and
    'mar' would too. A function marked `own_matching` (`ties.cli.app`) matches by itself
    (case, accents, any word), so its values are taken as they are."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        ctx = _resolve_context(self.cli, self.ctx_args, self.prog_name, args)
        obj, incomplete = _resolve_incomplete(ctx, args, incomplete)
        own = _own_function(obj)
        if own is not None:
            return [CompletionItem(v[0], help=v[1]) if isinstance(v, tuple) else CompletionItem(v)
                    for v in own(ctx, [], incomplete)]
        return obj.shell_complete(ctx, incomplete)


def _own_function(obj):
    """The completion function of ties' behind a parameter's Typer wrapper, if it is one
    that does its own matching; else None."""
    wrapper = getattr(obj, "_custom_shell_complete", None)
    for cell in getattr(wrapper, "__closure__", None) or ():
        try:
            fn = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if getattr(fn, "own_matching", False):
            return fn
    return None


class TiesBashComplete(_OwnMatching, BashComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        args, incomplete = super().get_completion_args()
        # The completion script joins COMP_WORDS with newlines (IFS); the word being
        # completed, as typed, tells whether the user opened a quote.
        words = os.environ.get("COMP_WORDS", "").split("\n")
        cword = int(os.environ.get("COMP_CWORD", "0") or 0)
        self.typed = words[cword] if 0 <= cword < len(words) else ""
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        return bash_word(item.value, getattr(self, "typed", ""))


class TiesZshComplete(_OwnMatching, ZshComplete):
    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        if not items:
            return "_files"
        values = " ".join(zsh_quoted(item.value) for item in items)
        if not any(item.help for item in items):
            return f"compadd -U -- {values}"
        # One space around the dashes: the script's eval splits and rejoins the words.
        shown = " ".join(zsh_quoted(f"{item.value} -- {' '.join((item.help or '').split())}")
                         for item in items)
        return f"local -a _ties_shown=({shown}); compadd -U -l -d _ties_shown -- {values}"


class TiesFishComplete(_OwnMatching, FishComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        args, incomplete = super().get_completion_args()
        self.typed = incomplete
        return args, incomplete

    def format_completion(self, item: CompletionItem) -> str:
        value, shown = item.value, item.help
        typed = getattr(self, "typed", "").casefold()
        if typed and typed not in value.casefold():
            # fish keeps only replies holding what was typed as spelled: 'soren' would
            # lose 'Søren Ærø'. Its plain spelling holds it and finds the same person.
            from ties.core.names import plain_spelling

            plain = plain_spelling(value)
            if typed in plain.casefold():
                value, shown = plain, f"{value} · {shown}" if shown else value
        value = " ".join(value.split("\t"))
        if shown:
            return f"{value}\t{' '.join(shown.split())}"
        return value


def register() -> None:
    """Use these classes for bash, zsh and fish (Typer registers its own first)."""
    add_completion_class(TiesBashComplete, "bash")
    add_completion_class(TiesZshComplete, "zsh")
    add_completion_class(TiesFishComplete, "fish")
