"""`ties doctor`: checks on the store, each with what to do when it fails. Reads only."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from ties.storage.config import Store

SYNC_MARKERS = ("dropbox", "icloud", "mobile documents", "onedrive", "google drive",
                "googledrive", "syncthing", "nextcloud", "owncloud", "box sync")
BACKUP_WARN_DAYS = 30
FULL_BYTES = 1024 * 1024  # less free space than this counts as a full disk
LISTED = 10  # the most items a check lists; the rest are counted


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    advice: str = ""
    warning: bool = False  # worth knowing, not an error


def capped(items: list[str], sep: str, limit: int = LISTED) -> str:
    """The first `limit` of `items`, then "and N more": a line doctor prints stays short
    however much is wrong (200,000 damaged rows once made one line of 37 MB)."""
    shown = sep.join(items[:limit])
    return shown + (f"{sep}and {len(items) - limit} more" if len(items) > limit else "")


def run(location: Store) -> list[Check]:
    """Every check of the store's backend (`Backend.doctor`), in the order they run."""
    from ties.storage import backend

    return backend.for_store(location).doctor()


def _disk(path: Path) -> Check:
    """The file system under the store: writable, and not full."""
    try:
        fs = os.statvfs(path.parent)
    except OSError as exc:
        return Check("disk", False, f"can't be examined ({exc.strerror})",
                     "Check the folder and its permissions.")
    if fs.f_flag & os.ST_RDONLY:
        return Check("disk", False, "read-only: ties can read the store but not change it",
                     "Remount the disk read-write, or copy the store elsewhere and use --db.",
                     warning=True)
    free = fs.f_bavail * fs.f_frsize
    if free < FULL_BYTES:
        return Check("disk", False, f"full ({free // 1024} KB free): changes can't be saved",
                     "Free some space; your data is safe meanwhile, and nothing needs "
                     "restoring.")
    return Check("disk", True, f"{free // (1024 * 1024)} MB free")


def _leftovers(path: Path, kept_as: Callable[[Path], str | None] = lambda f: None) -> Check:
    """Temporary copies left by a backup, restore or upgrade that was killed; `kept_as`
    names the one 'doctor --fix' keeps instead (the backend's `kept_as`)."""
    from ties.storage import files

    found = files.orphans(path)
    if not found:
        return Check("leftovers", True, "none")
    size = sum(f.stat().st_size for f in found if f.exists())
    names = capped([str(f.relative_to(path.parent)) for f in found], ", ")
    kept = [f"{f.name} as {name}" for f in found if (name := kept_as(f)) is not None]
    return Check("leftovers", False,
                 f"{len(found)} temporary file{'s' if len(found) > 1 else ''} left by an "
                 f"interrupted backup, restore or upgrade ({size // 1024} KB): {names}",
                 ("'ties doctor --fix' keeps the complete copy taken before an upgrade that "
                  f"finished (the only copy from before it): {capped(kept, ', ')}; it removes "
                  "the rest, which hold nothing the store lacks." if kept else
                  "Remove them with 'ties doctor --fix'; they hold nothing the store lacks."),
                 warning=True)


def _values(conn) -> Check:
    """Values no ties command writes (a date that is not YYYY-MM-DD, a birthday month of
    13, a BLOB in a name, text in a count), made by hand or by another program: each one
    named with its table, id and field, what is wrong and how to repair it
    (`ties.storage.stored` holds the rules, the same ones the commands read values by)."""
    from ties.storage import stored

    def rows_of(table: str, key: str, columns: list[str]):
        listed = ", ".join(f'"{c}"' for c in columns)
        return conn.execute(f"SELECT {key}, {listed} FROM {table} ORDER BY {key}")

    found = stored.problems(rows_of)
    found += stored.source_problems(conn.execute(
        'SELECT s."key", s.person_id, s.interaction_id, EXISTS (SELECT 1 FROM '
        "interaction_person ip WHERE ip.interaction_id = s.interaction_id AND ip.person_id "
        '= s.person_id), s.filled FROM interaction_source s ORDER BY s.interaction_id, '
        's."key", s.person_id'))
    if not found:
        return Check("values", True, "ok")
    return Check("values", False, f"{len(found)} that ties never writes (changed outside "
                 "it): " + capped(found, "; "),
                 "Repair each as its line says: where no command can, correct it with a "
                 "SQLite tool or restore a backup with 'ties restore FILE'.")


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


def copy_name(prefix: str, suffix: str) -> re.Pattern[str]:
    """The names ties gives the copies of one store: PREFIX, 'before-restore-' when a
    restore kept it, the stamp YYYYMMDD-HHMMSS, '-N' when that name was taken, SUFFIX.
    Nothing else: 'ties-old-20250314-090000.db' is another store's ('ties-old') copy."""
    return re.compile(rf"{re.escape(prefix)}(?:before-restore-)?\d{{8}}-\d{{6}}(?:-\d+)?"
                      rf"{re.escape(suffix)}")


def newest_copy(folder: Path, prefix: str, suffix: str) -> tuple[float, Path] | None:
    """The newest backup of one store (named as `copy_name` says) in `folder`, and its
    time."""
    pattern = copy_name(prefix, suffix)
    try:
        entries = [e for e in os.scandir(folder)
                   if pattern.fullmatch(e.name) and e.is_file()]
    except OSError:
        return None
    if not entries:
        return None
    newest = max(entries, key=lambda e: e.stat().st_mtime)
    return newest.stat().st_mtime, Path(newest.path)


def _last_backup(conn, folder: Path, prefix: str, suffix: str) -> Check:
    """The newer of the backup time recorded in the store and the newest copy in
    backups/ (a restore brings back the record of the copy it came from, and a read-only
    store can't record one)."""
    row = conn.execute("SELECT value FROM ties_meta WHERE key = 'last_backup'").fetchone()
    then = None
    where = ""
    if row is not None:
        try:
            then = datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%S").timestamp()  # local
        except ValueError:
            then = None
    copy = newest_copy(folder, prefix, suffix)
    if copy is not None and (then is None or copy[0] > then):
        then, where = copy[0], f" ({copy[1].name} in {folder})"
    if then is None:
        if row is not None:
            return Check("last backup", False, f"unreadable date {row[0]!r}",
                         "Run 'ties backup'.", warning=True)
        return Check("last backup", False, "never", "Run 'ties backup' (and keep the copy "
                     "somewhere else).", warning=True)
    from ties.core import dates

    days = max(0, int((dates.now().timestamp() - then) // 86400))
    ok = days <= BACKUP_WARN_DAYS
    return Check("last backup", ok, (f"{days} days ago" if days else "today") + where,
                 "" if ok else "Run 'ties backup'.", warning=not ok)
