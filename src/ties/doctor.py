"""`ties doctor`: checks on the store, each with what to do when it fails. Reads only."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from ties.config import ServerUrl
from ties.errors import TiesError

SYNC_MARKERS = ("dropbox", "icloud", "mobile documents", "onedrive", "google drive",
                "googledrive", "syncthing", "nextcloud", "owncloud", "box sync")
BACKUP_WARN_DAYS = 30


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    advice: str = ""
    warning: bool = False  # worth knowing, not an error


def run(path: Path | ServerUrl) -> list[Check]:
    from ties.db import schema_version
    from ties.migrations import LATEST

    if isinstance(path, ServerUrl):
        return _server(path)
    checks: list[Check] = []
    if not path.exists():
        return [Check("store", False, f"no store at {path}",
                      "Add someone with 'ties add' to create it, or point --db/TIES_DB at your "
                      "store.")]
    checks += _permissions(path)
    checks.append(_sync_folder(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            ok = result == [("ok",)]
            checks.append(Check("integrity", ok, "ok" if ok else "; ".join(r[0] for r in
                                                                           result[:3]),
                                "" if ok else "Restore a backup with 'ties restore', or export "
                                "what can be read with 'ties export'."))
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            checks.append(Check("foreign keys", not problems,
                                "ok" if not problems else f"{len(problems)} broken references",
                                "" if not problems else "Restore a backup with 'ties restore'."))
            try:
                version = schema_version(conn)
            except TiesError:  # a version that is not a number: changed outside ties
                row = conn.execute("SELECT value FROM ties_meta WHERE key = "
                                   "'schema_version'").fetchone()
                checks.append(Check("schema", False, f"version {str(row[0])[:30]!r} is not a "
                                    "number (changed outside ties)",
                                    "Restore a backup with 'ties restore FILE'."))
                return checks
            checks.append(Check(
                "schema", version <= LATEST,
                f"version {version} (this ties: {LATEST})",
                "" if version <= LATEST else "Upgrade ties: pip install -U ties."))
            if version == LATEST:
                checks.append(_values(conn))
            checks.append(_last_backup(conn))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        checks.append(Check("integrity", False, f"not readable as a database ({exc})",
                            "Restore a backup with 'ties restore FILE'."))
    except Exception as exc:  # noqa: BLE001  (doctor reports; it never crashes on a bad store)
        checks.append(Check("store", False, f"could not be read ({type(exc).__name__})",
                            "Check the file and its permissions."))
    return checks


# Columns that hold values ties checks on the way in, and the SQL that finds a damaged one.
_DATES = (("person", "created"), ("person", "snoozed_until"), ("person", "connected_on"),
          ("interaction", "date"), ("follow_up", "due"), ("follow_up", "created"),
          ("follow_up", "done"), ("person_stats", "first_contact"),
          ("person_stats", "last_contact"), ("person_stats", "last_gave"),
          ("person_stats", "last_received"))


def _values(conn: sqlite3.Connection) -> Check:
    """Values no ties command writes (a date that is not YYYY-MM-DD, a cadence out of
    range): made by hand or by another program, they stop the commands that read them."""
    found = []
    for table, column in _DATES:
        (n,) = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND "
                            f"date({column}) IS NOT {column}").fetchone()
        if n:
            found.append(f"{table}.{column} ({n})")
    (n,) = conn.execute("SELECT count(*) FROM person WHERE cadence_days IS NOT NULL AND NOT "
                        "(typeof(cadence_days) = 'integer' AND cadence_days BETWEEN 1 AND "
                        "3650)").fetchone()
    if n:
        found.append(f"person.cadence_days ({n})")
    if not found:
        return Check("values", True, "ok")
    return Check("values", False, "some that ties never writes (changed outside it): "
                 + ", ".join(found),
                 "Correct them with a SQLite tool (dates as YYYY-MM-DD, cadences as 1 to 3650 "
                 "days), or restore a backup with 'ties restore FILE'.")


def _server(url: ServerUrl) -> list[Check]:
    """A PostgreSQL store: reachable, ties' schema, rights to write, an encrypted
    connection when it leaves this machine, and the last backup."""
    from ties import pg
    from ties.migrations import LATEST

    try:
        conn = pg.connect(url)
    except TiesError as exc:
        return [Check("server", False, exc.message, "Start the server or fix the URL.")]
    try:
        checks = []
        version, user, schema, ssl = conn.execute(
            "SELECT current_setting('server_version'), current_user, current_schema(), "
            "coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)"
        ).fetchone()
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
            stored = pg.schema_version(conn)
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
            checks.append(_last_backup(conn))
        return checks
    except Exception as exc:  # noqa: BLE001  (doctor reports; it never crashes on a bad store)
        return [Check("server", False, pg.translate(exc, url).message)]
    finally:
        conn.close()


def _permissions(path: Path) -> list[Check]:
    out = []
    loose = []
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if f.exists() and stat.S_IMODE(f.stat().st_mode) & 0o077:
            loose.append(f"{f.name} is {stat.S_IMODE(f.stat().st_mode):o}")
    out.append(Check("file permissions", not loose, "; ".join(loose) or "private (0600)",
                     f"chmod 600 '{path}'*" if loose else ""))
    mode = stat.S_IMODE(path.parent.stat().st_mode)
    private = not (mode & 0o077)
    out.append(Check("folder permissions", private, f"{path.parent} is {mode:o}",
                     "" if private else f"If this folder is only for ties: chmod 700 "
                     f"'{path.parent}'", warning=not private))
    if not os.access(path, os.W_OK):
        out.append(Check("writable", False, "the store is read-only",
                         f"Give yourself write permission: chmod u+w '{path}'"))
    return out


def _sync_folder(path: Path) -> Check:
    lowered = str(path.resolve()).lower()
    marker = next((m for m in SYNC_MARKERS if m in lowered), None)
    if marker is None:
        for parent in path.resolve().parents:
            if (parent / ".stfolder").exists() or (parent / ".dropbox").exists():
                marker = "a synced folder"
                break
    if marker is None:
        return Check("sync folder", True, "not inside a sync folder")
    return Check("sync folder", False, f"the store is inside {marker}",
                 "Sync services copy the file without its -wal companion and can lose or "
                 "corrupt recent changes. Move it (ties --db NEWPATH restore), and sync "
                 "'ties backup' copies or a PostgreSQL store instead.")


def _last_backup(conn) -> Check:
    row = conn.execute("SELECT value FROM ties_meta WHERE key = 'last_backup'").fetchone()
    if row is None:
        return Check("last backup", False, "never", "Run 'ties backup' (and keep the copy "
                     "somewhere else).", warning=True)
    try:
        then = time.mktime(time.strptime(row[0], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return Check("last backup", False, f"unreadable date {row[0]!r}", "Run 'ties backup'.",
                     warning=True)
    days = int((time.time() - then) // 86400)
    ok = days <= BACKUP_WARN_DAYS
    return Check("last backup", ok, f"{days} days ago" if days else "today",
                 "" if ok else "Run 'ties backup'.", warning=not ok)
