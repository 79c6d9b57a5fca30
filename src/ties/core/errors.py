"""Every refusal ties makes is a TiesError; the CLI turns it into one line and an exit code.

Messages say what happened and what to do next. They never include the text of
notes: only names and values the user typed as arguments.
"""

from __future__ import annotations

# Exit codes, documented in docs/reference/exit-codes.md.
EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # a bug in ties (EX_SOFTWARE)
EXIT_BUSY = 75  # the store stayed locked by another command; try again (EX_TEMPFAIL)
EXIT_INTERRUPTED = 130  # Ctrl-C


class TiesError(Exception):
    """A refused operation: shown as one line on stderr, exit code 1."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(TiesError):
    """No person, interaction or follow-up matches."""


class Ambiguous(TiesError):
    """More than one person matches a name."""

    def __init__(self, message: str, choices: list[str]):
        super().__init__(message)
        self.choices = choices


class AlreadyExists(TiesError):
    """Adding would create a twin of an existing person."""


class BadDate(TiesError):
    """A date or duration that cannot be understood or is not allowed here."""


class BadValue(TiesError):
    """An option value outside what ties accepts."""


class BadUrl(BadValue):
    """A --db or TIES_DB value that names no usable store (an unreadable URL, an empty
    --db): wrong usage, exit code 2."""

    exit_code = EXIT_USAGE


class WrongUsage(TiesError):
    """Options given where they mean nothing: wrong usage, exit code 2."""

    exit_code = EXIT_USAGE


class StoreError(TiesError):
    """The store cannot be opened or written: corrupt, too new, read-only, full."""


class Busy(TiesError):
    """Another ties command held the store's write lock for too long."""

    exit_code = EXIT_BUSY
