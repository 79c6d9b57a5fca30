"""The PostgreSQL backend (`PostgresBackend`, see `ties.storage.backend`): the connection, its
locking, its errors, its schema check, its backups (ties JSON) and doctor's checks.

ties talks to PostgreSQL through psycopg 3, an optional extra. The `Connection` here
has the small part of the sqlite3 interface that ties uses (`execute`, `in_transaction`,
`close`), takes the same `?` and `:name` parameters, and hands rows back as sqlite3
does (dates as ISO text, flags as 0/1), so that `queries` and `store` run unchanged on
both databases.

Writers are serialised by a transaction-scoped advisory lock, one per store (database
and schema), taken as the first statement of every write transaction: PostgreSQL's
counterpart of SQLite's BEGIN IMMEDIATE, so that a read-then-write (appending to a
note, the duplicate check of `ties log`, a migration's version check) can never
interleave with another command's. Readers never wait for it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ties.core.errors import BadUrl, StoreError
from ties.storage import backend, dialect
from ties.storage.backend import Backed, Restoring, busy_timeout_ms

if TYPE_CHECKING:
    from pathlib import Path

    from ties.storage.config import ServerUrl
    from ties.storage.doctor import Check

LOCK_CLASS = 0x7469  # "ti": the first key of ties' advisory locks
CONNECT_TIMEOUT_S = 10


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise StoreError("This store is on PostgreSQL, which needs the psycopg driver: "
                         "pip install 'ties[postgres]'.") from None
    return psycopg


# Parameters: sqlite3's ? and :name become psycopg's %s and %(name)s --------------------

_TOKENS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(\?)|(?<![:\w]):([A-Za-z_]\w*)|(%)""")


@lru_cache(maxsize=512)
def placeholders(sql: str) -> str:
    """`sql` with sqlite3-style parameters written as psycopg's (string literals and
    quoted names left alone, a literal % doubled)."""

    def swap(m: re.Match) -> str:
        if m.group(1):
            return m.group(1).replace("%", "%%")
        if m.group(2):
            return "%s"
        if m.group(3):
            return f"%({m.group(3)})s"
        return "%%"

    return _TOKENS.sub(swap, sql)


@lru_cache(maxsize=1)
def _loaders() -> tuple:
    """Load dates and timestamps as ISO text and booleans as 0/1, as sqlite3 does."""
    from psycopg.adapt import Loader
    from psycopg.types.numeric import FloatLoader
    from psycopg.types.string import TextLoader

    class BoolAsInt(Loader):
        def load(self, data) -> int:
            return 1 if bytes(data) == b"t" else 0

    class TimestampText(Loader):
        def load(self, data) -> str:
            # 'YYYY-MM-DD HH:MM:SS.ffffff', as SQLAlchemy writes them into SQLite
            text = bytes(data).decode()
            whole, _, fraction = text.partition(".")
            return f"{whole}.{fraction.ljust(6, '0')}"

    return (("date", TextLoader), ("timestamp", TimestampText), ("bool", BoolAsInt),
            ("numeric", FloatLoader))


class Connection(backend.Transactions):
    """A psycopg connection that speaks like the sqlite3 one ties uses, with ties' one
    transaction mechanism: a write holds the store's write lock from its start; a read
    sees one snapshot. Anything that escapes, Ctrl-C included, rolls it back. The driver
    stays in autocommit mode: ties (or a session over it) opens each transaction."""

    dialect = dialect.POSTGRES

    def __init__(self, raw, url: ServerUrl):
        self.raw = raw
        self.url = url
        self.backend = PostgresBackend(url)

    @property
    def dbapi(self):
        """The driver's connection, for SQLAlchemy."""
        return self.raw

    def execute(self, sql: str, params: Any = ()):
        cursor = self.raw.cursor()
        # On this cursor only: SQLAlchemy shares the connection and wants dates as dates.
        for type_name, loader in _loaders():
            cursor.adapters.register_loader(type_name, loader)
        try:
            if params:
                cursor.execute(placeholders(sql), params)
            else:
                cursor.execute(sql)
        except BaseException:
            cursor.close()
            raise
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

    def writes(self) -> int:
        """1 once the open transaction has changed a row (it then has a transaction id;
        the write lock, an advisory lock, gives it none), else 0."""
        return int(self.execute("SELECT txid_current_if_assigned()").fetchone()[0]
                   is not None)

    def lock_for_write(self) -> None:
        """Take this store's write lock, waiting up to TIES_LOCK_TIMEOUT; the lock ends
        with the transaction."""
        timeout = busy_timeout_ms()
        if timeout == 0:
            got = self.execute("SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))",
                               (LOCK_CLASS,)).fetchone()[0]
            if not got:
                raise backend.busy()
            return
        self.execute(f"SET LOCAL lock_timeout = {int(timeout)}").close()
        self.execute("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))",
                     (LOCK_CLASS,)).close()
        self.execute("SET LOCAL lock_timeout = 0").close()

    def _begin(self, write: bool) -> None:
        psycopg = _psycopg()
        try:
            self.raw.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ")
            if write:
                self.lock_for_write()
        except psycopg.Error as exc:
            self._rollback()
            raise translate(exc, self.url) from None
        except BaseException:
            self._rollback()
            raise

    def _commit(self) -> None:
        psycopg = _psycopg()
        try:
            self.raw.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback()
            raise translate(exc, self.url) from None

    def _rollback(self) -> None:
        if self.in_transaction and not self.raw.closed:
            self.raw.execute("ROLLBACK")


