"""Where data lives: --db > TIES_DB > the platform's user data directory.

A store is either a SQLite file (a path, the default) or a PostgreSQL database (a
SQLAlchemy-style URL such as postgresql+psycopg://me@host/ties). A URL is kept in a
`ServerUrl`, whose str() never contains the password: whatever prints it, in a message,
in `ties path` or in `ties doctor`, prints it masked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

APP_NAME = "ties"
DB_FILENAME = "ties.db"
DEMO_FILENAME = "demo.db"

SERVER_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")


@dataclass(frozen=True)
class ServerUrl:
    """A PostgreSQL store. `str()` masks the password; `conninfo` is for the driver only."""

    url: str = field(repr=False)

    @property
    def password(self) -> str | None:
        parts = urlsplit(self.url)
        if parts.password:
            return unquote(parts.password)
        query = dict(parse_qsl(parts.query))
        return query.get("password") or None

    @property
    def database(self) -> str:
        return unquote(urlsplit(self.url).path.strip("/"))

    @property
    def is_local(self) -> bool:
        """Whether the server is on this machine (loopback or a Unix socket)."""
        parts = urlsplit(self.url)
        host = parts.hostname or dict(parse_qsl(parts.query)).get("host", "")
        return host in ("", "localhost", "127.0.0.1", "::1") or host.startswith("/")

    @property
    def conninfo(self) -> str:
        """The URL as libpq reads it (postgresql://...), password included."""
        parts = urlsplit(self.url)
        return urlunsplit(("postgresql", *parts[1:]))

    @property
    def masked(self) -> str:
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if parts.password is not None:
            user = quote(unquote(parts.username or ""), safe="")
            netloc = f"{user}:***@{netloc.rpartition('@')[2]}"
        query = "&".join(f"{k}=***" if k == "password" else f"{k}={quote(v, safe='')}"
                         for k, v in parse_qsl(parts.query, keep_blank_values=True))
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"ServerUrl({self.masked!r})"


Store = Path | ServerUrl


def is_server_url(text: str) -> bool:
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


def parse_location(text: str) -> Store:
    """A path, or a URL of a database server ties knows. Any other URL is refused."""
    from ties.errors import BadValue

    if is_server_url(text):
        url = ServerUrl(text)
        if not url.database:
            raise BadValue(f"{url} names no database; add one, as in "
                           "postgresql+psycopg://me@host/ties.")
        return url
    scheme, sep, _ = text.partition("://")
    if sep and scheme.isascii() and scheme.replace("+", "").isalnum():
        raise BadValue(f"ties can't use a {scheme}:// store; give a file path or a "
                       "postgresql+psycopg://user@host/dbname URL.")
    return Path(text).expanduser()


def data_dir() -> Path:
    """The platform's data directory for ties ($XDG_DATA_HOME/ties on Linux)."""
    import platformdirs  # only needed when no path is given

    try:
        folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))
    except RuntimeError:  # recent platformdirs: no home to be found
        folder = Path("~")
    if not folder.is_absolute():  # HOME unset and no home in the user database (a container
        # started with a bare uid): never a store relative to wherever ties runs
        from ties.errors import StoreError

        raise StoreError("ties can't tell where your data goes: HOME is not set and this user "
                         "has no home directory. Set HOME or XDG_DATA_HOME to a full path, or "
                         "choose a store with --db or TIES_DB.")
    return folder


def db_path(option: str | os.PathLike | None = None) -> Store:
    """The store to use: the --db option, else $TIES_DB, else the data directory."""
    chosen = option or os.environ.get("TIES_DB")
    if chosen:
        return parse_location(os.fspath(chosen))
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The demo store: always in the data directory, never the user's own store."""
    return data_dir() / DEMO_FILENAME
