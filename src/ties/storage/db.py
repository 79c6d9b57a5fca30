"""The SQLite backend: a store in one file (`SqliteBackend`, see `ties.storage.backend`).

File permissions, pragmas, transactions, migrations' copies, backups, restore and
doctor's checks of the file. There is never a module-level connection or engine. Every
connection, whether used directly through the stdlib driver (the fast read paths) or
underneath SQLModel (writes), comes from `connect()` and so runs with the same pragmas
and the same transactions (`Connection`).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ties.core.errors import Busy, StoreError  # noqa: F401  (Busy: what a busy store raises)
from ties.storage import backend, dialect, files, ids
from ties.storage.backend import Backed, Restoring, busy_timeout_ms, record_backup, stamp

if TYPE_CHECKING:
    from ties.storage.doctor import Check

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
)


class Connection(sqlite3.Connection, backend.Transactions):
    """The stdlib's connection, with ties' one transaction mechanism: a write takes the
    write lock up front (BEGIN IMMEDIATE), so two commands at once wait for each other
    instead of failing; anything that escapes, Ctrl-C included, rolls it all back."""

    dialect = dialect.SQLITE
    backend: SqliteBackend

    @property
    def dbapi(self) -> sqlite3.Connection:
        """The driver's connection, for SQLAlchemy: this one."""
        return self

    def writes(self) -> int:
        """Rows changed on this connection so far (sqlite3's total_changes)."""
        return self.total_changes

    def _begin(self, write: bool) -> None:
        try:
            self.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise translate(exc) from None

    def _commit(self) -> None:
        try:
            self.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise translate(exc) from None

    def _rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")


def _driver(target: str, location: Path | None, **options) -> Connection:
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False,
                           factory=Connection, **options)
    conn.backend = SqliteBackend(location)
    return conn


def connect(path: Path) -> Connection:
    """Open (creating if needed) the store at `path`, private to the user, with WAL,
    synchronous=FULL, foreign keys and a busy timeout. Transactions are explicit."""
    _create_private(path)
    there = _beside(path)
    try:
        timeout = busy_timeout_ms()
        conn = _driver(str(path), path, timeout=timeout / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"Can't open the store at {path}: {exc}. Check --db or TIES_DB.") \
            from None
    try:
        _configure(conn, timeout)
    except sqlite3.Error as exc:
        conn.close()
        _take_back(path, there)
        raise translate(exc, path) from None
    return conn


def _configure(conn: sqlite3.Connection, timeout: int) -> None:
    """The busy timeout, the pragmas, and WAL for a ties store or a new file."""
    conn.execute(f"PRAGMA busy_timeout = {timeout}")
    for pragma in PRAGMAS:
        conn.execute(pragma)
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal" and _ours_or_new(conn):
        conn.execute("PRAGMA journal_mode = WAL")


def connect_to_read(path: Path) -> Connection:
    """For a command that only reads an existing store: a connection as `connect` opens
    it, or, where that can't write beside the file (a read-only file, folder or disk, or a
    full one), the store read without writing, through `open_readonly`'s fallback. The -wal
    and -shm files the failed attempt left behind are taken away again."""
    timeout = busy_timeout_ms()
    there = _beside(path)
    try:
        conn = _driver(str(path), path, timeout=timeout / 1000)
    except sqlite3.Error as exc:
        raise translate(exc, path) from None
    try:
        _configure(conn, timeout)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if not cannot_open(exc):
            raise translate(exc, path) from None
    _take_back(path, there)
    try:
        return open_readonly(path, timeout=timeout / 1000,
                             connector=lambda target: _driver(target, path, uri=True,
                                                              timeout=timeout / 1000))
    except sqlite3.Error as exc:
        raise translate(exc, path) from None


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
    from ties.storage import config

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


def _beside(path: Path) -> list[bool]:
    """Whether the store's -wal and -shm files exist."""
    return [Path(f"{path}{end}").exists() for end in ("-wal", "-shm")]


