"""Where data lives: --db > TIES_DB > the platform's user data directory."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ties"
DB_FILENAME = "ties.db"
DEMO_FILENAME = "demo.db"


def data_dir() -> Path:
    """The platform's data directory for ties ($XDG_DATA_HOME/ties on Linux)."""
    import platformdirs  # only needed when no path is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def db_path(option: str | os.PathLike | None = None) -> Path:
    """The store to use: the --db option, else $TIES_DB, else the data directory."""
    chosen = option or os.environ.get("TIES_DB")
    if chosen:
        return Path(chosen).expanduser()
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The demo store: always in the data directory, never the user's own store."""
    return data_dir() / DEMO_FILENAME
