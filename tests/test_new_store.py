"""A write command refused on a store that is not there yet creates nothing: no file, no
folder, so the next read still says there is no store (issue 11, point 6)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import rows

pytestmark = pytest.mark.sqlite_only

REFUSED = [
    ("log", "ana"),
    ("import", "--undo"),
    ("done", "1"),
    ("add", "Ana", "--email", "not an address"),
    ("edit", "ana", "--name", "Bo"),
    ("rm", "ana", "--yes"),
    ("follow-up", "ana", "a promise"),
    ("snooze", "ana", "--until", "2025-04-01"),
    ("unsnooze", "ana"),
    ("archive", "ana"),
    ("unarchive", "ana"),
    ("merge", "ana", "bo", "--yes"),
    ("interaction", "rm", "1", "--yes"),
    ("interaction", "edit", "1", "--note", "x"),
    ("config", "cadence.tactical", "abc"),
    ("import", "missing.csv"),
    ("doctor", "--fix", "--yes"),
]


@pytest.mark.parametrize("command", REFUSED, ids=" ".join)
def test_a_refused_write_on_a_missing_store_creates_nothing_regression_empty_store(
        ties, tmp_path, command):
    """Regression: 'ties --db x.db log ana' was refused but left an empty x.db, after which
    'ties --db x.db list' no longer said there was no store."""
    store = tmp_path / "here" / "x.db"
    store.parent.mkdir()
    result = ties("--db", str(store), *command)
    assert result.exit_code == 1, result.stderr
    assert list(store.parent.iterdir()) == [], result.stderr
    listed = ties("--db", str(store), "list")
    assert listed.stderr.startswith(f"There is no store at {store} yet")


def test_a_refused_first_write_creates_no_data_folder(ties, tmp_path, monkeypatch):
    monkeypatch.delenv("TIES_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert ties("log", "ana").exit_code == 1
    assert not (tmp_path / "xdg").exists()
    assert ties("add", "Ana", "--no-log").exit_code == 0
    assert (tmp_path / "xdg" / "ties" / "ties.db").is_file()


def test_a_refused_write_leaves_an_empty_file_you_made_as_it_was(ties, tmp_path):
    store = tmp_path / "here" / "x.db"
    store.parent.mkdir()
    store.touch()
    assert ties("--db", str(store), "log", "ana").exit_code == 1
    assert sorted(p.name for p in store.parent.iterdir()) == ["x.db"]
    assert store.stat().st_size == 0


def test_a_write_that_succeeds_creates_the_store(ties, tmp_path):
    store = tmp_path / "x.db"
    assert ties("--db", str(store), "add", "Ana", "--no-log").exit_code == 0
    assert rows(store, "SELECT name FROM person") == [("Ana",)]
    assert ties("--db", str(store), "log", "nobody").exit_code == 1
    assert rows(store, "SELECT name FROM person") == [("Ana",)]  # an existing store stays


def test_first_runs_at_once_some_refused_all_adds_kept(tmp_path):
    """Refused first writes racing successful ones never remove a store another command
    wrote to: every add is there."""
    store = tmp_path / "new" / "x.db"
    store.parent.mkdir()
    env = {**os.environ, "TIES_DB": str(store), "TIES_LOCK_TIMEOUT": "60"}
    commands = [["add", f"Person {i}", "--no-log"] if i % 2 else ["log", "nobody"]
                for i in range(8)]
    procs = [subprocess.Popen([sys.executable, "-m", "ties", *c], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [1, 0] * 4, [p.stderr.read() for p in procs]
    assert sorted(r[0] for r in rows(store, "SELECT name FROM person")) == [
        f"Person {i}" for i in (1, 3, 5, 7)]
    assert sorted(p.name for p in store.parent.iterdir()
                  if not p.name.endswith(("-wal", "-shm"))) == ["x.db"]
