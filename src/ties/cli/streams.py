"""Standard streams and arguments in odd environments.

ties may be started with a closed or full standard output (`ties export >/dev/full`,
`ties list --json >&-`), a C locale without Python's UTF-8 mode (arguments and file names
arrive as bytes smuggled in surrogates), or an output encoding such as ASCII or Latin-1 that can't
write every name. `prepare` makes each of these safe before a command runs, and `finish`
makes sure what could not be written is reported in one line with exit 1, never a
traceback at interpreter exit. Light: the console script imports it before any command.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ties.core.errors import TiesError


class OutputError(TiesError):
    """Standard output can't be written: closed, a full disk, an I/O error."""


def _output_error(exc: OSError | None) -> OutputError:
    reason = "it is closed" if exc is None else (exc.strerror or type(exc).__name__)
    return OutputError(f"Can't write to standard output: {reason}. Send the output to a "
                       "file or a program that reads it.")


class _Guarded:
    """Standard output, whose write errors become one refusal (OutputError) instead of a
    traceback. After the first failure it stays quiet: the failure was already reported."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.failed = False
        self.error: OSError | None = None

    def _call(self, method: str, *args: Any) -> Any:
        if self.failed:
            return None
        try:
            return getattr(self._stream, method)(*args)
        except BrokenPipeError:
            raise  # the reader went away: handled as a quiet exit 0
        except OSError as exc:
            self.failed, self.error = True, exc
            raise _output_error(exc) from None
        except ValueError as exc:  # I/O on a stream something closed
            if "closed" not in str(exc):
                raise
            self.failed = True
            raise _output_error(None) from None

    def write(self, data: Any) -> Any:
        return self._call("write", data)

    def writelines(self, lines: Any) -> Any:
        return self._call("writelines", lines)

    def flush(self) -> None:
        self._call("flush")

    @property
    def buffer(self) -> Any:  # click writes bytes here when it distrusts the encoding
        inner = getattr(self._stream, "buffer", None)
        return None if inner is None else _GuardedBuffer(inner, self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _GuardedBuffer:
    def __init__(self, stream: Any, owner: _Guarded):
        self._stream, self._owner = stream, owner

    def write(self, data: Any) -> Any:
        if self._owner.failed:
            return len(data)
        try:
            return self._stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._owner.failed, self._owner.error = True, exc
            raise _output_error(exc) from None

    def flush(self) -> None:
        if self._owner.failed:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._owner.failed, self._owner.error = True, exc
            raise _output_error(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Closed:
    """Standard output when the process was started without one (`>&-`): writing data to
    it is refused in one line; commands that write no data still work."""

    encoding = "utf-8"
    errors = "strict"
    failed = False

    def write(self, data: Any) -> int:
        if not data:
            return 0
        if self.failed:
            return len(data)
        self.failed = True
        raise _output_error(None)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("standard output is closed")


class _Quiet:
    """Standard error that can't be written (closed, full): messages are dropped rather
    than turning a finished command into a crash. The exit code still tells."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, data: Any) -> int:
        try:
            return self._stream.write(data)
        except (OSError, ValueError):
            return len(data)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _keep_standard_fds_open() -> None:
    """A file ties opens must never become fd 0, 1 or 2 (where a stray write would land in
    it): a closed standard descriptor is pointed at /dev/null first, as SQLite does."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:  # fds below it were open after all: leave things as they are
                os.close(opened)


def _utf8_mode_in_a_c_locale() -> None:
    """Under the C locale without Python's UTF-8 mode (PYTHONUTF8=0, or a Python built
    without it), arguments, file names and the environment are decoded as ASCII with the
    other bytes smuggled in as surrogates: "Zoë" arrives as "Zo\\udcc3\\udcab", and the
    surrogates were dropped on the way into the store ("Zo"). Re-reading only the
    arguments as UTF-8 would break file names, which the OS then can't encode back. So
    ties runs itself again in UTF-8 mode, which is what Python does by default in the C
    locale: arguments, paths and the environment are then read as the UTF-8 they are."""
    import codecs

    if sys.flags.utf8_mode or codecs.lookup(sys.getfilesystemencoding()).name != "ascii":
        return
    argv = getattr(sys, "orig_argv", None)
    if not argv or not sys.executable:
        return
    try:
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *argv[1:]])
    except OSError:  # no way to run Python again: re-read the arguments as a last resort
        sys.argv[1:] = [_redecode(a) for a in sys.argv[1:]]


def _redecode(arg: str) -> str:
    """An argument the C locale decoded as ASCII with escaped bytes ("Zo\\udcc3\\udcab"),
    read again as the UTF-8 it almost always is ("Zoë"). Bytes that are not UTF-8 are
    left escaped, for the validation that refuses them."""
    if not any("\udc80" <= c <= "\udcff" for c in arg):
        return arg
    try:
        return os.fsencode(arg).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return arg


def prepare() -> None:
    _utf8_mode_in_a_c_locale()
    _keep_standard_fds_open()
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (lives as long as ties)
    if isinstance(sys.stdout, (_Guarded, _Closed)):  # main() run again in one process
        return
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and hasattr(stream, "reconfigure"):
            # A character the encoding can't write is shown as \xeb rather than crashing.
            stream.reconfigure(errors="backslashreplace")
    sys.stdout = _Closed() if sys.stdout is None else _Guarded(sys.stdout)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stderr = _Quiet(sys.stderr)


def flush_stdout() -> None:
    """Flush standard output now, so a full disk is reported by the command that filled it."""
    out = sys.stdout
    if out is not None:
        out.flush()


def finish(code: Any) -> Any:
    """The exit code, after a last flush of standard output. Output that could not be
    written (and was not yet reported) is reported now, and turns success into exit 1."""
    out = sys.stdout
    broken = False
    try:
        if out is not None:
            out.flush()
    except OutputError as exc:
        sys.stderr.write(f"ties: {exc.message}\n")
        code = 1 if code in (0, None) else code
    except BrokenPipeError:
        broken = True  # the reader went away (ties list | head): not worth a message
    if getattr(out, "failed", False) and code in (0, None):
        # A failure something swallowed (click probes the stream with an empty write,
        # which a full disk refuses): the output was lost, so this is not a success.
        sys.stderr.write(f"ties: {_output_error(getattr(out, 'error', None)).message}\n")
        code = 1
    if broken or getattr(out, "failed", False) or isinstance(out, _Closed):
        _discard_pending_output()
    return code


def _discard_pending_output() -> None:
    """Point fd 1 at /dev/null, so Python's own flush at exit finds nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
