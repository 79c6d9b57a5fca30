"""The one interface between ties and a database, and what both implementations share.

Everything above this layer (the commands, `store`, `queries`, `doctor`) holds a
`Backend` and the connections it opens, and never asks which database it has: a
SQLite file (`ties.storage.db.SqliteBackend`) or a PostgreSQL server
(`ties.storage.pg.PostgresBackend`).
A backend opens connections, runs transactions, keeps the schema current, backs up and
restores, runs doctor's checks and turns driver errors into one line that says what to
do. `tests/test_layers.py` fails when a module above it asks for the dialect.

A connection a backend opens has one transaction mechanism, used by reads and writes
alike: `conn.transaction(write=...)` (a write takes the store's write lock up front).
A SQLModel session over it (`session`) runs inside that same transaction; when the
session starts one itself (`with session.begin()`), it goes through the same
`begin`/`commit`/`rollback` of the connection.

This module is imported on every command, tab completion included, so it imports no
driver and no SQLAlchemy at module level.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ties.core.errors import Busy, StoreError

if TYPE_CHECKING:
    from sqlmodel import Session

    from ties.storage.config import Store
    from ties.storage.doctor import Check

BUSY_TIMEOUT_MS = 10_000  # TIES_LOCK_TIMEOUT (seconds) changes it
MAX_LOCK_WAIT = 86_400  # seconds: a day


def busy_timeout_ms() -> int:
    """How long a command waits for another one's write lock before giving up."""
    raw = os.environ.get("TIES_LOCK_TIMEOUT")
    if raw:
        try:
            seconds = float(raw)
        except ValueError:
            seconds = float("nan")
        if not 0 <= seconds <= MAX_LOCK_WAIT:  # also refuses nan and inf
            raise StoreError(f"TIES_LOCK_TIMEOUT={raw!r} is not a number of seconds from 0 "
                             f"to {MAX_LOCK_WAIT}; set it like 10 or unset it.")
        return int(seconds * 1000)
    return BUSY_TIMEOUT_MS


def busy() -> Busy:
    """The refusal when another command held the write lock for too long."""
    return Busy("The store is busy: another ties command kept it locked for more than "
                f"{busy_timeout_ms() / 1000:g} s. Nothing was changed; try again.")


