"""Where data lives: --db > TIES_DB > the platform's user data directory.

A store is either a SQLite file (a path, the default) or a PostgreSQL database (a
SQLAlchemy-style URL such as postgresql+psycopg://me@host/ties). A URL is kept in a
`ServerUrl`, whose str() never contains the password: whatever prints it, in a message,
in `ties path` or in `ties doctor`, prints it masked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

APP_NAME = "ties"
DB_FILENAME = "ties.db"
DEMO_FILENAME = "demo.db"

SERVER_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")


# What a password looks like where it appears *as* a password. Masking only these (and
# never every occurrence of its text) matters: masking a password "e" in every word would
# spell out which letters it is made of.
_URL_PASSWORD = re.compile(  # scheme://user:PASSWORD@host (to the authority's last @)
    r"(?P<keep>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:'\"]*:)[^\s/?#]*(?=@)")
_PASSWORD_PARAMETER = re.compile(  # password=... in a URL's query or a libpq DSN
    r"(?P<keep>(?<![\w.-])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s&#'\",;)]*)",
    re.IGNORECASE)
_PASSWORD_ITEM = re.compile(  # 'password': '...' in a printed dict of connection options
    r"(?P<keep>['\"]password['\"]\s*:\s*)(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_AFTER_WORD = r"(?=$|[\s'\"`.,;:!?)\]}>])"  # the end of a token (the next is not part of it)


def hide_password(text: str, password: str | None = None) -> str:
    """`text` with every password in it shown as ***: a URL's user:password@, password=
    in a query string or connection string, and, when the password is known, a token that
    is exactly it where it is quoted ("...", '...') or follows the word password. Other
    text that happens to contain the password's characters is left alone."""
    text = _URL_PASSWORD.sub(r"\g<keep>***", text)
    text = _PASSWORD_PARAMETER.sub(r"\g<keep>***", text)
    text = _PASSWORD_ITEM.sub(r"\g<keep>'***'", text)
    if not password:
        return text
    for form in sorted({password, quote(password, safe="")}, key=len, reverse=True):
        escaped = re.escape(form)
        text = re.sub(rf"(?P<q>[\"'`]){escaped}(?P=q)", r"\g<q>***\g<q>", text)
        text = re.sub(rf"(?P<keep>\bpassword\b[\s:=]{{1,3}}){escaped}{_AFTER_WORD}",
                      r"\g<keep>***", text, flags=re.IGNORECASE)
    return text


def _raw_password(url: str) -> str | None:
    """The password as written in the URL (percent-encoded), found as libpq finds it but
    without ever raising: the last password= of the query, else the userinfo's part after
    its first ':'."""
    rest = url.partition("://")[2]
    values = [v for k, v in _query_pairs(rest.partition("?")[2].partition("#")[0])
              if unquote(k) == "password"]
    if values:
        return values[-1] or None
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    userinfo, at, _ = authority.rpartition("@")
    return (userinfo.partition(":")[2] or None) if at else None


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """A URL's parameters as written (still percent-encoded), read as libpq reads them: a
    '+' is a plus, not a space."""
    return [(k, v) for k, _, v in (pair.partition("=") for pair in query.split("&") if pair)]


@dataclass(frozen=True)
class ServerUrl:
    """A PostgreSQL store. `str()` masks the password; `conninfo` is for the driver only."""

    url: str = field(repr=False)

    @property
    def password(self) -> str | None:
        raw = _raw_password(self.url)
        return unquote(raw) if raw else None

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
        """The URL with its password as ***, and any other part (user, host, database, a
        parameter such as application_name) that is exactly the password too. Never
        raises, even for a URL that cannot be parsed."""
        secret = self.password
        try:
            parts = urlsplit(self.url)
        except ValueError:
            return hide_password(self.url, secret)

        def shown(raw: str) -> str:
            return "***" if secret and unquote(raw) == secret else raw

        userinfo, at, hostport = parts.netloc.rpartition("@")
        if at:
            user, colon, _ = userinfo.partition(":")
            userinfo = shown(user) + (":***" if colon else "")
        host, colon, port = hostport.rpartition(":") if not hostport.endswith("]") else \
            (hostport, "", "")
        if not colon or not port.isdigit():
            host, colon, port = hostport, "", ""
        netloc = f"{userinfo}{at}{shown(host)}{colon}{port}"
        path = "/" + shown(parts.path[1:]) if parts.path.startswith("/") else parts.path
        query = "&".join(f"{k}=***" if unquote(k) == "password" or shown(v) == "***" else
                         f"{k}={v}" for k, v in _query_pairs(parts.query))
        return (f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")
                + (f"#{parts.fragment}" if parts.fragment else ""))

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"ServerUrl({self.masked!r})"


