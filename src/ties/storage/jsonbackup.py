"""Backups of a store that has no file of its own (PostgreSQL): the ties JSON export.

It holds everything a person typed into ties, and reading it back into an empty store
keeps every id, so a backup restores exactly. The server's own tools (pg_dump) back up
the whole database besides; docs/sharing.md says how.
"""

from __future__ import annotations

import json
from pathlib import Path

from ties.core import dates
from ties.core.errors import StoreError
from ties.storage.config import ServerUrl


def default_folder() -> Path:
    """backups/ in the data directory."""
    from ties.storage import config

    return config.data_dir() / "backups"


def prefix(url: ServerUrl) -> str:
    """How the names of a store's backups begin: the database's name and a dash."""
    return (url.database.replace("/", "-") or "ties") + "-"


def write(url: ServerUrl, target: Path | None, label: str = "", *,
          replace: bool = False) -> tuple[Path, str]:
    """Export the store to `target` (0600, written whole or not at all), read it back to
    check it, and record the time in the store. Without a `target` it goes to backups/ in
    the data directory under a name no other backup has; an existing `target` is replaced
    only with `replace`. Returns the file and what it holds."""
    from ties.formats import exporters
    from ties.storage import backend, files, queries

    conn = backend.for_store(url).open()
    try:
        with conn.transaction(write=False):  # one snapshot, however busy the store
            data = queries.export_data(conn)
        text = exporters.to_json(data, dates.now())
        summary = describe(json.loads(text))
        if target is None:
            folder = default_folder()
            name = prefix(url)[:-1]
            stamp = dates.now().astimezone().strftime("%Y%m%d-%H%M%S")
            with files.folder_for(folder):
                temp = files.private_temp(folder / f"{name}.json")
                try:
                    temp.write_bytes(text.encode("utf-8"))
                    target = files.commit_unique(
                        temp, folder, f"{name}{'-' + label if label else ''}-{stamp}", ".json")
                finally:
                    temp.unlink(missing_ok=True)
        else:
            target = files.write_private(target, text.encode("utf-8"), replace=replace)
        if summary != describe(json.loads(target.read_text(encoding="utf-8"))):
            raise StoreError(f"The backup {target} did not read back the same; run it again.")
        backend.record_backup(conn)
    finally:
        conn.close()
    return target, summary


def read(file: Path):
    """A ties JSON export or backup, parsed for restoring; anything else is refused."""
    from ties.formats import importers
    from ties.storage import files

    file = file.expanduser()
    files.file_to_read(file)
    data = importers.read_path(file, str(file))  # at most the import limit
    parsed = importers.read(data, str(file), "ties")  # refuses anything else
    return parsed, describe({"people": parsed.records, "interactions": parsed.interactions,
                             "follow_ups": parsed.follow_ups})


def restore(url: ServerUrl, parsed, source: str) -> None:
    """Empty the store and read a checked backup into it, every id kept, in one write
    transaction: all or nothing."""
    from ties.storage import backend, store

    conn = backend.for_store(url).open()
    try:
        with conn.transaction(write=True):
            session = conn.backend.session(conn)
            store.replace_everything(session, parsed, source=source)
            session.flush()
            session.close()
    finally:
        conn.close()


def describe(doc: dict) -> str:
    from ties.core.text import plural

    return (f"{plural(len(doc.get('people', [])), 'person', 'people')}, "
            f"{plural(len(doc.get('interactions', [])), 'interaction')}")
