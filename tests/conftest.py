"""Each test gets an empty store, a fixed clock and a fixed terminal.

The store is a SQLite file in a temporary data dir; when TIES_TEST_POSTGRES_URL names a
PostgreSQL database, it is instead a new schema of that database, made for the test and
dropped after it, and the whole suite runs against PostgreSQL. Tests about the SQLite
file itself (permissions, pragmas, file backups, migrations of SQLite fixtures) are
marked `sqlite_only` and are skipped there, with that reason.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import typer.testing
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

from ties.storage.config import ServerUrl

TODAY = "2025-03-14"  # a Friday
POSTGRES_URL = os.environ.get("TIES_TEST_POSTGRES_URL", "")
BACKEND = "postgresql" if POSTGRES_URL else "sqlite"

Store = Path | ServerUrl


# Typer turns the app into a click command from every command function's signature and
# type hints on each CliRunner.invoke: seven-eighths of an in-process command's CPU time,
# and most of the everyday suite's. The app never changes while the suite runs, so it is
# built once per app (test_startup.py checks that this still holds).
typer.testing._get_command = functools.cache(typer.testing._get_command)


# Every hypothesis test draws the same examples on every run and every machine: the seed
# comes from the test's own source (not its path, the clock or the example database), and
# nothing depends on how fast the machine is (no deadline, no "too slow" health check),
# so CI fails only where a laptop fails. HYPOTHESIS_PROFILE=explore draws new examples on
# each run, remembers failures in .hypothesis/, and brings the deadline back
# (docs/testing.md).
settings.register_profile(
    "deterministic", derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "deterministic")


def load_every_ties_module() -> None:
    """Import every module of ties, before any test runs.

    Hypothesis also draws now and then from the literals (strings and numbers) written in
    the project's modules that are loaded at that moment (not in tests/ or installed
    packages). ties imports most modules inside its commands, so which are loaded depends
    on which tests ran before: the same seed drew other examples alone than in a long
    combined run, and the deep lifecycle test failed only in the latter. With every module
    loaded first, the literals are the same whatever runs, in whatever order."""
    import importlib
    import pkgutil

    import ties

    for module in pkgutil.walk_packages(ties.__path__, "ties."):
        importlib.import_module(module.name)


load_every_ties_module()
LOADED_FIRST = frozenset(sys.modules)  # what every test starts with (test_suite.py)


def pytest_report_header(config) -> str:
    where = str(ServerUrl(POSTGRES_URL)) if POSTGRES_URL else "a SQLite file per test"
    return f"ties stores: {BACKEND} ({where})"


def pytest_collection_modifyitems(config, items) -> None:
    if BACKEND == "sqlite":
        return
    skip = pytest.mark.skip(reason="about the SQLite file itself; TIES_TEST_POSTGRES_URL is set")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def server_store(schema: str) -> ServerUrl:
    """TIES_TEST_POSTGRES_URL with the search path set to `schema`: a store of its own."""
    sep = "&" if "?" in POSTGRES_URL else "?"
    return ServerUrl(f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ServerUrl(POSTGRES_URL).conninfo, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def server_schema(prefix: str = "t") -> Iterator[ServerUrl]:
    """A new, empty schema of the test database as a store, dropped afterwards."""
    schema = f"{prefix[:8]}_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE SCHEMA {schema}")
    try:
        yield server_store(schema)
    finally:
        _admin(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(autouse=True)
def ties_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TIES_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("TIES_DEBUG", raising=False)
    if BACKEND == "sqlite":
        (tmp_path / "data").mkdir(mode=0o700)  # --db in a missing folder is refused
        monkeypatch.setenv("TIES_DB", str(tmp_path / "data" / "ties.db"))
        yield tmp_path
        return
    with server_schema() as store:
        monkeypatch.setenv("TIES_DB", store.url)
        yield tmp_path


_BUILT: dict[str, bytes] = {}


def built_store(key: str, store: Store, build: Callable[[], object]) -> None:
    """Fill the test's empty `store` by calling `build()` (which runs ties commands).

    On SQLite the result of the first build under `key` is kept and copied into each later
    test's store instead, when the build left nothing but the store file (no -wal, no
    backups); fixtures that set up the same store for many tests take a file copy rather
    than a dozen commands each. On PostgreSQL, or when the build leaves more behind, it
    runs every time. Give each distinct build its own key."""
    fresh = isinstance(store, Path) and not store.exists()
    if fresh and key in _BUILT:
        store.write_bytes(_BUILT[key])
        store.chmod(0o600)  # as ties creates it
        return
    build()
    if fresh and [p.name for p in store.parent.iterdir()] == [store.name]:
        _BUILT[key] = store.read_bytes()


@pytest.fixture
def db_path(ties_home: Path) -> Store:
    """The test's store: a SQLite file's path, or (on PostgreSQL) its URL."""
    if BACKEND == "sqlite":
        return ties_home / "data" / "ties.db"
    return ServerUrl(os.environ["TIES_DB"])


Ties = Callable[..., Result]


@pytest.fixture
def ties() -> Ties:
    """Run the real Typer app: ties("add", "Ana") -> Result (exit_code, stdout, stderr)."""
    from ties.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None, **env: str) -> Result:
        return runner.invoke(app, list(args), input=input, env=env or None,
                             catch_exceptions=False)

    return run


def run_ties(*args: str, env: dict | None = None, input: str | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ties as a real process (python -m ties) with the test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "ties", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, input=input, timeout=timeout,
    )


def dump(store: Store) -> str:
    """Everything in a store, schema and rows, as text (for before/after comparisons)."""
    if isinstance(store, ServerUrl):
        return _server_dump(store)
    conn = sqlite3.connect(store)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def snapshot(store: Store) -> bytes | str:
    """The strictest 'unchanged' a store allows: a SQLite file's bytes, else its dump."""
    return store.read_bytes() if isinstance(store, Path) else dump(store)


