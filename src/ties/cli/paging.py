"""Long output through the user's pager, with colour only where the pager can show it.

Python's pydoc (which Rich's pager uses) starts `less` without -R, so a coloured report
arrived as raw `ESC[1m` codes. Here: $PAGER when set (else `less`); `less` is given -R
through the LESS variable when the user has not set LESS; a LESS of their own, or a pager
ties does not know, is left as it is and gets plain text unless it is known to show
colour (-R or -r in LESS or on the pager's command line).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping

from rich.pager import Pager

# less options that take a value: in a cluster like "-x4" or "-Pprompt", what follows is
# the value, not more options.
_WITH_VALUE = set("bhjkoOpPtTxyz#D")


def colour_option(options: str) -> bool | None:
    """What less options (as in LESS or on its command line) say of colour, the last word
    winning as in less: True for -R, -r or --raw-control-chars, False for -+R or -+r
    (which set the option back to its default, off), None when they say nothing."""
    said = None
    for word in options.split():
        if word.startswith("--"):
            if word[2:].lower().split("=")[0] == "raw-control-chars":
                said = True
            continue
        if word.startswith("-+"):  # -+X resets option X alone
            if word[2:3] in ("R", "r"):
                said = False
            continue
        for letter in word.lstrip("-"):
            if letter in "Rr":
                said = True
            if letter in _WITH_VALUE:
                break
    return said


def shows_colour(options: str) -> bool:
    """Whether less options (as in LESS or on its command line) leave -R or -r on."""
    return bool(colour_option(options))


def plan(environ: Mapping[str, str]) -> tuple[list[str], dict[str, str], bool]:
    """The pager's command line, the environment to start it in, and whether to send it
    colour. less reads LESS first and its command line after, so the command line has
    the last word."""
    command = shlex.split(environ.get("PAGER") or "") or ["less"]
    env = dict(environ)
    if os.path.basename(command[0]) != "less":
        return command, env, False
    said = colour_option(" ".join(command[1:]))
    if said is not None:
        return command, env, said
    if "LESS" not in environ:
        env["LESS"] = "-R"
        return command, env, True
    return command, env, shows_colour(environ["LESS"])


class UserPager(Pager):
    """Runs the planned pager; without one that starts, the text goes to stdout."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env

    def show(self, content: str) -> None:
        try:
            subprocess.run(self.command, input=content, text=True, env=self.env,
                           encoding=sys.stdout.encoding or "utf-8", errors="replace",
                           check=False)
        except OSError:  # no such pager: print instead
            sys.stdout.write(content)
        except KeyboardInterrupt:  # quitting the pager with Ctrl-C is no error
            pass