def _take_back(path: Path, there: list[bool]) -> None:
    """Remove the empty -wal and the -shm a failed open made beside the store where it
    could not finish them (a full or read-only place), when neither was there before: no
    connection uses them, and an empty -wal holds nothing."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if there[0] or there[1] or (wal.exists() and wal.stat().st_size > 0):
        return
    for made in (wal, shm):
        try:
            made.unlink(missing_ok=True)
        except OSError:  # a read-only place, where nothing was made either
            pass


def open_readonly(path: Path, timeout: float = 5,
                  connector=None) -> sqlite3.Connection:
    """Read a SQLite file without writing to it. A WAL-mode file (every ties store and
    backup) needs a -shm file beside it; on a read-only folder or disk, where SQLite can't
    make one, the file is read as immutable instead, provided no -wal file beside it holds
    changes the file itself lacks. `connector` opens a URI (the stdlib's plain connection
    unless given)."""
    if connector is None:
        def connector(target: str) -> sqlite3.Connection:
            return sqlite3.connect(target, uri=True, timeout=timeout)
    there = _beside(path)
    conn = connector(uri(path, mode="ro"))
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
    _take_back(path, there)
    return connector(uri(path, immutable="1"))


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
        return backend.busy()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(f"The store{where} is damaged or not a ties database. Nothing was "
                          "changed; run 'ties doctor', or restore a backup.")
    place = _place(path) if path else None
    if "full" in text or (place == "full" and ("unable to open" in text or
                                                "disk i/o" in text)):
        return StoreError("The disk is full. Nothing was changed; free some space and try again.")
    if "readonly" in text or "read-only" in text or place == "read-only" or (
            "unable to open" in text and Path(path or "").is_file()):
        return StoreError(f"The store{where} is read-only. Nothing was changed; check the file's "
                          "permissions, and its folder's.")
    if "unable to open" in text:
        return StoreError(f"Can't open the store{where}. Check that the folder exists and is "
                          "writable, or choose another with --db.")
    if "disk i/o" in text:
        return StoreError(f"The disk reported an I/O error{where}. Nothing was changed; check "
                          "the disk, then run 'ties doctor'.")
    return StoreError(f"The store{where} refused the operation ({type(exc).__name__}). Nothing "
                      "was changed; run 'ties doctor'.")


def _place(path: Path | str) -> str | None:
    """"full" or "read-only" when the file system under the store is (as `ties doctor`
    judges it), else None."""
    from ties.storage.doctor import FULL_BYTES

    try:
        fs = os.statvfs(Path(path).parent)
    except (OSError, ValueError):
        return None
    if fs.f_flag & os.ST_RDONLY:
        return "read-only"
    return "full" if fs.f_bavail * fs.f_frsize < FULL_BYTES else None


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
    try:
        return files.commit_unique(temp, path.parent, f"{path.name}.schema{version}-{stamp()}",
                                   ".bak")
    except OSError:
        return temp  # the upgrade is done; the copy stays under its temporary name


def missing(location: Path) -> bool:
    """Whether `location` is a SQLite file that does not exist yet, or is still empty
    (following symlinks).
    A folder that does not exist is refused here, as a typo, unless it is ties' own data
    directory, which the first write creates."""
    from ties.storage import config

    target = files.real(location)
    if target.exists():
        return target.is_file() and target.stat().st_size == 0  # not a store yet either
    if not target.parent.is_dir() and target.parent != files.real(config.data_dir()):
        raise StoreError(f"The folder {target.parent} does not exist, so there is no store "
                         f"at {location}. Check --db or TIES_DB for a typo.")
    return True


def memory_store() -> Connection:
    """A new, empty store in memory: what a read command shows before the first write,
    without creating any file."""
    conn = _driver(":memory:", None)
    conn.execute("PRAGMA foreign_keys = ON")
    with conn.transaction(write=True):
        backend.migrate(conn, 0)
    return conn


# For callers that hold a location or a connection: the backend decides. ---------------

def open_store(location):
    """A connection to an up-to-date store, whichever its backend (`Backend.open`)."""
    return backend.for_store(location).open()


def open_existing(location):
    """`Backend.open_existing` of the store at `location`."""
    return backend.for_store(location).open_existing()


def orm_session(conn):
    """A SQLModel session over `conn`, in its transaction (`Backend.session`)."""
    return conn.backend.session(conn)


def transaction(conn, *, write: bool):
    """`conn`'s one transaction (`backend.Transactions`)."""
    return conn.transaction(write=write)


