"""The Typer application, its global options, and the one place errors become exit codes.

This package is the only code that prints, prompts or exits. Heavy modules
(SQLModel, SQLAlchemy, Rich tables) are imported inside the commands that need
them, so `ties --help` and tab completion stay fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from ties import __version__
from ties.cli import streams
from ties.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REFUSED, EXIT_USAGE, TiesError

if TYPE_CHECKING:
    from rich.console import Console
    from sqlmodel import Session

    from ties.storage.backend import Backend
    from ties.storage.config import Store


def _one_line(message: str) -> str:
    from ties.core.text import safe
    from ties.storage.config import hide_password

    # A PostgreSQL password never reaches the terminal, whatever said it: any URL's or
    # connection string's password, and this store's where it is quoted (exactly, never
    # as part of other words, which would spell it out).
    message = hide_password(message, _state.secret)
    return " ".join(safe(message).split())


def echo(text: str, err: bool = False) -> None:
    """One line on stdout (data) or stderr (err: messages), through the same stream Rich
    writes to, so both keep the output's encoding (see `streams`)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    stream.write(f"{text}\n")
    stream.flush()


def fail(message: str, code: int) -> None:
    """Print one line on stderr and stop with `code`."""
    echo(f"ties: {_one_line(message)}", err=True)
    raise typer.Exit(code)


class TiesGroup(TyperGroup):
    """Turns every refusal into one line on stderr and an exit code, in one place."""

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None) -> None:
        """Tab completion: each shell gets replies in its own quoting (`completion`)."""
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(var):
            from ties.cli import completion

            completion.register()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:  # a usage error in the global options
            _usage_error(exc)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            result = super().invoke(ctx)
            streams.flush_stdout()  # a full disk shows itself here, while we can still say so
            return result
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:  # Typer's usage errors, exit code 2
            _usage_error(exc)
        except TiesError as exc:
            fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            fail("Interrupted. Nothing was changed.", EXIT_INTERRUPTED)
        except UnicodeEncodeError as exc:
            if "surrogates" not in str(exc):
                _internal_error(exc)
            # Bytes of the command line that were not UTF-8 reached text no check caught.
            from ties.core.fields import not_utf8

            given = exc.object if isinstance(exc.object, str) else ""
            fail(f"Some text you gave {not_utf8(given[exc.start:exc.end])}.", EXIT_REFUSED)
        except BrokenPipeError:
            # The reader went away (ties list | head): not an error worth a message.
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:  # the machine said no: permissions, a full disk, ...
            _environment_error(exc)
        except Exception as exc:
            _internal_error(exc)


def _usage_error(exc: typer.TyperException) -> None:
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        echo(ctx.get_help())  # a group named without a command: show its help
        raise typer.Exit(0)
    command = ctx.command_path if ctx else "ties"
    fail(f"{exc.format_message()} See '{command} --help'.",
         getattr(exc, "exit_code", EXIT_USAGE) or EXIT_USAGE)


def _environment_error(exc: OSError) -> None:
    """Permissions, full disks and the like: the machine's refusal, not a bug in ties."""
    import errno

    if isinstance(exc, PermissionError):
        what = f" {exc.filename}" if exc.filename else ""
        fail(f"Permission denied{what and ':'}{what}. Check that you may use it and every "
             "folder above it.", 1)
    reason = exc.strerror or type(exc).__name__
    where = f": {exc.filename}" if exc.filename else ""
    advice = {errno.ENOSPC: "Free some space and try again.",
              errno.EDQUOT: "Free some space and try again.",
              errno.EROFS: "Choose a writable place, or use --db.",
              errno.EFBIG: "Free some space or raise the file size limit, and try again."}
    if exc.errno not in (*advice, errno.EIO, errno.EACCES, errno.EPERM, errno.ENOTDIR,
                         errno.ELOOP, errno.ENAMETOOLONG, errno.EMFILE,
                         errno.ENFILE, errno.ENOMEM):
        _internal_error(exc)
    fail(f"{reason}{where}. " + advice.get(exc.errno, "Check the disk and the path, and try "
                                             "again."), 1)


def _internal_error(exc: Exception) -> None:
    from ties.storage.backend import translate_any

    try:
        location = _state.path
    except TiesError:
        location = None
    error = translate_any(exc, location)
    if error is not None:  # the database refused: one line that says what to do
        fail(error.message, error.exit_code)
    if os.environ.get("TIES_DEBUG"):
        import traceback

        from ties.core.text import safe
        from ties.storage.config import hide_password

        # Frames and the exception's type only: never local variables; never a password.
        # The message may quote user text, so it is made safe like everything ties prints.
        sys.stderr.write(safe(hide_password("".join(traceback.format_exception(exc)),
                                            _state.secret)))
    fail(f"internal error ({type(exc).__name__}): this is a bug in ties {__version__}. Nothing "
         "was changed. Please report it; TIES_DEBUG=1 shows where it happened.", EXIT_INTERNAL)