def connect(url: ServerUrl, *, timeout: int = CONNECT_TIMEOUT_S) -> Connection:
    """A connection in autocommit mode (ties opens its transactions itself), in UTC."""
    psycopg = _psycopg()
    try:
        raw = psycopg.connect(url.conninfo, autocommit=True, connect_timeout=timeout,
                              application_name="ties")
    except psycopg.ProgrammingError as exc:  # libpq could not read the URL: wrong usage
        raise bad_url(exc, url) from None
    except psycopg.Error as exc:
        if _INVALID_SETTING.search(str(exc)):  # sslmode=bogus and the like
            raise bad_url(exc, url) from None
        raise translate(exc, url) from None
    raw.execute("SET TIME ZONE 'UTC'")
    return Connection(raw, url)


_INVALID_SETTING = re.compile(r"\binvalid [\w ]{1,40} value\b")
# libpq's words for a host name the resolver does not know (psycopg's own, then libpq's).
_UNRESOLVED = re.compile(r"(?:failed to resolve host '(?P<a>[^']*)'|could not translate "
                         r"host name \"(?P<b>[^\"]*)\")")


def _first_line(error: BaseException, url: ServerUrl | None) -> str:
    """The error's first line with any password hidden (`config.hide_password`)."""
    from ties.storage.config import hide_password

    first = (str(error).strip().splitlines() or [""])[0]
    return hide_password(first, url.password if url is not None else None)


def bad_url(exc: BaseException, url: ServerUrl) -> BadUrl:
    """libpq refused the URL itself (an unknown parameter, a bad value): wrong usage."""
    why = _first_line(exc, url).removeprefix("connection is bad: ")
    return BadUrl(f"{url} is not a valid PostgreSQL URL: {why}. Fix it; "
                  "docs/sharing.md shows what it may hold.")


def translate(exc: BaseException, url: ServerUrl | None = None) -> StoreError:
    """A psycopg error as one line that says what to do, never showing the password."""
    error = getattr(exc, "orig", None) or exc
    state = getattr(error, "sqlstate", None) or ""
    where = f" ({url})" if url else ""
    # Judged by the server's own words; shown with any password hidden.
    lowered = (str(error).strip().splitlines() or [""])[0].lower()
    first = _first_line(error, url)
    if state in ("55P03", "40P01"):  # lock not available, deadlock
        return backend.busy()
    if state.startswith("28") or "authentication failed" in lowered or "password" in lowered:
        return StoreError(f"PostgreSQL refused the login{where}: {first}. Check the user and "
                          "password (or ~/.pgpass).")
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return StoreError(f"There is no such database{where}. Create it (createdb) or fix the "
                          "URL.")
    if state == "42501":
        return StoreError(f"PostgreSQL denied an operation{where}: {first}. The user needs "
                          "rights on the database. Nothing was changed.")
    if state == "25006":
        return StoreError(f"The PostgreSQL server{where} is read-only. Nothing was changed.")
    unknown = _UNRESOLVED.search(first)
    if unknown:
        host = unknown["a"] if unknown["a"] is not None else unknown["b"]
        return StoreError(f"Can't resolve host {host!r}{where}: no such host name. "
                          "Check the host in the URL.")
    if state.startswith("08") or (not state and "connect" in lowered):
        return StoreError(f"Can't reach the PostgreSQL store{where}: {first}. Check that the "
                          "server is running and the URL is right.")
    if state.startswith("53"):
        return StoreError(f"The PostgreSQL server{where} is out of resources ({first}). "
                          "Nothing was changed; try again later.")
    if state == "57014":
        return StoreError("The command was cancelled by the server. Nothing was changed.")
    return StoreError(f"The PostgreSQL store{where} refused the operation "
                      f"({type(error).__name__}). Nothing was changed; run 'ties doctor'.")


def is_error(exc: BaseException) -> bool:
    import sys

    psycopg = sys.modules.get("psycopg")
    error = getattr(exc, "orig", None) or exc
    return psycopg is not None and isinstance(error, psycopg.Error)


# Doctor -------------------------------------------------------------------------------