def schema_version(conn) -> int:
    return conn.backend.schema_version(conn)


def ensure_schema(conn, path: Path | None = None) -> None:
    conn.backend.ensure_schema(conn)


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
    with files.folder_for(folder):
        temp = files.private_temp(target or folder / f"{store.stem}.db")
        try:
            source = open_readonly(store, timeout=busy_timeout_ms() / 1000)
            dest = sqlite3.connect(str(temp))
            try:
                source.backup(dest)
                ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
                version = SqliteBackend(None).schema_version(dest)
            finally:
                dest.close()
                source.close()
            if ok != "ok":
                raise StoreError(f"The copy failed its integrity check ({ok}); nothing was kept. "
                                 "Run 'ties doctor'.")
            if target is None:
                target = files.commit_unique(temp, folder, f"{store.stem}{label}-{stamp()}", ".db")
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
    return target, "" if not version else _try_record_backup(store)


def _try_record_backup(store: Path) -> str:
    """Record the time of a backup: "" when it was, else why the store can't be written
    ("read-only" or "on a full disk")."""
    there = _beside(store)
    try:
        conn = connect(store)
    except StoreError as exc:
        _take_back(store, there)
        return _why_unwritable(exc, store)
    try:
        record_backup(conn)
        return ""
    except StoreError as exc:
        return _why_unwritable(exc, store)
    except sqlite3.Error as exc:
        return _why_unwritable(translate(exc, store), store)
    finally:
        conn.close()


def _why_unwritable(exc: StoreError, store: Path) -> str:
    full = "disk is full" in str(exc) or _place(store) == "full"
    return "on a full disk" if full else "read-only"


def check_backup(file: Path) -> str:
    """Refuse anything that is not an intact ties store this version can read. Reads
    exactly the file named, and works on a read-only disk too."""
    from ties.storage.migrations import LATEST

    file = file.expanduser()
    files.file_to_read(file)
    try:
        conn = open_copy(file)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise StoreError(f"{file} is damaged ({ok}); it was not restored.")
            version = SqliteBackend(None).schema_version(conn)
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
    from ties.core.text import plural

    return f"{plural(people, 'person', 'people')}, {plural(interactions, 'interaction')}"


def _ids_given(conn: Connection) -> dict[str, int]:
    """The highest ids a store gave out ({} for a new, empty file)."""
    return ids.last_given(conn) if conn.backend.schema_version(conn) else {}


def restore_from(store: Path, file: Path) -> tuple[Path | None, bool]:
    """Replace the store with the backup `file` (exactly that path), keeping the current
    store under a name no other copy has.

    The restored store is made whole first, in a private temporary file beside the store:
    copied from `file`, brought to the current schema, its id counters raised past every id
    the replaced store gave out, the backup's time recorded. Only then does it replace the
    store, in one step: through SQLite's backup API, one transaction (other connections see
    the old or the new store, never a mix), or, for a damaged store that SQLite can't copy,
    by an atomic rename once the damaged file (and its -wal) is kept byte for byte. An
    interrupt before that step changes nothing; after it, the restore is whole.

    Returns where the replaced store is kept (None: there was none) and whether it was
    damaged."""
    file = files.real(file)
    if files.store_clash(file, store):
        raise StoreError(f"{file} is your live store; restore a backup of it instead.")
    state = _restore_target(store, file)
    given = _ids_given_by(store) if state != "new" else {}
    temp = files.private_temp(store)
    try:
        _build_restored(temp, file, given)
        if state == "new":
            with held_back_interrupts():
                files.commit(temp, store)
            return None, False
        if state == "damaged":
            with held_back_interrupts():
                kept = _set_aside(store)
                files.commit(temp, store)
            return kept, True
        kept, _ = backup_to(store, None, label="-before-restore")
        source = sqlite3.connect(str(temp))
        dest = connect(store)
        try:
            with held_back_interrupts():
                source.backup(dest)
        except sqlite3.Error as exc:
            raise translate(exc, store) from None
        finally:
            source.close()
            dest.close()
        return kept, False
    finally:
        for suffix in files.STORE_COMPANIONS:
            Path(f"{temp}{suffix}").unlink(missing_ok=True)


