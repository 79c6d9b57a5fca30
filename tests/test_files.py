"""Files ties writes or finds: it never writes over a file you named without your say,
never onto the live store, and a typo in --db does not look like lost data."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BACKEND, rows, snapshot


@pytest.fixture
def with_ana(ties):
    assert ties("add", "Ana Lima", "--no-log").exit_code == 0


# Nothing is overwritten ---------------------------------------------------------------

@pytest.mark.parametrize("command", [["export", "-o"], ["export", "--format", "csv", "-o"],
                                     ["backup"]])
def test_existing_file_is_not_overwritten_without_force(ties, with_ana, tmp_path, command):
    """Regression: 'ties backup notes.txt' silently replaced a text file with a database,
    and 'ties export -o FILE' replaced any file."""
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    result = ties(*command, str(notes))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"ties: {notes} already exists; add --force to replace it. "
                             "Nothing was written.\n")
    assert notes.read_text() == "my own notes\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == ["notes.txt"]


@pytest.mark.parametrize("command", [["export", "-o"], ["backup"]])
def test_force_replaces_an_existing_file(ties, with_ana, tmp_path, command):
    target = tmp_path / "old-copy"
    target.write_text("an old copy")
    result = ties(*command, str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() != b"an old copy"
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_to_a_pipe_or_device_writes_into_it_regression_force_replaced_dev_null(
        ties, with_ana, tmp_path, force):
    """Regression: 'ties export -o /dev/null --force' replaced the device with a file, and a
    FIFO a reader waited on with a regular file the reader never saw."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = ties("export", "-o", str(fifo), *force)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert b'"Ana Lima"' in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert ties("export", "-o", os.devnull, *force).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_backup_onto_a_pipe_or_device_is_refused(ties, with_ana, tmp_path, force):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, Path(os.devnull)):
        result = ties("backup", str(target), *force)
        assert result.exit_code == 1
        assert result.stderr == (f"ties: {target} is not a regular file; name a file for the "
                                 "backup. Nothing was written.\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_export_output_dash_is_standard_output_not_a_file_named_dash(ties, with_ana, tmp_path,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = ties("export", "-o", "-")
    assert result.exit_code == 0
    assert '"Ana Lima"' in result.stdout
    assert not (tmp_path / "-").exists()


def test_a_new_file_needs_no_force(ties, with_ana, tmp_path):
    target = tmp_path / "new.json"
    assert ties("export", "-o", str(target)).exit_code == 0
    assert '"Ana Lima"' in target.read_text()


def test_symlink_to_an_existing_file_counts_as_that_file(ties, with_ana, tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert ties("export", "-o", str(link)).exit_code == 1
    assert real.read_text() == "keep me"
    assert ties("export", "-o", str(link), "--force").exit_code == 0
    assert link.is_symlink() and '"Ana Lima"' in real.read_text()


def test_export_to_a_folder_is_refused(ties, with_ana, tmp_path):
    result = ties("export", "-o", str(tmp_path))
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith("ties: ") and "Traceback" not in result.stderr


def _live_store_names(db_path: Path, tmp_path: Path) -> dict[str, Path]:
    """Every way to name the store or its companions."""
    link = tmp_path / "link-to-store.db"
    link.symlink_to(db_path)
    hard = tmp_path / "hard-link.db"
    os.link(db_path, hard)
    relative = Path(os.path.relpath(db_path, Path.cwd()))
    return {"store": db_path, "wal": Path(f"{db_path}-wal"), "shm": Path(f"{db_path}-shm"),
            "journal": Path(f"{db_path}-journal"), "symlink": link, "hard link": hard,
            "relative": relative,
            "dotted": db_path.parent / ".." / db_path.parent.name / db_path.name}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["store", "wal", "shm", "journal", "symlink", "hard link",
                                 "relative", "dotted"])
@pytest.mark.parametrize("command", ["export", "backup"])
def test_export_or_backup_onto_the_live_store_is_refused_even_with_force(
        ties, with_ana, db_path, tmp_path, how, command):
    """Regression: 'ties export -o "$TIES_DB"' replaced the live store with JSON."""
    from ties.storage import db

    conn = db.connect(db_path)  # keeps -wal and -shm in place while the command runs
    try:
        target = _live_store_names(db_path, tmp_path)[how]
        before = snapshot(db_path)
        args = ["export", "-o", str(target)] if command == "export" else ["backup",
                                                                         str(target)]
        result = ties(*args, "--force")
        assert result.exit_code == 1, result.stderr
        assert "is your live store" in result.stderr
        assert "Nothing was written" in result.stderr
        assert result.stderr.count("\n") == 1
        assert snapshot(db_path) == before
    finally:
        conn.close()
    assert rows(db_path, "SELECT name FROM person") == [("Ana Lima",)]


PROMPTED = r"""
import os, sys
from ties.cli import main
sys.argv = ["ties", *sys.argv[1:]]
main()
"""


def _at_a_terminal(args: list[str], answer: str) -> subprocess.CompletedProcess:
    """Run ties with a terminal on stdin, typing `answer`."""
    primary, secondary = os.openpty()
    try:
        os.write(primary, answer.encode())
        return subprocess.run([sys.executable, "-c", PROMPTED, *args], stdin=secondary,
                              capture_output=True, text=True, timeout=60)
    finally:
        os.close(primary)
        os.close(secondary)


@pytest.mark.parametrize("answer, replaced", [("y\n", True), ("n\n", False), ("\n", False)])
def test_at_a_terminal_ties_asks_before_overwriting(ties, with_ana, tmp_path, answer,
                                                    replaced):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    result = _at_a_terminal(["export", "-o", str(target)], answer)
    assert f"{target} already exists. Replace it?" in result.stderr
    assert result.returncode == (0 if replaced else 1), result.stderr
    assert (target.read_text() != "mine") == replaced
    if not replaced:
        assert "Not confirmed" in result.stderr


# A typo does not look like lost data ----------------------------------------------------

@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["list"], ["add", "Ana"], ["next"], ["export"],
                                     ["backup"], ["restore", "x.db", "--yes"]])
