"""On a read-only or full disk, doctor and backup say what is really wrong, and a backup on
a read-only disk can still be checked and restored."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import dump, rows

pytestmark = pytest.mark.sqlite_only


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only, even for root (who ignores permissions)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("no way to make a file read-only for root here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        old = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            path.chmod(old)


@contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A tiny file system of its own (a tmpfs), for a disk that fills up."""
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(where)],
            capture_output=True).returncode:
        pytest.skip("can't mount a small file system here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(folder: Path) -> None:
    """Fill the disk under `folder` to the last byte."""
    for name, chunk in (("filler", 65536), ("filler2", 1)):
        fd = os.open(folder / name, os.O_CREAT | os.O_WRONLY)
        try:
            while True:
                os.write(fd, b"\0" * chunk)
        except OSError:
            pass
        finally:
            os.close(fd)


def checks(ties, *args: str) -> dict[str, dict]:
    result = ties(*args, "doctor", "--json")
    return {c["check"]: c for c in json.loads(result.stdout)}


def store_with_pending_wal(folder: Path) -> Path:
    """A store whose latest change is still only in its -wal file, as after a crash."""
    from ties.storage import db

    path = folder / "ties.db"
    conn = db.connect(path)
    db.ensure_schema(conn, path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO person (name, name_key, created, archived, updated_at) "
                 "VALUES ('Ana', 'ana', '2025-01-01', 0, '2025-01-01 00:00:00')")
    copy = folder.parent / "crashed"
    copy.mkdir()
    shutil.copy(path, copy / "ties.db")
    shutil.copy(f"{path}-wal", copy / "ties.db-wal")
    conn.close()
    return copy / "ties.db"


def test_doctor_in_a_read_only_folder_does_not_call_the_store_damaged(ties, db_path):
    """Regression: in a read-only folder doctor said 'integrity: not readable as a database
    ... Restore a backup', advice that would throw away recent changes."""
    crashed = store_with_pending_wal(db_path.parent)
    with read_only(crashed.parent):
        result = ties("--db", str(crashed), "doctor")
    assert "Restore a backup" not in result.stdout
    assert "not readable as a database" not in result.stdout
    assert "FAIL  store: could not be opened to check it" in result.stdout
    assert "the file itself looks like a SQLite database" in result.stdout
    assert "Don't restore a backup over the store" in result.stdout
    assert result.exit_code == 1


def test_doctor_checks_a_clean_store_in_a_read_only_folder(ties, db_path):
    ties("add", "Ana", "--no-log")
    with read_only(db_path.parent):
        found = checks(ties)
    assert found["integrity"]["ok"] is True
    assert found["schema"]["ok"] is True


def test_doctor_on_a_full_disk_says_the_disk_is_full(ties, tmp_path):
    with small_disk(tmp_path / "disk", 2048) as disk:
        (disk / "a").mkdir()
        crashed = store_with_pending_wal(disk / "a")
        fill(disk)
        found = checks(ties, "--db", str(crashed))
        text = ties("--db", str(crashed), "doctor").stdout
    assert found["disk"]["ok"] is False
    assert found["disk"]["detail"].startswith("full (")
    assert "nothing needs restoring" in found["disk"]["advice"]
    assert "Restore a backup" not in text


@pytest.mark.parametrize("free_kb, full", [(2048, False), (512, True)])
def test_disk_counts_as_full_under_one_megabyte_free(ties, tmp_path, free_kb, full):
    with small_disk(tmp_path / "disk", 4096) as disk:
        (disk / "s").mkdir()
        assert ties("--db", str(disk / "s" / "ties.db"), "add", "Ana").exit_code == 0
        used = os.statvfs(disk)
        free = used.f_bavail * used.f_frsize
        with open(disk / "filler", "wb") as f:
            f.write(b"\0" * max(0, free - free_kb * 1024))
        found = checks(ties, "--db", str(disk / "s" / "ties.db"))
    assert found["disk"]["ok"] is not full, found["disk"]


def test_backup_of_a_read_only_store_succeeds_and_says_what_it_could_not_do(ties, db_path,
                                                                           tmp_path):
    """Regression: backup of a read-only store wrote a good copy, then said 'read-only.
    Nothing was changed'."""
    ties("add", "Ana", "--no-log")
    before = dump(db_path)
    target = tmp_path / "copy.db"
    with read_only(db_path):
        result = ties("backup", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert result.stderr == (f"Backed up to {target} (integrity checked). The store is "
                             "read-only, so the time of this backup could not be noted in "
                             "it; 'ties doctor' will not know of this copy.\n")
    assert rows(target, "SELECT name FROM person") == [("Ana",)]
    assert dump(db_path) == before
    with read_only(db_path):
        result = ties("backup")
        doctor = checks(ties)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("'ties doctor' goes by the copies in backups/ instead.\n")
    assert doctor["last backup"]["ok"] is True, doctor["last backup"]
    assert dump(db_path) == before


def test_a_backup_on_a_read_only_disk_can_be_checked_and_restored(ties, db_path, tmp_path):
    """Regression: a valid WAL-mode backup on a read-only mount was refused."""
    ties("add", "Ana", "--no-log")
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    copy = shelf / "copy.db"
    assert ties("backup", str(copy)).exit_code == 0
    ties("add", "Bo", "--no-log")
    with read_only(shelf):
        result = ties("restore", str(copy), "--yes")
        assert sorted(p.name for p in shelf.iterdir()) == ["copy.db"]
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT name FROM person") == [("Ana",)]


def test_a_backup_with_unsaved_changes_on_a_read_only_disk_is_refused_clearly(ties, db_path):
    crashed = store_with_pending_wal(db_path.parent)
    with read_only(crashed.parent):
        result = ties("restore", str(crashed), "--yes")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ties: Can't read {crashed}")
    assert "Copy it to a writable folder" in result.stderr
    conn = sqlite3.connect(crashed)  # and the file really was fine
    assert conn.execute("SELECT name FROM person").fetchall() == [("Ana",)]
    conn.close()


READS = (["list"], ["show", "Ana"], ["next"], ["report"])


def no_leftovers(store: Path) -> None:
    assert not Path(f"{store}-wal").exists() and not Path(f"{store}-shm").exists()


def test_read_commands_read_a_store_in_a_read_only_folder_regression_refused_as_read_only(
        ties, db_path, tmp_path):
    ties("add", "Ana", "--no-log")
    before = dump(db_path)
    out = tmp_path / "elsewhere"
    out.mkdir()
    with read_only(db_path.parent):
        for args in READS:
            result = ties(*args)
            assert result.exit_code == 0, (args, result.stderr)
        assert "Ana" in ties("list").stdout
        assert ties("export", "-o", str(out / "all.json")).exit_code == 0
        added = ties("add", "Bo")
    assert json.loads((out / "all.json").read_text())["people"][0]["name"] == "Ana"
    assert added.exit_code == 1
    assert added.stderr == (f"ties: The store ({db_path}) is read-only. Nothing was changed; "
                            "check the file's permissions, and its folder's.\n")
    assert dump(db_path) == before
    no_leftovers(db_path)


def test_read_commands_read_a_read_only_store_file(ties, db_path):
    ties("add", "Ana", "--no-log")
    with read_only(db_path):
        listed = ties("list")
        added = ties("add", "Bo")
    assert listed.exit_code == 0 and "Ana" in listed.stdout
    assert added.exit_code == 1
    assert "is read-only. Nothing was changed" in added.stderr


def test_read_commands_read_a_store_on_a_full_disk_regression_io_error(ties, tmp_path):
    with small_disk(tmp_path / "disk", 1024) as disk:
        (disk / "a").mkdir()
        store = disk / "a" / "ties.db"
        assert ties("--db", str(store), "add", "Ana", "--no-log").exit_code == 0
        before = dump(store)
        fill(disk)
        held = store.read_bytes()
        for args in READS:
            result = ties("--db", str(store), *args)
            assert result.exit_code == 0, (args, result.stderr)
            no_leftovers(store)
        exported = ties("--db", str(store), "export", "-o", str(tmp_path / "all.json"))
        added = ties("--db", str(store), "add", "Bo")
        backed = ties("--db", str(store), "backup", str(tmp_path / "copy.db"))
        no_leftovers(store)
        assert store.read_bytes() == held
        (disk / "filler").unlink()
        after = dump(store)
    assert exported.exit_code == 0, exported.stderr
    assert added.exit_code == 1
    assert added.stderr == ("ties: The disk is full. Nothing was changed; free some space and "
                            "try again.\n")
    assert backed.exit_code == 0, backed.stderr
    assert "The store is on a full disk, so the time of this backup could not be noted" \
        in backed.stderr
    assert after == before