@contextmanager
def held_back_interrupts() -> Iterator[None]:
    """Ctrl-C held back while the one step that puts a restored store in place runs: once
    it has begun, it finishes, so 'Interrupted. Nothing was changed.' is never said of a
    store that was replaced (SQLite's backup API returns whole, and an interrupt raised
    after it would be reported as nothing done). A Ctrl-C in that moment is dropped: the
    restore it would have stopped is complete."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _folder_lock(folder: Path, *, exclusive: bool) -> Iterator[None]:
    """flock on the folder itself (no lock file is created), waited for as long as a
    write lock (`busy_timeout_ms`)."""
    import fcntl
    import time

    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield  # a folder that can't be opened: the store's own errors say why
        return
    try:
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        deadline = time.monotonic() + busy_timeout_ms() / 1000
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise backend.busy() from None
                time.sleep(0.005)
            except OSError:  # a file system without flock: no turns to take
                break
        yield
    finally:
        os.close(fd)


def _build_restored(temp: Path, file: Path, given: dict[str, int]) -> None:
    source = open_copy(file)
    try:
        dest = sqlite3.connect(str(temp))
        try:
            source.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise translate(exc, file) from None
    finally:
        source.close()
    conn = connect(temp)
    try:
        conn.backend = _Rebuilding(temp)
        conn.backend.ensure_schema(conn)
        with conn.transaction(write=True):  # ids the replaced store gave out stay used
            session = conn.backend.session(conn)
            ids.never_below(session, given)
            session.close()
        record_backup(conn)
    except sqlite3.Error as exc:
        raise translate(exc, file) from None
    finally:
        conn.close()
    files.fsync_file(temp)


def _restore_target(store: Path, file: Path) -> str:
    """What a restore replaces: "new" (no store, or an empty file), "store" (a ties store
    SQLite reads), or "damaged" (a ties store SQLite can no longer read whole). Anything
    else, another program's database or a file that is no database at all, is refused:
    a restore never replaces what is not a ties store."""
    target = files.real(store)
    if not target.exists() or (target.is_file() and target.stat().st_size == 0):
        return "new"
    if target.is_dir():
        raise StoreError(f"{store} is a folder, not a ties store; nothing was restored. "
                         "Restore into a new file instead: ties --db NEW.db restore FILE.")
    try:
        conn = open_readonly(target, timeout=busy_timeout_ms() / 1000)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "ties_meta" not in tables:
                if tables:
                    raise _not_ours(store, "it is another program's SQLite database", file)
                return "new"
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if not _damage(exc):
            raise translate(exc, store) from None
        if _looks_like_sqlite(target) or _mentions_ties(target):
            return "damaged"
        raise _not_ours(store, "it is not a SQLite database", file) from None
    return "store" if ok == "ok" else "damaged"


def _damage(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("not a database", "malformed", "corrupt"))


def _mentions_ties(path: Path) -> bool:
    """Whether the file holds ties' own table name: a ties store whose header was
    overwritten still does (its schema is on page 1); a text file named by mistake
    does not."""
    try:
        with open(path, "rb") as f:
            return b"ties_meta" in f.read(1 << 20)
    except OSError:
        return False


def _not_ours(store: Path, what: str, file: Path) -> StoreError:
    return StoreError(f"{store} is not a ties store ({what}), so restore won't replace it; "
                      "nothing was changed. To restore into a new file, run: "
                      f"ties --db NEW.db restore {file}")


def _ids_given_by(store: Path) -> dict[str, int]:
    """The highest ids the store gave out, read as well as a damaged store allows
    ({} when nothing can be read). A store whose header was overwritten is read from a
    copy with SQLite's header text put back."""
    target = files.real(store)
    if _looks_like_sqlite(target):
        return _read_ids(target)
    copy = files.private_temp(target.with_name(f"{target.name}.ids"))
    try:
        with open(target, "rb") as src, open(copy, "wb") as dst:
            src.read(16)
            dst.write(b"SQLite format 3\x00")
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        wal = Path(f"{target}-wal")
        if wal.exists():
            with open(wal, "rb") as src, open(f"{copy}-wal", "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
        return _read_ids(copy)
    except OSError:
        return {}
    finally:
        for suffix in files.STORE_COMPANIONS:
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


def _read_ids(path: Path) -> dict[str, int]:
    try:
        conn = open_readonly(path, timeout=busy_timeout_ms() / 1000)
    except sqlite3.Error:
        return {}
    given: dict[str, int] = {}
    try:
        for kind in ids.TABLES:
            try:
                given.update(ids.last_given(conn, (kind,)))
            except sqlite3.Error:  # that table is damaged; the others may be read
                continue
    finally:
        conn.close()
    return given


def _set_aside(store: Path) -> Path:
    """Keep a damaged store, byte for byte and with its -wal, in backups/ under a
    before-restore name no other copy has (hard links: the store's own name stays in place
    until the restored one replaces it). Its -wal and -shm go from beside the store, so the
    restored store starts without them."""
    target = files.real(store)
    folder = target.parent / "backups"
    files.private_dir(folder)
    stem = f"{target.stem}-before-restore-{stamp()}"
    n = 1
    while True:
        kept = folder / (f"{stem}.db" if n == 1 else f"{stem}-{n}.db")
        try:
            os.link(target, kept)
        except FileExistsError:
            n += 1
            continue
        break
    wal = Path(f"{target}-wal")
    if wal.exists():
        os.link(wal, Path(f"{kept}-wal"))
    files.fsync_dir(folder)
    wal.unlink(missing_ok=True)
    Path(f"{target}-shm").unlink(missing_ok=True)
    return kept


# Doctor -------------------------------------------------------------------------------

def doctor_checks(path: Path) -> list[Check]:
    """doctor's checks of a store file: its permissions, disk, sync folder, leftovers,
    then SQLite's own integrity and foreign-key checks, the schema, the values and the
    last backup."""
    from ties.core.errors import TiesError
    from ties.storage import doctor
    from ties.storage.doctor import Check
    from ties.storage.migrations import LATEST

    checks: list[Check] = []
    if not path.exists():
        return [Check("store", False, f"no store at {path}",
                      "Add someone with 'ties add' to create it, or point --db/TIES_DB at your "
                      "store.")]
    checks += doctor._permissions(path)
    checks.append(doctor._disk(path))
    checks.append(doctor._sync_folder(path))
    checks.append(doctor._leftovers(path, SqliteBackend(path).kept_as))
    try:
        conn = open_readonly(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            ok = result == [("ok",)]
            checks.append(Check("integrity", ok, "ok" if ok else doctor.capped(
                                    [r[0] for r in result], "; "),
                                "" if ok else "Restore a backup with 'ties restore', or export "
                                "what can be read with 'ties export'."))
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            checks.append(Check("foreign keys", not problems,
                                "ok" if not problems else f"{len(problems)} broken references",
                                "" if not problems else "Restore a backup with 'ties restore'."))
            try:
                version = SqliteBackend(None).schema_version(conn)
            except TiesError as exc:  # changed outside ties: not a number, or gone
                row = conn.execute("SELECT value FROM ties_meta WHERE key = "
                                   "'schema_version'").fetchone()
                detail = (f"version {str(row[0])[:30]!r} is not a version ties writes "
                          "(changed outside ties)" if row else exc.message.split(";")[0])
                checks.append(Check("schema", False, detail,
                                    "Restore a backup with 'ties restore FILE'."))
                return checks
            checks.append(Check(
                "schema", version <= LATEST,
                f"version {version} (this ties: {LATEST})",
                "" if version <= LATEST else "Upgrade ties: pip install -U ties."))
            if version == LATEST:
                checks.append(doctor._values(conn))
            checks.append(doctor._last_backup(conn, path.parent / "backups", f"{path.stem}-",
                                             ".db"))
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if not cannot_open(exc):
            checks.append(Check("store", False, f"could not be read ({exc})",
                                "Run 'ties doctor' again in a moment; if this persists, "
                                "check the file and its folder."))
        else:
            checks.append(Check(
                "store", False, f"could not be opened to check it ({exc}); "
                + ("the file itself looks like a SQLite database"
                   if _looks_like_sqlite(path) else "the file is not a SQLite database"),
                "This is about the place, not your data: free some disk space, or make the "
                "folder writable, then run 'ties doctor' again. Don't restore a backup over "
                "the store: it may hold changes the backup lacks."))
    except sqlite3.DatabaseError as exc:
        checks.append(Check("integrity", False, f"not readable as a database ({exc})",
                            "Keep this file (copy it somewhere safe), then restore a backup "
                            "with 'ties restore FILE'."))
    except Exception as exc:  # noqa: BLE001  (doctor reports; it never crashes on a bad store)
        checks.append(Check("store", False, f"could not be read ({type(exc).__name__})",
                            "Check the file and its permissions."))
    return checks


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


# The backend --------------------------------------------------------------------------

def _lenient(type_class):
    """`type_class` whose result parser reads a value that is no date or time as None."""

    class Lenient(type_class):
        def result_processor(self, dialect, coltype):
            parse = super().result_processor(dialect, coltype)
            if parse is None:
                return None

            def read(value):
                try:
                    return parse(value)
                except (ValueError, TypeError):
                    return None
            return read

    Lenient.__name__ = f"Lenient{type_class.__name__}"
    return Lenient


class SqliteBackend(backend.Backend):
    """A store in one SQLite file (or none yet: `location` None for errors and copies)."""

    sqlalchemy_url = "sqlite://"

    def __init__(self, location: Path | None):
        super().__init__(location)
        self.live_file = location

    def connect(self) -> Connection:
        return connect(self.location)

    def connect_to_read(self) -> Connection:
        return connect_to_read(self.location)

    def read_damage_as_missing(self, dialect) -> None:
        # SQLite holds any value in a DATE or DATETIME column; SQLAlchemy's parser raises
        # on one that is not a date. Each is read through a parser that gives None instead.
        from sqlalchemy import types

        dialect.colspecs = {**dialect.colspecs,
                            types.Date: _lenient(dialect.colspecs[types.Date]),
                            types.DateTime: _lenient(dialect.colspecs[types.DateTime])}

    def connect_for_completion(self) -> sqlite3.Connection | None:
        if not self.location.is_file():
            return None
        return sqlite3.connect(uri(self.location, mode="ro"), uri=True, timeout=1)

    def exists(self) -> bool:
        return not missing(self.location)

    def has_ties_tables(self, conn) -> bool:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                 "AND name = 'ties_meta'").fetchone()[0])

    def has_other_tables(self, conn) -> bool:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                 ).fetchone()[0])

    def foreign(self) -> StoreError:
        return StoreError("This SQLite file is not a ties store; ties left it untouched. "
                          "Point --db or TIES_DB at a ties store or a new file.")

    def before_migration(self, version: int) -> Path:
        return backup_before_migration(self.location, version)

    def after_migration(self, kept: Path, version: int) -> None:
        keep_migration_backup(kept, self.location, version)

    def is_error(self, exc: BaseException) -> bool:
        return isinstance(getattr(exc, "orig", None) or exc, sqlite3.Error)

    def translate(self, exc: BaseException) -> StoreError:
        return translate(getattr(exc, "orig", None) or exc, self.location)

    def backup(self, target: Path | None, *, replace: bool = False) -> Backed:
        path, unwritable = backup_to(self.location, target, replace=replace)
        if not unwritable:
            return Backed(path, f"Backed up to {path} (integrity checked).")
        counted = path.parent == files.real(self.location).parent / "backups"
        return Backed(path, f"Backed up to {path} (integrity checked). The store is {unwritable}, "
                      "so the time of this backup could not be noted in it" + (
                          ": 'ties doctor' goes by the copies in backups/ instead." if counted
                          else "; 'ties doctor' will not know of this copy."))

    def check_restore(self, file: Path) -> Restoring:
        summary = check_backup(file)
        return Restoring(file, summary, f"Replace your store ({self.location}) with {file} "
                         f"({summary})? Your current store is backed up first.")

    def restore(self, restoring: Restoring) -> str:
        kept, damaged = restore_from(self.location, restoring.file)
        if kept is None:
            return ""
        if damaged:
            return (f"Your previous store was damaged; it is kept as it was, byte for byte, "
                    f"at {kept}.")
        return f"Your previous store is kept at {kept}."

    def leftovers(self) -> list[Path]:
        return files.orphans(self.location)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A write command on a store that is not there yet creates it, and a refused one
        (or one interrupted) removes it again, with any folder it made, so a typo or a
        refusal leaves nothing that looks like an empty store. Creating and removing hold
        an exclusive lock on the store's folder (flock), and every other write command a
        shared one while it has the store open: no command can be writing into a new store
        that a refused one removes, and several first runs at once take turns."""
        target = files.real(self.location)
        while True:
            if not missing(self.location):
                with _folder_lock(target.parent, exclusive=False):
                    if not missing(self.location):
                        yield
                        return
                continue  # removed by a refused first write meanwhile: create it
            made = [] if target.parent.is_dir() else files.private_dir(target.parent)
            try:
                with _folder_lock(target.parent, exclusive=True):
                    if not missing(self.location):
                        made = []  # another first run created it: an ordinary write
                        yield
                        return
                    empty_file = target.is_file()  # yours, 0 bytes: left as it was
                    try:
                        yield
                    except BaseException:
                        for suffix in files.STORE_COMPANIONS[1:]:
                            Path(f"{target}{suffix}").unlink(missing_ok=True)
                        if empty_file:
                            os.truncate(target, 0)
                        else:
                            target.unlink(missing_ok=True)
                        raise
                    made = []
                    return
            finally:
                for each in reversed(made):
                    try:
                        os.rmdir(each)
                    except OSError:
                        break

    def kept_as(self, leftover: Path) -> str | None:
        stem = upgrade_copy_name(self.location, leftover)
        return None if stem is None else f"{stem}.bak"

    def keep(self, leftover: Path) -> Path:
        kept = keep_upgrade_copy(self.location, leftover)
        if kept is None:
            raise StoreError(f"{leftover} is no longer a complete copy; nothing was kept.")
        return kept

    def doctor(self) -> list[Check]:
        return doctor_checks(self.location)


class _Rebuilding(SqliteBackend):
    """A restored store being made in its temporary file: the backup it comes from is the
    copy from before any upgrade, so none is taken."""

    def before_migration(self, version: int) -> Path | None:
        return None


# A complete copy an upgrade left under its temporary name -----------------------------

_UPGRADE_COPY = re.compile(r"\.(?P<name>.+)\.schema(?P<version>\d+)\.bak\.\d+\.tmp")


def upgrade_copy_name(store: Path, leftover: Path) -> str | None:
    """The name an upgrade would have given `leftover`, when it is the complete copy of
    the store taken before an upgrade that committed and was then killed before naming
    it (without it, that upgrade would end with no copy); None for anything else: a
    partial copy, or one of an upgrade that never committed (the store still holds all
    of it)."""
    match = _UPGRADE_COPY.fullmatch(leftover.name)
    if match is None or match["name"] != store.name or leftover.parent != store.parent:
        return None
    version = int(match["version"])
    for companion in ("-journal", "-wal"):
        if Path(f"{leftover}{companion}").exists():  # the copy was still being written
            return None
    try:
        copy = sqlite3.connect(uri(leftover, immutable="1"), uri=True)
        try:
            whole = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            copied = SqliteBackend(None).schema_version(copy)
        finally:
            copy.close()
        conn = open_readonly(store)
        try:
            now = SqliteBackend(None).schema_version(conn)
        finally:
            conn.close()
    except (sqlite3.Error, StoreError):
        return None
    if not whole or copied != version or now <= version:
        return None
    from datetime import datetime

    made = datetime.fromtimestamp(leftover.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    return f"{store.name}.schema{version}-{made}"


def keep_upgrade_copy(store: Path, leftover: Path) -> Path | None:
    """Give a complete copy from before an upgrade (`upgrade_copy_name`) the name the
    upgrade would have given it, never over another copy; None if it is not one."""
    stem = upgrade_copy_name(store, leftover)
    if stem is None:
        return None
    return files.commit_unique(leftover, store.parent, stem, ".bak")