def test_db_in_a_missing_folder_is_refused_and_creates_nothing(ties, tmp_path, command):
    """Regression: 'ties --db /nonexistent/dir/x.db list' created the folders and an empty
    store, exit 0."""
    typo = tmp_path / "nonexistent" / "dir" / "x.db"
    result = ties("--db", str(typo), *command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert f"The folder {typo.parent} does not exist" in result.stderr \
        or "There is no" in result.stderr
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["next"], ["report"],
                                     ["follow-ups"], ["imports"], ["duplicates"], ["triage"],
                                     ["config"], ["export"], ["show", "Ana"], ["doctor"],
                                     ["backup"]])
def test_read_commands_on_a_missing_store_create_nothing(ties, db_path, command):
    """Regression: read commands created an empty store."""
    result = ties(*command)
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr
    assert list(db_path.parent.iterdir()) == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("command", [["list"], ["next"], ["export"], ["import", "--dry-run",
                                                                       "-"]])
def test_an_empty_file_named_as_the_store_is_left_empty_by_reads_regression_schema_written(
        ties, db_path, command):
    """Regression: 'ties --db zero.db list' on an existing empty file wrote a schema in."""
    db_path.parent.mkdir(exist_ok=True)
    db_path.write_bytes(b"")
    result = ties(*command, input="name\nAna\n")
    assert result.exit_code == 0, result.stderr
    assert db_path.read_bytes() == b""
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["ties.db"]


@pytest.mark.skipif(BACKEND == "sqlite", reason="about a PostgreSQL schema")
@pytest.mark.parametrize("command", [["list"], ["next"], ["report"], ["export"],
                                     ["import", "--dry-run", "-"]])
def test_read_commands_on_an_empty_postgres_schema_create_no_tables(ties, db_path, command):
    """Regression: read commands on an empty PostgreSQL database created ties' tables."""
    import psycopg

    result = ties(*command, input="name\nAna\n")
    assert result.exit_code == 0, result.stderr
    with psycopg.connect(db_path.conninfo) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE "
                              "table_schema = current_schema()").fetchone()[0]
    assert tables == 0