def _server_dump(store: ServerUrl) -> str:
    from ties.storage import pg

    conn = pg.connect(store)
    try:
        out = []
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM "
            "information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position").fetchall()
        out += [repr(c) for c in columns]
        for table in sorted({c[0] for c in columns}):
            out += [f"{table}: {r!r}" for r in
                    conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()]
        return "\n".join(out)
    finally:
        conn.close()


def rows(store: Store, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows a query gives on the store (through ties' own driver on PostgreSQL, so
    the same ? parameters work, with dates as text and flags as 0/1)."""
    if isinstance(store, ServerUrl):
        from ties.storage import pg

        conn = pg.connect(store)
        try:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()
    conn = sqlite3.connect(store)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def execute(store: Store, sql: str, params: tuple = ()) -> None:
    """Change a store behind ties' back (as an old version or a hand edit might)."""
    if isinstance(store, ServerUrl):
        from ties.storage import pg

        conn = pg.connect(store)
        try:
            conn.execute(sql, params).close()
        finally:
            conn.close()
        return
    conn = sqlite3.connect(store)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


@contextmanager
def holding_write_lock(store: Store) -> Iterator:
    """Another command's write transaction, held open: yields its connection."""
    if isinstance(store, ServerUrl):
        from ties.storage import pg

        conn = pg.connect(store)
        try:
            with conn.transaction(write=True):
                yield conn
                raise _Release
        except _Release:
            pass
        finally:
            conn.close()
        return
    conn = sqlite3.connect(store, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


class _Release(Exception):
    """Ends a held transaction by rolling it back."""


@contextmanager
def fresh_store(tmp_path_factory, name: str) -> Iterator[Store]:
    """Another empty store on the suite's backend (for each example of a property test)."""
    if BACKEND == "sqlite":
        yield tmp_path_factory.mktemp(name) / f"{name}.db"
        return
    with server_schema(name) as store:
        yield store
