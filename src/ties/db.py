"""Opening the store: file permissions, pragmas, transactions and migrations.

There is never a module-level connection or engine. Every connection, whether used
directly through the stdlib driver (the fast read paths) or underneath SQLModel
(writes), comes from `connect()` and so runs with the same pragmas.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ties import dates, files, ids
from ties.config import ServerUrl, Store
from ties.errors import Busy, StoreError

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
PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the store at `path`, private to the user, with WAL,
    synchronous=FULL, foreign keys and a busy timeout. Transactions are explicit."""
    _create_private(path)
    try:
        timeout = busy_timeout_ms()
        conn = sqlite3.connect(
            str(path), timeout=timeout / 1000, isolation_level=None, check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"Can't open the store at {path}: {exc}. Check --db or TIES_DB.") \
            from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        for pragma in PRAGMAS:
            conn.execute(pragma)
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and _ours_or_new(conn):
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    return conn


def _ours_or_new(conn: sqlite3.Connection) -> bool:
    """Whether the file is a ties store or has no tables yet. Another program's database
    is left exactly as it was (switching it to WAL would rewrite its header), to be
    refused by `schema_version`."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return not tables or "ties_meta" in tables


def _create_private(path: Path) -> None:
    """Create the file (0600) if it does not exist yet, following a symlink to where it
    points. Only ties' own data directory is created when missing: a --db or TIES_DB in a
    folder that does not exist is most likely a typo, and an empty store there would look
    like lost data."""
    from ties import config

    target = files.real(path)
    folder = target.parent
    if not folder.is_dir():
        if folder != files.real(config.data_dir()):
            raise StoreError(f"The folder {folder} does not exist, so there is no store at "
                             f"{path}. Check --db or TIES_DB for a typo, or create the folder "
                             "first.")
        try:
            files.private_dir(folder)
        except StoreError as exc:
            raise StoreError(f"{exc} Use --db or TIES_DB.") from None
    if target.exists():
        if target.is_dir():
            raise StoreError(f"{path} is a directory, not a ties store. Point --db or TIES_DB "
                             "at a file.")
        return
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"Can't create the store {path}: {exc.strerror}. Choose another place "
                         "with --db or TIES_DB.") from None
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def uri(path: Path, **params: str) -> str:
    """A sqlite `file:` URI for exactly `path`: %, # and ? in a name are encoded, so SQLite
    opens the file named and creates no other."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return Path(os.path.abspath(Path(path).expanduser())).as_uri() + (f"?{query}" if query
                                                                       else "")


def open_readonly(path: Path, timeout: float = 5) -> sqlite3.Connection:
    """Read a SQLite file without writing to it. A WAL-mode file (every ties store and
    backup) needs a -shm file beside it; on a read-only folder or disk, where SQLite can't
    make one, the file is read as immutable instead, provided no -wal file beside it holds
    changes the file itself lacks."""
    conn = sqlite3.connect(uri(path, mode="ro"), uri=True, timeout=timeout)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
        if not cannot_open(exc):
            raise
    return sqlite3.connect(uri(path, immutable="1"), uri=True, timeout=timeout)


def open_copy(path: Path) -> sqlite3.Connection:
    """Read a backup (a file no ties command writes to) without leaving anything beside it:
    with no -wal file next to it the file holds everything and is read as immutable, so
    SQLite makes no -wal or -shm there; otherwise as `open_readonly`."""
    if not Path(f"{path}-wal").exists():
        return sqlite3.connect(uri(path, immutable="1"), uri=True)
    return open_readonly(path)


def cannot_open(exc: BaseException) -> bool:
    """Whether a driver error is about the place (read-only, full, unreadable), not the
    file's contents."""
    text = str(exc).lower()
    return any(s in text for s in ("unable to open", "readonly", "read-only", "disk is full",
                                   "disk i/o", "database or disk is full"))