def version_number(value: object) -> int:
    """The stored schema version as a number, or a one-line refusal when it was damaged."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:  # ties writes the version with its first migration: it is never below 1
        raise StoreError(f"The store's schema version is {str(value)[:30]!r}, not a version "
                         "ties writes: it was changed outside ties, which left the store "
                         "untouched. Run 'ties doctor', and restore a backup ('ties restore') "
                         "if that does not explain it.")
    return number


def too_new(version: int) -> StoreError:
    from ties.storage.migrations import LATEST

    return StoreError(f"This store was written by a newer version of ties (schema {version}; "
                      f"this ties knows {LATEST}). Upgrade ties: pip install -U ties. Nothing "
                      "was changed.")


def migrate(conn, version: int) -> None:
    """Apply the migrations after `version`; the caller holds the transaction."""
    from ties.storage.migrations import MIGRATIONS

    for step in MIGRATIONS[version:]:
        step(conn)
    conn.execute(
        "INSERT INTO ties_meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(len(MIGRATIONS)),),
    )


def stamp() -> str:
    """Local date and time for file names: 20250314-090000."""
    from ties.core import dates

    return dates.now().astimezone().strftime("%Y%m%d-%H%M%S")


def record_backup(conn) -> None:
    """Note the time of a backup in the store, for 'ties doctor'."""
    from ties.core import dates

    with conn.transaction(write=True):
        conn.execute("INSERT INTO ties_meta (key, value) VALUES ('last_backup', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (dates.now().astimezone().strftime("%Y-%m-%dT%H:%M:%S"),))


class Connection(Protocol):
    """What every connection a backend opens offers: the stdlib sqlite3 interface ties
    uses (`execute` with `?` and `:name` parameters, rows with dates as ISO text and
    flags as 0/1), its `dialect` (SQL fragments the two spell differently), its
    `backend`, and one way to run a transaction."""

    dialect: Any
    backend: Backend

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, params: Any = ()) -> Any: ...

    def transaction(self, *, write: bool) -> Any: ...

    def writes(self) -> int:
        """A number that grows when the open transaction changes a row: compare it
        before and after to tell whether a command wrote anything."""
        ...

    def insert_rows(self, session: Any, table: Any, rows: list[dict]) -> None: ...

    def insert_columns(self, session: Any, table: Any, columns: dict[str, list]) -> None: ...

    def close(self) -> None: ...


class Transactions:
    """The one transaction mechanism, mixed into both backends' connections.

    A connection provides `_begin(write)`, `_commit()`, `_rollback()` and
    `in_transaction`; this adds `transaction()`, which a read or a write opens, and
    which a transaction already open (a session's, or an outer one) joins instead of
    nesting."""

    def transaction(self, *, write: bool):
        return _transaction(self, write)

    def insert_rows(self, session, table, rows: list[dict]) -> None:
        """Insert `rows` (dicts with the same keys) into `table` (a SQLAlchemy Table) in
        one executemany: `insert_columns` with the rows' values taken column by column."""
        if rows:
            from operator import itemgetter

            self.insert_columns(session, table, {key: list(map(itemgetter(key), rows))
                                                 for key in rows[0]})

    def insert_columns(self, session, table, columns: dict[str, list]) -> None:
        """Insert the rows these columns make (column name: its values, one per row, all
        of the same length) into `table` (a SQLAlchemy Table) in one executemany, through
        `session` (its connection, in its transaction, after what it has pending):
        `insert(table)` compiled once for this database, each value converted by its
        column's own type as SQLAlchemy would (each distinct value once), without
        SQLAlchemy's per-row work for a compiled statement (a third of a 29,000-row
        calendar import's writes) or a dict per row where the driver takes positions."""
        keys = list(columns)
        if not keys or not columns[keys[0]]:
            return
        from sqlalchemy import insert

        session.flush()
        connection = session.connection()
        dialect = connection.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=keys)
        if set(compiled.binds) != set(keys):  # a column default of SQLAlchemy's to fill
            session.execute(insert(table), [dict(zip(keys, values, strict=True))
                                            for values in zip(*columns.values(), strict=True)])
            return
        converted = {key: _converted(table.c[key].type.dialect_impl(dialect)
                                     .bind_processor(dialect), columns[key]) for key in keys}
        if compiled.positional:
            params: list = list(zip(*(converted[key] for key in compiled.positiontup),
                                    strict=True))
        else:
            params = [dict(zip(keys, values, strict=True))
                      for values in zip(*converted.values(), strict=True)]
        connection.exec_driver_sql(compiled.string, params)


# Types whose equal values no converter can tell apart (unlike, say, two equal datetimes
# in different zones, 0.0 and -0.0, or 1.0 and 1.00 as decimals).
_PLAIN = frozenset({bool, int, str, bytes, date, type(None)})


def _converted(to, values: list) -> list:
    """`values` as the bind processor `to` turns them into the driver's (`values` itself
    when the type converts nothing), converting each distinct value once: a calendar's
    29,000 interactions hold a few hundred dates, two flags and one time. Values of one
    plain type (`_PLAIN`, NULLs aside) are told apart by equality, any others by
    identity (the same object converts the same each time)."""
    if to is None:
        return values
    kinds = set(map(type, values))
    if kinds <= _PLAIN and len(kinds - {type(None)}) <= 1:  # True and 1: two kinds
        once = {value: to(value) for value in set(values)}
        return list(map(once.__getitem__, values))
    ids = list(map(id, values))  # `values` holds each object for as long as this runs
    by_id = {key: to(value) for key, value in dict(zip(ids, values, strict=True)).items()}
    return list(map(by_id.__getitem__, ids))


@contextmanager
def _transaction(conn, write: bool) -> Iterator:
    if conn.in_transaction:  # inside one already: it decides, and commits or rolls back
        yield conn
        return
    conn._begin(write)
    try:
        yield conn
    except BaseException:
        conn._rollback()
        raise
    conn._commit()


@dataclass
class Backed:
    """A finished backup: where it is, and what to tell the person."""

    path: Path
    message: str


@dataclass
class Restoring:
    """A backup checked and ready to restore: what it holds, and how to ask about it."""

    file: Path
    summary: str
    question: str
    parsed: Any = None


