"""The connection's settings and its transactions."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from ties.storage import db


def test_every_connection_has_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path):
    conn = db.open_store(tmp_path / "p.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    conn.close()


def test_orm_session_runs_on_the_same_connection_and_settings(tmp_path):
    conn = db.open_store(tmp_path / "p.db")
    session = db.orm_session(conn)
    with session.begin():
        from sqlalchemy import text

        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.connection().connection.driver_connection is conn
        assert conn.in_transaction
    session.close()
    conn.close()


def test_write_transaction_takes_the_lock_up_front(tmp_path):
    path = tmp_path / "p.db"
    first = db.open_store(path)
    second = db.connect(path)
    second.execute("PRAGMA busy_timeout = 100")
    with db.transaction(first, write=True):
        # No statement has run yet, and still nobody else can start writing.
        with pytest.raises(db.Busy), db.transaction(second, write=True):
            pass
    first.close()
    second.close()


def test_write_transaction_waits_for_the_lock_instead_of_failing(tmp_path):
    path = tmp_path / "p.db"
    first = db.open_store(path)
    second = db.connect(path)
    released = threading.Event()

    def hold():
        with db.transaction(first, write=True):
            first.execute("INSERT INTO setting (key, value) VALUES ('a', '1')")
            released.wait(0.3)

    t = threading.Thread(target=hold)
    t.start()
    with db.transaction(second, write=True):
        second.execute("INSERT INTO setting (key, value) VALUES ('b', '2')")
    t.join()
    assert second.execute("SELECT count(*) FROM setting").fetchone()[0] == 2
    first.close()
    second.close()


def test_exception_and_ctrl_c_roll_back(tmp_path):
    conn = db.open_store(tmp_path / "p.db")
    for exc in (RuntimeError, KeyboardInterrupt):
        with pytest.raises(exc), db.transaction(conn, write=True):
            conn.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')")
            raise exc()
    assert conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 0
    conn.close()


def test_translate_locked_gives_busy_exit_code():
    error = db.translate(sqlite3.OperationalError("database is locked"))
    assert error.exit_code == 75
    assert "try again" in error.message


def test_losing_the_race_to_create_the_data_directory_is_not_an_error(tmp_path, monkeypatch):
    """Eight first runs at once: another command creates the folder between our check and
    our mkdir. Seen in CI as 'Can't create the data directory ...: File exists'."""
    from pathlib import Path

    real_mkdir = Path.mkdir

    def raced(self, *args, **kwargs):
        real_mkdir(self, *args, **kwargs)  # the other command wins...
        raise FileExistsError(17, "File exists")  # ...and ours finds it there

    monkeypatch.setattr(Path, "mkdir", raced)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new"))
    store = tmp_path / "new" / "ties" / "ties.db"
    db.connect(store).close()
    assert store.is_file()


def test_a_file_where_the_data_directory_should_be_is_refused_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "ties").write_text("not a folder")
    with pytest.raises(db.StoreError, match="a file of that name is in the way"):
        db.connect(tmp_path / "ties" / "ties.db")