@pytest.mark.sqlite_only
def test_a_missing_store_named_explicitly_reads_as_empty_and_says_so(ties, db_path):
    result = ties("list", "--json")
    assert result.exit_code == 0
    assert result.stdout == "[]\n"
    assert result.stderr == (f"There is no store at {db_path} yet, so this is empty; nothing "
                             "was created. Check --db or TIES_DB if you expected your data "
                             "there.\n")


@pytest.mark.sqlite_only
def test_fresh_install_reads_as_empty_and_the_first_write_creates_the_data_dir(
        ties, tmp_path):
    data = tmp_path / "xdg" / "ties"
    result = ties("next", TIES_DB=None)
    assert result.exit_code == 0
    assert result.stderr.startswith("No one in ties yet.")
    assert not (tmp_path / "xdg").exists()
    assert ties("add", "Ana", TIES_DB=None).exit_code == 0
    assert (data / "ties.db").is_file()
    assert oct((data).stat().st_mode & 0o777) == oct(0o700)
    assert oct((tmp_path / "xdg").stat().st_mode & 0o777) == oct(0o700)


@pytest.mark.skipif(BACKEND == "sqlite", reason="the PostgreSQL backup file rules")
def test_postgres_backup_follows_the_same_overwrite_rules(ties, with_ana, tmp_path):
    target = tmp_path / "b.json"
    target.write_text("mine")
    assert ties("backup", str(target)).exit_code == 1
    assert target.read_text() == "mine"
    assert ties("backup", str(target), "--force").exit_code == 0
    assert '"Ana Lima"' in target.read_text()


@pytest.mark.sqlite_only
def test_import_dry_run_on_a_missing_store_creates_nothing(ties, db_path, tmp_path):
    contacts = tmp_path / "c.csv"
    contacts.write_text("name,company\nAna Lima,Acme\n")
    result = ties("import", str(contacts), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "create     row 2 (Ana Lima): no one here" in result.stdout
    assert list(db_path.parent.iterdir()) == []
    assert ties("import", str(contacts)).exit_code == 0
    assert rows(db_path, "SELECT name FROM person") == [("Ana Lima",)]


def test_doctor_fix_removes_leftover_backup_temps_on_either_store(ties, with_ana, db_path,
                                                                 tmp_path):
    """A killed 'ties backup' leaves a temporary file in the backups folder (next to a
    SQLite store; in the data directory for a PostgreSQL store's JSON backups)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    if BACKEND == "sqlite":
        folder = db_path.parent / "backups"
    else:
        from ties.storage import jsonbackup

        folder = jsonbackup.default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / f".ties.json.{proc.pid}.tmp"
    orphan.write_text("{")
    result = ties("doctor", "--fix", "--yes")
    assert "Removed 1 temporary file(s)." in result.stderr
    assert not orphan.exists()


def test_an_empty_db_option_is_a_usage_error_not_the_usual_store(ties):
    """Regression: '--db ""' (an unset shell variable) silently used TIES_DB or the default."""
    result = ties("--db", "", "add", "Ana")
    assert result.exit_code == 2
    assert result.stderr == ("ties: --db is empty; give the store's file path or URL, or "
                             "leave --db out for your usual store.\n")
    assert json.loads(ties("list", "--json").stdout) == []


@pytest.mark.parametrize("named", [False, True])
def test_a_backup_that_fails_to_write_leaves_no_new_folder_behind(ties, with_ana, ties_home,
                                                                  tmp_path, monkeypatch,
                                                                  named):
    """Regression: a backup refused for a full disk left an empty backups/ folder (and an
    export or backup into new folders left those)."""
    import errno

    from ties.storage import files

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "commit", full)
    target = tmp_path / "new" / "deeper" / "copy.db"
    before = {p for p in ties_home.rglob("*") if p.is_dir()}
    result = ties("backup", *([str(target)] if named else []))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert {p for p in ties_home.rglob("*") if p.is_dir()} == before
    assert not (tmp_path / "new").exists()
    exported = ties("export", "-o", str(target.with_suffix(".json")))
    assert exported.exit_code == 1 and "No space left on device" in exported.stderr
    assert not (tmp_path / "new").exists()
