"""Each test gets an empty data dir, a fixed clock and a fixed terminal."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

TODAY = "2025-03-14"  # a Friday


@pytest.fixture(autouse=True)
def ties_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIES_DB", str(tmp_path / "data" / "ties.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("TIES_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("TIES_DEBUG", raising=False)
    return tmp_path


@pytest.fixture
def db_path(ties_home: Path) -> Path:
    return ties_home / "data" / "ties.db"


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


def dump(path: Path) -> str:
    """Everything in a store, as SQL text (for before/after comparisons)."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