def translate(exc: BaseException, path: Path | str | None = None) -> StoreError:
    """Turn a driver error into a message that says what to do."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in text or "busy" in text:
        return Busy("The store is busy: another ties command kept it locked for more than "
                    f"{busy_timeout_ms() / 1000:g} s. Nothing was changed; try again.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(f"The store{where} is damaged or not a ties database. Nothing was "
                          "changed; run 'ties doctor', or restore a backup.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"The store{where} is read-only. Nothing was changed; check the file's "
                          "permissions.")
    if "full" in text:
        return StoreError("The disk is full. Nothing was changed; free some space and try again.")
    if "unable to open" in text:
        return StoreError(f"Can't open the store{where}. Check that the folder exists and is "
                          "writable, or choose another with --db.")
    if "disk i/o" in text:
        return StoreError(f"The disk reported an I/O error{where}. Nothing was changed; check "
                          "the disk, then run 'ties doctor'.")
    return StoreError(f"The store{where} refused the operation ({type(exc).__name__}). Nothing "
                      "was changed; run 'ties doctor'.")


@contextmanager
def transaction(conn, *, write: bool) -> Iterator:
    """One transaction. A write takes the write lock up front (BEGIN IMMEDIATE on SQLite,
    the store's advisory lock on PostgreSQL), so two commands at once wait for each other
    instead of failing; anything that escapes, Ctrl-C included, rolls everything back."""
    if not isinstance(conn, sqlite3.Connection):
        with conn.transaction(write=write):
            yield conn
        return
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    except sqlite3.Error as exc:
        raise translate(exc) from None
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise translate(exc) from None


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied; 0 for a blank file. Refuses foreign databases."""
    try:
        row = conn.execute(
            "SELECT value FROM ties_meta WHERE key = 'schema_version'"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
        if tables:
            raise StoreError("This SQLite file is not a ties store; ties left it untouched. "
                             "Point --db or TIES_DB at a ties store or a new file.") from None
        return 0
    return version_number(row[0]) if row else 0


def version_number(value: object) -> int:
    """The stored schema version as a number, or a one-line refusal when it was damaged."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise StoreError(f"The store's schema version is {str(value)[:30]!r}, not a number: "
                         "it was changed outside ties, which left the store untouched. Run "
                         "'ties doctor', and restore a backup ('ties restore') if that does "
                         "not explain it.") from None


def ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the store to the latest schema, in one transaction under the write lock.

    The version is read again once the lock is held, so several first runs at once
    migrate exactly once. A store with data gets a private backup first.
    """
    from ties.migrations import LATEST

    try:
        version = schema_version(conn)
        if version == LATEST:
            return
        if version > LATEST:
            raise too_new(version)
        kept = None
        try:
            with transaction(conn, write=True):
                version = schema_version(conn)
                if version < LATEST:
                    if version > 0:
                        kept = backup_before_migration(path, version)
                    migrate(conn, version)
        except BaseException:
            if kept is not None:
                kept.unlink(missing_ok=True)  # the store is as it was: the copy is surplus
            raise
        if kept is not None:
            keep_migration_backup(kept, path, version)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None


def too_new(version: int) -> StoreError:
    from ties.migrations import LATEST

    return StoreError(f"This store was written by a newer version of ties (schema {version}; "
                      f"this ties knows {LATEST}). Upgrade ties: pip install -U ties. Nothing "
                      "was changed.")


def migrate(conn, version: int) -> None:
    """Apply the migrations after `version`; the caller holds the transaction."""
    from ties.migrations import MIGRATIONS

    for step in MIGRATIONS[version:]:
        step(conn)
    conn.execute(
        "INSERT INTO ties_meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(len(MIGRATIONS)),),
    )


def _stamp() -> str:
    """Local date and time for file names: 20250314-090000."""
    return dates.now().astimezone().strftime("%Y%m%d-%H%M%S")


def backup_before_migration(path: Path, version: int) -> Path:
    """Copy the store, as it is, to a private temporary file next to it before a migration
    touches it. `keep_migration_backup` gives it its final name once the migration has
    committed; a migration that fails or is killed leaves no full-size copy behind
    (a killed one leaves the temporary file, which 'ties doctor --fix' removes: the
    store still holds everything in it)."""
    temp = files.private_temp(path.with_name(f"{path.name}.schema{version}.bak"))
    # A second connection reads the last committed state: with WAL it may read while
    # `conn` holds the write lock, so the copy is exactly what the migration starts from.
    source = sqlite3.connect(str(path))
    dest = sqlite3.connect(str(temp))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    files.fsync_file(temp)
    return temp


def keep_migration_backup(temp: Path, path: Path, version: int) -> Path:
    """Move the copy taken before a migration to a name no other copy has."""
    stamp = _stamp()
    try:
        return files.commit_unique(temp, path.parent, f"{path.name}.schema{version}-{stamp}",
                                   ".bak")
    except OSError:
        return temp  # the upgrade is done; the copy stays under its temporary name


def missing(location: Store) -> bool:
    """Whether `location` is a SQLite file that does not exist yet, or is still empty
    (following symlinks).
    A folder that does not exist is refused here, as a typo, unless it is ties' own data
    directory, which the first write creates."""
    if isinstance(location, ServerUrl):
        return False
    from ties import config

    target = files.real(location)
    if target.exists():
        return target.is_file() and target.stat().st_size == 0  # not a store yet either
    if not target.parent.is_dir() and target.parent != files.real(config.data_dir()):
        raise StoreError(f"The folder {target.parent} does not exist, so there is no store "
                         f"at {location}. Check --db or TIES_DB for a typo.")
    return True


def empty_store() -> sqlite3.Connection:
    """A new, empty store in memory: what a read command shows before the first write,
    without creating any file."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    with transaction(conn, write=True):
        migrate(conn, 0)
    return conn


def open_existing(location: Store):
    """For a command that only reads: the store, brought to the current schema, or None
    when there is none yet (a SQLite file that does not exist or is empty, a PostgreSQL
    schema without ties' tables). Nothing is created."""
    if not isinstance(location, ServerUrl):
        return None if missing(location) else open_store(location)
    from ties import pg

    conn = pg.connect(location)
    try:
        with conn.transaction(write=False):
            version = pg.schema_version(conn)
        if version == 0:
            conn.close()
            return None
        pg.ensure_schema(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def open_store(location: Store):
    """A connection to an up-to-date store: a SQLite file or a PostgreSQL database."""
    if isinstance(location, ServerUrl):
        from ties import pg

        conn, upgrade = pg.connect(location), pg.ensure_schema
    else:
        conn, upgrade = connect(location), lambda c: ensure_schema(c, location)
    try:
        upgrade(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def orm_session(conn):
    """A SQLModel session over `conn` whose transaction takes the write lock first
    (BEGIN IMMEDIATE on SQLite, the store's advisory lock on PostgreSQL).

    This is the only place SQLAlchemy meets the store; it is imported here, by the
    commands that write, and nowhere on the read paths.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import StaticPool
    from sqlmodel import Session

    if isinstance(conn, sqlite3.Connection):
        engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):  # the documented pysqlite recipe
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        engine = create_engine("postgresql+psycopg://", creator=lambda: conn.raw,
                               poolclass=StaticPool)

        # While the session holds the connection, SQLAlchemy runs its transactions; once
        # it gives it back, `conn` opens its own again (ties.pg.Connection.transaction).
        @event.listens_for(engine, "checkout")
        def _lend(dbapi_connection, record, proxy):
            dbapi_connection.autocommit = False

        @event.listens_for(engine, "checkin")
        def _return(dbapi_connection, record):
            if dbapi_connection is not None and not dbapi_connection.closed:
                dbapi_connection.rollback()
                dbapi_connection.autocommit = True

        @event.listens_for(engine, "begin")
        def _lock(connection):
            conn.lock_for_write()

    return Session(engine, expire_on_commit=False)


# Backups ------------------------------------------------------------------------------

def backup_to(store: Path, target: Path | None, *, replace: bool = False,
              label: str = "") -> tuple[Path, bool]:
    """A consistent copy of the store (SQLite's online backup reads one snapshot, so
    commands writing meanwhile neither wait long nor tear the copy), checked for integrity
    and moved into place only when complete. Without a `target` it goes to backups/ next to
    the store under a name no other backup has. An existing `target` is replaced only with
    `replace`; the live store never is. Returns the copy and whether its time could be
    recorded in the store (not on a read-only store: the copy is good all the same)."""
    if not store.is_file():
        raise StoreError(f"There is no store at {store} yet; nothing to back up.")
    if target is not None:
        target = files.real(target)
        files.refuse_store(target, store, "backup")
        if target.is_dir():
            raise StoreError(f"{target} is a folder; give a file name.")
        if not replace and os.path.lexists(target):
            raise files.Exists(f"{target} already exists; add --force to replace it. Nothing "
                               "was written.")
    folder = target.parent if target else store.parent / "backups"
    files.private_dir(folder)
    temp = files.private_temp(target or folder / f"{store.stem}.db")
    try:
        source = open_readonly(store, timeout=busy_timeout_ms() / 1000)
        dest = sqlite3.connect(str(temp))
        try:
            source.backup(dest)
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
            version = schema_version(dest)
        finally:
            dest.close()
            source.close()
        if ok != "ok":
            raise StoreError(f"The copy failed its integrity check ({ok}); nothing was kept. "
                             "Run 'ties doctor'.")
        if target is None:
            stamp = _stamp()
            target = files.commit_unique(temp, folder, f"{store.stem}{label}-{stamp}", ".db")
        else:
            files.commit(temp, target, replace=replace)
    except files.Exists:
        temp.unlink(missing_ok=True)
        raise files.Exists(f"{target} already exists; add --force to replace it. Nothing was "
                           "written.") from None
    except sqlite3.Error as exc:
        temp.unlink(missing_ok=True)
        raise translate(exc, store) from None
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreError(f"Can't write {target or folder}: {exc.strerror}. Nothing was "
                         "written.") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        Path(f"{temp}-journal").unlink(missing_ok=True)
    return target, not version or _try_record_backup(store)


def _try_record_backup(store: Path) -> bool:
    """Record the time of a backup; False when the store can't be written (read-only)."""
    try:
        conn = connect(store)
    except StoreError:
        return False
    try:
        record_backup(conn)
        return True
    except (StoreError, sqlite3.Error):
        return False
    finally:
        conn.close()


def record_backup(conn) -> None:
    """Note the time of this backup in the store, for 'ties doctor'."""
    with transaction(conn, write=True):
        conn.execute("INSERT INTO ties_meta (key, value) VALUES ('last_backup', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (dates.now().astimezone().strftime("%Y-%m-%dT%H:%M:%S"),))


def check_backup(file: Path) -> str:
    """Refuse anything that is not an intact ties store this version can read. Reads
    exactly the file named, and works on a read-only disk too."""
    from ties.migrations import LATEST

    file = file.expanduser()
    if not file.is_file():
        raise StoreError(f"There is no file {file}.")
    try:
        conn = open_copy(file)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StoreError(f"{file} is damaged ({ok}); it was not restored.")
            version = schema_version(conn)
            if version == 0:
                raise StoreError(f"{file} is an empty store; it was not restored.")
            if version > LATEST:
                raise StoreError(f"{file} was written by a newer ties (schema {version}); "
                                 "upgrade ties to restore it.")
            people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
            interactions = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if cannot_open(exc):
            raise StoreError(f"Can't read {file} ({exc}): it was not restored. Copy it to a "
                             "writable folder and restore that copy.") from None
        raise StoreError(f"{file} is not a ties store; it was not restored.") from None
    except sqlite3.Error:
        raise StoreError(f"{file} is not a ties store; it was not restored.") from None
    return f"{people} people, {interactions} interactions"


def _ids_given(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest ids a store gave out ({} for a new, empty file)."""
    return ids.last_given(conn) if schema_version(conn) else {}


def restore_from(store: Path, file: Path) -> Path | None:
    """Keep the current store as a backup under a name no other copy has, then copy `file`
    (exactly that path) into it through SQLite's backup API (other connections see the old
    or the new store, never a mix), and bring it to the current schema. The file restored
    from is a copy of the restored store, so its time is recorded as the last backup."""
    kept = None
    file = files.real(file)
    if files.store_clash(file, store):
        raise StoreError(f"{file} is your live store; restore a backup of it instead.")
    if store.is_file() and store.stat().st_size > 0:
        kept, _ = backup_to(store, None, label="-before-restore")
    source = open_copy(file)
    dest = connect(store)
    try:
        given = _ids_given(dest)
        source.backup(dest)
        ensure_schema(dest, store)
        with transaction(dest, write=True):  # ids the replaced store gave out stay used
            ids.never_below(dest, given)
        record_backup(dest)
    except sqlite3.Error as exc:
        raise translate(exc, store) from None
    finally:
        source.close()
        dest.close()
    return kept