Store = Path | ServerUrl


def is_server_url(text: str) -> bool:
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


FORM = "postgresql+psycopg://user@host:5432/dbname (user:password@ if it needs a password)"


def _check(url: ServerUrl) -> None:
    """Refuse, as wrong usage, a server URL that can't be read, before anything uses it."""
    from ties.core.errors import BadUrl

    shown = url.masked
    if re.search(r"[\s\x00-\x1f\x7f]", url.url):
        raise BadUrl(f"{shown} is not a valid PostgreSQL URL: it contains a space or a "
                     "control character. Write a space as %20.")
    # The authority (user:password@host:port) ends at the first / ? or #; only its last @
    # ends the user and password, and libpq would take whatever follows another @ for the
    # host. A [ or ] there is the bracket of an IPv6 host only after that @.
    authority = re.split(r"[/?#]", url.url.partition("://")[2], maxsplit=1)[0]
    userinfo = authority.rpartition("@")[0]
    if "@" in userinfo:
        raise BadUrl(f"{shown} is not a valid PostgreSQL URL: it has more than one @ before "
                     "the host. Write @ in a user name or password as %40.")
    if "[" in userinfo or "]" in userinfo:
        raise BadUrl(f"{shown} is not a valid PostgreSQL URL: write [ and ] in a user name "
                     "or password as %5B and %5D.")
    why = None
    try:
        parts = urlsplit(url.url)
    except ValueError as exc:
        if str(exc) == "Invalid IPv6 URL":
            why = "an IPv6 address must be written in [ ] with both brackets, as [::1]"
        elif "IPv6 address" in str(exc):
            why = "only an IPv6 address goes in [ ]; write a host name without them"
        else:
            why = "its host can't be read"
    else:
        for host in parts.netloc.rpartition("@")[2].split(","):  # libpq takes h1:p1,h2:p2
            port = host.rpartition("]")[2] if host.startswith("[") else host
            port = port.rpartition(":")[2] if ":" in port else ""
            if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
                why = "the port must be a number from 1 to 65535"
    if why:
        raise BadUrl(f"{shown} is not a valid PostgreSQL URL: {why}. Write it as "
                     f"{FORM}.")
    if re.search(r"%(?![0-9A-Fa-f]{2})", url.url):
        raise BadUrl(f"{shown} is not a valid PostgreSQL URL: a % must start a %XX escape. "
                     "Write a % in a password or name as %25.")
    if not url.database:
        raise BadUrl(f"{shown} names no database; add one, as in "
                     "postgresql+psycopg://me@host/ties.")


def parse_location(text: str) -> Store:
    """A path, or a URL of a database server ties knows. Any other URL is refused, as is
    a server URL that can't be read (wrong usage, exit code 2)."""
    from ties.core.errors import BadUrl

    if is_server_url(text):
        url = ServerUrl(text)
        _check(url)
        return url
    scheme, sep, _ = text.partition("://")
    if sep and scheme.isascii() and scheme.replace("+", "").isalnum():
        raise BadUrl(f"ties can't use a {scheme}:// store; give a file path or a "
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
        from ties.core.errors import StoreError

        raise StoreError("ties can't tell where your data goes: HOME is not set and this user "
                         "has no home directory. Set HOME or XDG_DATA_HOME to a full path, or "
                         "choose a store with --db or TIES_DB.")
    return folder


def db_path(option: str | os.PathLike | None = None) -> Store:
    """The store to use: the --db option, else $TIES_DB, else the data directory. An
    empty --db is a mistake (often a shell variable that was never set), not a request
    for the default store; an empty TIES_DB counts as unset."""
    if option is not None and not os.fspath(option).strip():
        from ties.core.errors import BadUrl

        raise BadUrl("--db is empty; give the store's file path or URL, or leave --db out "
                     "for your usual store.")
    chosen = option or os.environ.get("TIES_DB")
    if chosen:
        return parse_location(os.fspath(chosen))
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The demo store: always in the data directory, never the user's own store."""
    return data_dir() / DEMO_FILENAME
