"""A PostgreSQL store: the connection, its locking, its errors and its migrations.

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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ties import dialect
from ties.errors import BadUrl, Busy, StoreError

if TYPE_CHECKING:
    from ties.config import ServerUrl

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


class Connection:
    """A psycopg connection that speaks like the sqlite3 one ties uses."""

    dialect = dialect.POSTGRES

    def __init__(self, raw, url: ServerUrl):
        self.raw = raw
        self.url = url

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

    def lock_for_write(self) -> None:
        """Take this store's write lock, waiting up to TIES_LOCK_TIMEOUT; the lock ends
        with the transaction."""
        from ties.db import busy_timeout_ms

        timeout = busy_timeout_ms()
        if timeout == 0:
            got = self.execute("SELECT pg_try_advisory_xact_lock(?, hashtext(current_schema()))",
                               (LOCK_CLASS,)).fetchone()[0]
            if not got:
                raise translate_busy()
            return
        self.execute(f"SET LOCAL lock_timeout = {int(timeout)}").close()
        self.execute("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))",
                     (LOCK_CLASS,)).close()
        self.execute("SET LOCAL lock_timeout = 0").close()

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """One transaction: a write holds the store's write lock from its start; a read
        sees one snapshot. Anything that escapes, Ctrl-C included, rolls it back."""
        psycopg = _psycopg()
        try:
            self.raw.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ")
            if write:
                self.lock_for_write()
        except psycopg.Error as exc:
            self._rollback()
            raise translate(exc, self.url) from None
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        else:
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


def _first_line(error: BaseException, url: ServerUrl | None) -> str:
    """The error's first line with any password hidden (`config.hide_password`)."""
    from ties.config import hide_password

    first = (str(error).strip().splitlines() or [""])[0]
    return hide_password(first, url.password if url is not None else None)


def bad_url(exc: BaseException, url: ServerUrl) -> BadUrl:
    """libpq refused the URL itself (an unknown parameter, a bad value): wrong usage."""
    why = _first_line(exc, url).removeprefix("connection is bad: ")
    return BadUrl(f"{url} is not a valid PostgreSQL URL: {why}. Fix it; "
                  "docs/sharing.md shows what it may hold.")


def translate_busy() -> Busy:
    from ties.db import busy_timeout_ms

    return Busy("The store is busy: another ties command kept it locked for more than "
                f"{busy_timeout_ms() / 1000:g} s. Nothing was changed; try again.")


def translate(exc: BaseException, url: ServerUrl | None = None) -> StoreError:
    """A psycopg error as one line that says what to do, never showing the password."""
    error = getattr(exc, "orig", None) or exc
    state = getattr(error, "sqlstate", None) or ""
    where = f" ({url})" if url else ""
    # Judged by the server's own words; shown with any password hidden.
    lowered = (str(error).strip().splitlines() or [""])[0].lower()
    first = _first_line(error, url)
    if state in ("55P03", "40P01"):  # lock not available, deadlock
        return translate_busy()
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


# Schema --------------------------------------------------------------------------------

def schema_version(conn: Connection, *, strict: bool = True) -> int:
    """Applied migrations; 0 for an empty schema. Refuses (when `strict`) a database that
    has other tables but no ties ones: a judgement only made under the write lock, where
    no first run of ties can be half-way through creating its tables."""
    # A scan of the catalog, not to_regclass(): that one answers from this connection's
    # cache, which can still say 'no such table' after another first run created it while
    # we waited for the lock (an advisory lock does not refresh the cache).
    exists = conn.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                          "current_schema() AND tablename = 'ties_meta'").fetchone()[0]
    if not exists and not strict:
        return 0
    if not exists:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
            "current_schema()").fetchone()[0]
        if tables:
            raise StoreError(f"The database {conn.url} has tables that are not ties'; ties "
                             "left it untouched. Give ties a database (or schema) of its own.")
        return 0
    row = conn.execute("SELECT value FROM ties_meta WHERE key = 'schema_version'").fetchone()
    if not row:
        return 0
    from ties.db import version_number

    return version_number(row[0])


def ensure_schema(conn: Connection) -> None:
    """Bring the store to the latest schema in one transaction holding the write lock
    (PostgreSQL's DDL is transactional: a failed step leaves nothing behind). The
    version is read again under the lock, so that first runs at once migrate once."""
    from ties.db import migrate, too_new
    from ties.migrations import LATEST

    with conn.transaction(write=False):
        version = schema_version(conn, strict=False)
    if version == LATEST:
        return
    if version > LATEST:
        raise too_new(version)
    with conn.transaction(write=True):
        version = schema_version(conn)
        if version > LATEST:
            raise too_new(version)
        if version < LATEST:
            migrate(conn, version)
