"""Backups of a store that has no file of its own (PostgreSQL): the ties JSON export.

It holds everything a person typed into ties, and reading it back into an empty store
keeps every id, so a backup restores exactly. The server's own tools (pg_dump) back up
the whole database besides; docs/sharing.md says how.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ties.config import ServerUrl
from ties.errors import StoreError


def default_target(url: ServerUrl, label: str = "") -> Path:
    """backups/ in the data directory, named after the database and the time."""
    from ties import config

    name = url.database.replace("/", "-") or "ties"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return config.data_dir() / "backups" / f"{name}{'-' + label if label else ''}-{stamp}.json"


def write(url: ServerUrl, target: Path | None, label: str = "") -> tuple[Path, str]:
    """Export the store to `target` (0600, written whole or not at all), read it back to
    check it, and record the time in the store. Returns the file and what it holds."""
    from ties import db, exporters, files, queries, store

    target = (target or default_target(url, label)).expanduser()
    conn = db.open_store(url)
    try:
        with db.transaction(conn, write=False):  # one snapshot, however busy the store
            data = queries.export_data(conn)
        text = exporters.to_json(data, store.now())
        summary = describe(json.loads(text))
        files.private_dir(target.parent)
        files.write_private(target, text.encode("utf-8"))
        if summary != describe(json.loads(target.read_text(encoding="utf-8"))):
            raise StoreError(f"The backup {target} did not read back the same; run it again.")
        db.record_backup(conn)
    finally:
        conn.close()
    return target, summary


def read(file: Path):
    """A ties JSON export or backup, parsed for restoring; anything else is refused."""
    from ties import importers

    file = file.expanduser()
    if not file.is_file():
        raise StoreError(f"There is no file {file}.")
    data = importers.read_path(file, str(file))  # at most the import limit
    parsed = importers.read(data, str(file), "ties")  # refuses anything else
    return parsed, describe(parsed.document)


def describe(doc: dict) -> str:
    return (f"{len(doc.get('people', []))} people, "
            f"{len(doc.get('interactions', []))} interactions")