app = typer.Typer(
    cls=TiesGroup,
    name="ties",
    help="Tend a few real, reciprocal, long-term relationships, one week at a time.",
    epilog="Start with 'ties demo', or 'ties add NAME' right after you meet someone.",
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    db_option: str | None = None

    @property
    def path(self) -> Store:
        """The store: a SQLite file's path, or a PostgreSQL URL (printed masked)."""
        from ties.storage import config

        return config.db_path(self.db_option)

    @property
    def backend(self) -> Backend:
        """The store's backend: what opens it, backs it up, restores and checks it."""
        from ties.storage import backend

        return backend.for_store(self.path)

    @property
    def secret(self) -> str | None:
        """The password in a PostgreSQL URL, so that no message can show it."""
        from ties.storage.config import ServerUrl, is_server_url

        chosen = self.db_option or os.environ.get("TIES_DB") or ""
        return ServerUrl(chosen).password if is_server_url(chosen) else None


_state = State()


def state() -> State:
    """The global options of the command being run."""
    return _state


def _version(value: bool) -> None:
    if value:
        echo(f"ties {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="The store to use: a file path, or a PostgreSQL URL such "
                     "as postgresql+psycopg://me@host/ties. Default: $TIES_DB, else ties.db "
                     "in your data directory; see 'ties path'.", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.",
                           callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Tend a few real, reciprocal, long-term relationships, one week at a time."""
    global _state
    _state = State(db_option=db)
    if ctx.invoked_subcommand is None:
        echo(ctx.get_help())
        raise typer.Exit()


# Opening the store ------------------------------------------------------------------

@contextmanager
def reading() -> Iterator:
    """A read-only snapshot of the store, through the bare driver. A store that does not
    exist yet reads as empty, and nothing is created."""
    store = state().backend
    conn = store.open_existing()
    if conn is None:
        if state().db_option or os.environ.get("TIES_DB"):
            say(f"There is no store at {state().path} yet, so this is empty; nothing was "
                "created. Check --db or TIES_DB if you expected your data there.")
        conn = store.empty()
    try:
        with conn.transaction(write=False):
            yield conn
    finally:
        conn.close()


class _DryRun(Exception):
    """Ends a dry run's transaction: everything it did is rolled back."""


@contextmanager
def writing(commit: bool = True) -> Iterator[Session]:
    """One write transaction holding the write lock from its start; it commits when the
    block ends (or rolls back, for a dry run) and rolls back on any error or Ctrl-C. The
    session runs inside it, on the same connection. A dry run on a store that does not
    exist yet (a missing or empty file, a PostgreSQL schema without ties' tables) runs on
    an empty store in memory, and creates nothing."""
    store = state().backend
    with store.writing() if commit else nullcontext():
        conn = store.open() if commit else (store.open_existing() or store.empty())
        try:
            with conn.transaction(write=True):
                session = conn.backend.session(conn)
                try:
                    keep = _week_lists(conn) if commit else {}
                    before = conn.writes()
                    yield session
                    session.flush()
                    if keep and conn.writes() != before:
                        from ties.storage import store

                        store.keep_weeks(session, keep)
                finally:
                    session.close()
                if not commit:
                    raise _DryRun
        except _DryRun:
            pass
        finally:
            conn.close()


def _week_lists(conn) -> dict:
    """The lists `ties next` gives this Monday and on the Mondays since the last one kept
    (`views.lists_to_keep`), worked out before a write changes anything and kept when it
    has changed something (a command that changes nothing leaves the store as it was).
    Reads never write, so this is the only place they are kept."""
    from ties import views

    return views.lists_to_keep(conn, today())


# Output -------------------------------------------------------------------------------

def console(stderr: bool = False) -> Console:
    """Rich console for stdout (data) or stderr (messages). Plain text when the stream is
    not a terminal (Rich's own rule) or NO_COLOR is set to anything: Rich's `no_color`
    drops only colours and still sends bold and dim, so no colour system at all is used
    then; user text is never read as markup."""
    from rich.console import Console

    plain = {"color_system": None} if os.environ.get("NO_COLOR") else {}
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False, **plain)


def say(message: str) -> None:
    """A message for the person (not data): stderr, plain, user text made safe."""
    from ties.core.text import safe

    echo(safe(message), err=True)


def emit_json(value: Any) -> None:
    """JSON on stdout. Control and bidi characters in strings, and characters the output's
    encoding can't write, are spelled as \\u escapes: the same data, safe to show."""
    from ties.core.text import safe_json

    def default(obj: Any) -> Any:
        if hasattr(obj, "isoformat"):
            return obj.isoformat()
        raise TypeError(type(obj).__name__)

    text = json.dumps(value, ensure_ascii=False, indent=2, default=default) + "\n"
    sys.stdout.write(safe_json(text, getattr(sys.stdout, "encoding", None) or "utf-8"))


def emit_file_text(text: str) -> None:
    """An export on stdout: a file format, so UTF-8 bytes whatever the terminal's
    encoding (the exporters have already made its text safe)."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8", "backslashreplace"))
    buffer.flush()


def today():
    from ties.core import dates

    return dates.today()


# Completion: runs on every key press, so it uses the bare driver and no migrations --

def own_matching(complete):
    """Mark a completion function that matches by itself (case, accents, any word): its
    replies reach the shell as they are (`ties.cli.completion`), where Typer would keep
    only those starting with what was typed."""
    complete.own_matching = True
    return complete


@own_matching
def complete_name(ctx: typer.Context, incomplete: str) -> list[str]:
    """Names whose start, or the start of one of whose words, is what was typed, case and
    accents aside ('gar' offers 'María García'); archived people only for unarchive."""
    from ties.core.text import safe
    from ties.storage import queries

    archived = getattr(ctx, "info_name", None) == "unarchive"
    return _from_store(ctx, lambda conn: [
        safe(n) for n in queries.complete_names(conn, incomplete, archived=archived)])


@own_matching
def complete_follow_up(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Open promises by number, each with whose it is and what (zsh and fish show it)."""
    from ties.core.text import safe
    from ties.storage import queries

    return _from_store(ctx, lambda conn: [
        (n, safe(what)) for n, what in queries.complete_follow_ups(conn, incomplete)])


def _from_store(ctx: typer.Context, read):
    """What `read(conn)` finds in the store the command line names, for completion: nothing
    when there is no store yet or anything goes wrong (completion never fails)."""
    from ties.storage import backend, config

    root = ctx.find_root()
    try:
        path = config.db_path(root.params.get("db") if root.params else None)
        conn = backend.for_store(path).connect_for_completion()
        if conn is None:
            return []
        try:
            return read(conn)
        finally:
            conn.close()
    except Exception:  # noqa: BLE001  (completion offers nothing rather than fail)
        return []


def _starting(choices, incomplete: str) -> list[str]:
    typed = incomplete.strip().lower()
    return [c for c in choices if c.startswith(typed)]


@own_matching
def complete_type(incomplete: str) -> list[str]:
    from ties.core.fields import RELATIONSHIP_TYPES

    return _starting(RELATIONSHIP_TYPES, incomplete)


@own_matching
def complete_type_or_untyped(incomplete: str) -> list[str]:
    """The types, and 'untyped' (people not yet triaged), as 'ties list --type' takes."""
    from ties.core.fields import RELATIONSHIP_TYPES

    return _starting((*RELATIONSHIP_TYPES, "untyped"), incomplete)


@own_matching
def complete_channel(incomplete: str) -> list[str]:
    from ties.core.fields import CHANNELS

    return _starting(CHANNELS, incomplete)


@own_matching
def complete_setting(incomplete: str) -> list[str]:
    from ties.core.settings import SPECS

    return _starting(SPECS, incomplete)


def confirm(question: str, yes: bool) -> None:
    """Ask before something destructive; --yes answers for scripts. No answer (no
    terminal, end of input) counts as no."""
    if yes:
        return
    from ties.core.text import safe

    try:
        agreed = typer.confirm(safe(question), default=False, err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        raise TiesError("Not confirmed; nothing was changed. Add --yes to skip the question.")


def may_replace(target, force: bool) -> bool:
    """Whether `target`, a file the user named, may be written over: no need when it does
    not exist; yes with --force or a yes typed at a terminal. Without a terminal there is
    no one to ask, so the answer is a refusal naming --force."""
    if not os.path.lexists(target):
        return False
    if os.path.isdir(target):
        raise TiesError(f"{target} is a folder; give a file name.")
    if force:
        return True
    if not sys.stdin.isatty():
        raise TiesError(f"{target} already exists; add --force to replace it. Nothing was "
                        "written.")
    try:
        agreed = typer.confirm(f"{target} already exists. Replace it?", default=False,
                               err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        raise TiesError(f"Not confirmed; {target} was left as it was. Add --force to replace "
                        "it without the question.")
    return True


def live_store():
    """The store's file, when it is one (for refusing to write over it); else None."""
    return state().backend.live_file


def main() -> None:
    """The console script: odd environments (a C locale, an ASCII or Latin-1 terminal,
    closed or full standard streams) are made safe first; see `streams`."""
    streams.prepare()
    try:
        app(prog_name="ties")
    except SystemExit as done:
        raise SystemExit(streams.finish(done.code)) from None
    except streams.OutputError as exc:  # from --help, --version or a usage error's help
        echo(f"ties: {exc.message}", err=True)
        raise SystemExit(streams.finish(1)) from None
