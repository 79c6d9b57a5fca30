"""`python -m ties`, and the console script `ties` (`run`). Loading the command line
(Typer, Rich and every command) takes a moment; a Ctrl-C in that moment ends like any
other interrupt, with one line and exit 130, not a traceback. Nothing here imports more
than the standard library before the command line itself."""

from __future__ import annotations

import sys

INTERRUPTED = "ties: Interrupted. Nothing was changed.\n"


def run() -> None:
    try:
        from ties.cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        raise SystemExit(130) from None
    try:
        command_line()
    except KeyboardInterrupt:  # between the app's own handlers (before or after a command)
        sys.stderr.write(INTERRUPTED)
        raise SystemExit(130) from None


if __name__ == "__main__":
    run()