def doctor_checks(url: ServerUrl) -> list[Check]:
    """A PostgreSQL store: reachable, ties' schema, rights to write, an encrypted
    connection when it leaves this machine, and the last backup."""
    from ties.core.errors import TiesError
    from ties.storage import doctor
    from ties.storage.doctor import Check
    from ties.storage.migrations import LATEST

    try:
        conn = connect(url)
    except BadUrl:  # wrong usage, as for every other command
        raise
    except TiesError as exc:
        return [Check("server", False, exc.message, "Start the server or fix the URL.")]
    try:
        checks = []
        version, user, schema, ssl = conn.execute(
            "SELECT current_setting('server_version'), current_user, current_schema(), "
            "coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)"
        ).fetchone()
        if url.password and url.password in (user, schema):  # shown as the URL shows them
            user, schema = ("***" if v == url.password else v for v in (user, schema))
        checks.append(Check("server", True, f"PostgreSQL {version}, user {user}, "
                                            f"schema {schema}"))
        local = url.is_local
        checks.append(Check(
            "encryption", bool(ssl) or local,
            "TLS" if ssl else ("not encrypted (this machine only)" if local else
                               "not encrypted: notes cross the network in clear"),
            "" if ssl or local else "Add ?sslmode=require (or verify-full) to the URL.",
            warning=not ssl and not local))
        try:
            stored = conn.backend.schema_version(conn)
        except TiesError as exc:
            return [*checks, Check("schema", False, exc.message)]
        checks.append(Check("schema", stored <= LATEST, f"version {stored} (this ties: {LATEST})",
                            "" if stored <= LATEST else "Upgrade ties: pip install -U ties."))
        if stored:
            writable = conn.execute("SELECT has_table_privilege('person', 'INSERT, UPDATE, "
                                    "DELETE')").fetchone()[0]
            checks.append(Check("privileges", bool(writable),
                                "can read and write" if writable else "read-only",
                                "" if writable else f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES "
                                f"IN SCHEMA {schema} TO {user};"))
            if stored == LATEST:
                checks.append(doctor._values(conn))
            from ties.storage import jsonbackup

            checks.append(doctor._last_backup(conn, jsonbackup.default_folder(),
                                              jsonbackup.prefix(url), ".json"))
        return checks
    except Exception as exc:  # noqa: BLE001  (doctor reports; it never crashes on a bad store)
        return [Check("server", False, translate(exc, url).message)]
    finally:
        conn.close()



# The backend --------------------------------------------------------------------------

class PostgresBackend(backend.Backend):
    """A store in a PostgreSQL database (its schema), shared by several machines."""

    sqlalchemy_url = "postgresql+psycopg://"
    # A schema with other tables is judged only under the write lock, where no first run
    # of ties can be half-way through creating its tables.
    judge_before_lock = False

    def connect(self) -> Connection:
        return connect(self.location)

    def connect_for_completion(self) -> Connection:
        return connect(self.location, timeout=2)  # a key press must not hang

    def exists(self) -> bool:
        return True  # the server says, once connected: a schema without ties' tables

    def has_ties_tables(self, conn) -> bool:
        # A scan of the catalog, not to_regclass(): that one answers from this
        # connection's cache, which can still say 'no such table' after another first run
        # created it while we waited for the lock (an advisory lock does not refresh it).
        return bool(conn.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE "
                                 "schemaname = current_schema() AND tablename = 'ties_meta'"
                                 ).fetchone()[0])

    def has_other_tables(self, conn) -> bool:
        return bool(conn.execute("SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_schema = current_schema()").fetchone()[0])

    def foreign(self) -> StoreError:
        return StoreError(f"The database {self.location} has tables that are not ties'; ties "
                          "left it untouched. Give ties a database (or schema) of its own.")

    def is_error(self, exc: BaseException) -> bool:
        return is_error(exc)

    def translate(self, exc: BaseException) -> StoreError:
        return translate(exc, self.location)

    def backup(self, target: Path | None, *, replace: bool = False) -> Backed:
        from ties.storage import jsonbackup

        path, summary = jsonbackup.write(self.location, target, replace=replace)
        return Backed(path, f"Backed up {summary} to {path} (read back and checked). For the "
                      "whole database, use pg_dump too: see docs/sharing.md.")

    def check_restore(self, file: Path) -> Restoring:
        from ties.storage import jsonbackup

        parsed, summary = jsonbackup.read(file)
        return Restoring(file, summary, f"Replace everything in {self.location} with {file} "
                         f"({summary})? The store is backed up first.", parsed)

    def restore(self, restoring: Restoring) -> str:
        from ties.storage import jsonbackup

        kept, _ = jsonbackup.write(self.location, None, label="before-restore")
        jsonbackup.restore(self.location, restoring.parsed, str(restoring.file))
        return f"Your previous store is kept at {kept}."

    def leftovers(self) -> list[Path]:
        from ties.storage import files, jsonbackup

        return files.orphans_in([jsonbackup.default_folder()])

    def doctor(self) -> list[Check]:
        return doctor_checks(self.location)