class Backend(ABC):
    """A store: where it is, and everything ties does with the database behind it."""

    #: the store's own file, which no backup or export may land on (None on a server)
    live_file: Path | None = None
    #: whether a schema with tables but no ties ones is judged outside the write lock
    judge_before_lock = True

    def __init__(self, location: Store):
        self.location = location

    # Connections ------------------------------------------------------------------

    @abstractmethod
    def connect(self):
        """A connection to the store (created when it is a new file)."""

    def connect_to_read(self):
        """A connection for a command that only reads an existing store: one it can read
        even where it can't write (a read-only or full disk). `connect` unless a backend
        needs more."""
        return self.connect()

    @abstractmethod
    def connect_for_completion(self):
        """A quick, read-only connection for tab completion, or None when there is no
        store; never creates or upgrades anything."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether there is a store here yet (created by a first write)."""

    def open(self):
        """A connection to an up-to-date store."""
        conn = self.connect()
        try:
            self.ensure_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def writing(self):
        """A context for one write command's whole life (open, transaction, close): on a
        store that is not there yet, a command refused or interrupted inside it leaves
        nothing created (see `SqliteBackend.writing`)."""
        from contextlib import nullcontext

        return nullcontext()

    def open_existing(self):
        """For a command that only reads: the store brought up to date, or None when
        there is none yet. Nothing is created."""
        if not self.exists():
            return None
        conn = self.connect_to_read()
        try:
            with conn.transaction(write=False):
                version = self.schema_version(conn)
            if version == 0:
                conn.close()
                return None
            self.ensure_schema(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def session(self, conn) -> Session:
        """A SQLModel session over `conn`, inside its transaction (see the module's
        docstring). Imports SQLAlchemy: only the commands that write call it."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool
        from sqlmodel import Session

        engine = create_engine(self.sqlalchemy_url, creator=lambda: conn.dbapi,
                               poolclass=StaticPool, pool_reset_on_return=None)
        dialect = engine.dialect
        self.read_damage_as_missing(dialect)
        owned = []  # whether the session began the transaction it is in

        def begin(_dbapi) -> None:
            if not conn.in_transaction:
                conn._begin(True)
                owned.append(True)

        def end(commit: bool):
            def finish(_dbapi) -> None:
                if owned:
                    owned.clear()
                    conn._commit() if commit else conn._rollback()
            return finish

        # The session's begin, commit and rollback are the connection's own, and a
        # transaction the connection already holds is joined, never ended by the session.
        dialect.do_begin = begin
        dialect.do_commit = end(True)
        dialect.do_rollback = end(False)
        dialect.do_close = lambda _dbapi: None  # the connection is closed by its owner
        session = Session(engine, expire_on_commit=False)
        session.info["ties_conn"] = conn
        return session

    sqlalchemy_url = ""

    def read_damage_as_missing(self, dialect) -> None:
        """Let the ORM load a row holding a value its column's type can't hold (only a
        store without typed columns can have one): it reads as missing, so a write that
        loads the row (an edit, an archive, a merge) still works and can repair it.
        Commands that show values read them through storage/stored.py instead. A backend
        with typed columns (PostgreSQL) has nothing to do."""
        return None

    # Schema -------------------------------------------------------------------------

    @abstractmethod
    def has_ties_tables(self, conn) -> bool:
        """Whether ties' own tables are here."""

    @abstractmethod
    def has_other_tables(self, conn) -> bool:
        """Whether any table is here (ties' or another program's)."""

    @abstractmethod
    def foreign(self) -> StoreError:
        """The refusal for a database that holds another program's tables."""

    def schema_version(self, conn, *, strict: bool = True) -> int:
        """The number of migrations applied; 0 for a new store. Refuses (when `strict`)
        a database with other tables but none of ties'."""
        if not self.has_ties_tables(conn):
            if strict and self.has_other_tables(conn):
                raise self.foreign()
            return 0
        row = conn.execute("SELECT value FROM ties_meta WHERE key = 'schema_version'"
                           ).fetchone()
        if row is None:
            # ties writes ties_meta and its version in one transaction: one without the
            # other was changed outside ties, and reading it as a new store would hide
            # every row in it.
            raise StoreError("The store has lost its schema version (its ties_meta table was "
                             "changed outside ties), so ties can't tell how to read it; "
                             "nothing was changed. Run 'ties doctor', and restore a backup "
                             "('ties restore') if that does not explain it.")
        return version_number(row[0])

    def ensure_schema(self, conn) -> None:
        """Bring the store to the latest schema, in one transaction under the write lock.

        The version is read again once the lock is held, so several first runs at once
        migrate exactly once. A store with data may get a private copy first
        (`before_migration`), named once the migration has committed."""
        from ties.storage.migrations import LATEST

        try:
            with conn.transaction(write=False):
                version = self.schema_version(conn, strict=self.judge_before_lock)
            if version == LATEST:
                return
            if version > LATEST:
                raise too_new(version)
            kept = None
            try:
                with conn.transaction(write=True):
                    version = self.schema_version(conn)
                    if version > LATEST:
                        raise too_new(version)
                    if version < LATEST:
                        if version > 0:
                            kept = self.before_migration(version)
                        migrate(conn, version)
            except BaseException:
                if kept is not None:
                    kept.unlink(missing_ok=True)  # the store is as it was: surplus copy
                raise
            if kept is not None:
                self.after_migration(kept, version)
        except Exception as exc:
            if self.is_error(exc):
                raise self.translate(exc) from None
            raise

    def before_migration(self, version: int) -> Path | None:
        """A copy of the store as it is, before a migration changes it (or None)."""
        return None

    def after_migration(self, kept: Path, version: int) -> None:  # noqa: B027 (a hook)
        """The migration committed: give the copy taken before it its final name."""

    def empty(self):
        """A new, empty store in memory: what a read command shows before the first
        write, without creating anything."""
        from ties.storage import db

        return db.memory_store()

    # Errors -------------------------------------------------------------------------

    @abstractmethod
    def is_error(self, exc: BaseException) -> bool:
        """Whether `exc` (or what SQLAlchemy wrapped) is this database's driver error."""

    @abstractmethod
    def translate(self, exc: BaseException) -> StoreError:
        """A driver error as one line that says what to do."""

    # Backups, restore, doctor -------------------------------------------------------

    @abstractmethod
    def backup(self, target: Path | None, *, replace: bool = False) -> Backed:
        """A copy of the store at `target` (or in the default folder)."""

    @abstractmethod
    def check_restore(self, file: Path) -> Restoring:
        """Refuse anything this store can't be restored from; else what it holds."""

    @abstractmethod
    def restore(self, restoring: Restoring) -> str:
        """Replace the store with the checked backup, keeping the current one first;
        returns where it was kept, as a sentence for the person ('' when there was
        nothing to keep)."""

    @abstractmethod
    def leftovers(self) -> list[Path]:
        """Temporary files an interrupted backup, restore or upgrade left behind."""

    def kept_as(self, leftover: Path) -> str | None:
        """The name under which 'doctor --fix' keeps a leftover that is the only copy of
        something (a complete copy from before an upgrade that committed); None: it holds
        nothing the store lacks, and is removed."""
        return None

    def keep(self, leftover: Path) -> Path:
        """Give a leftover `kept_as` names that name (or the first free one after it). A
        store that keeps no leftover (`kept_as` always None) has none to give one."""
        raise ValueError(f"{leftover} is not a leftover this store keeps; doctor --fix "
                         "removes it instead")

    @abstractmethod
    def doctor(self) -> list[Check]:
        """doctor's checks for this store."""


def for_store(location: Store) -> Backend:
    """The backend of a store: a PostgreSQL URL's, or a SQLite file's."""
    from ties.storage.config import ServerUrl

    if isinstance(location, ServerUrl):
        from ties.storage.pg import PostgresBackend

        return PostgresBackend(location)
    from ties.storage.db import SqliteBackend

    return SqliteBackend(location)


def of(conn) -> Backend:
    """The backend a connection was opened by."""
    return conn.backend


def translate_any(exc: BaseException, location: Store | None) -> StoreError | None:
    """A driver error from any backend as one line (None when it is no driver's error):
    the store's own backend words it, naming the store."""
    import sys

    candidates = []
    if location is not None:
        candidates.append(for_store(location))
    if "sqlite3" in sys.modules:
        from ties.storage.db import SqliteBackend

        candidates.append(SqliteBackend(None))
    if "psycopg" in sys.modules:
        from ties.storage.pg import PostgresBackend

        candidates.append(PostgresBackend(None))
    for candidate in candidates:
        if candidate.is_error(exc):
            return candidate.translate(exc)
    return None
