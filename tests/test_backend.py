"""The backend interface: one transaction mechanism for reads, writes and sessions, on
both databases; set-based bulk writes."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import rows
from ties.core.errors import Busy
from ties.core.records import InteractionRecord
from ties.storage import db, store
from ties.storage.config import ServerUrl


def test_a_session_joins_the_open_transaction_and_never_ends_it(db_path):
    conn = db.open_store(db_path)
    try:
        with pytest.raises(KeyboardInterrupt), conn.transaction(write=True):
            session = db.orm_session(conn)
            store.set_setting(session, "week_size", "5")
            session.commit()  # joined: only the transaction's owner commits
            assert conn.in_transaction
            raise KeyboardInterrupt  # Ctrl-C: everything rolls back
    finally:
        conn.close()
    assert rows(db_path, "SELECT key FROM setting") == []


def test_a_session_that_begins_itself_holds_the_write_lock_and_commits(db_path, monkeypatch):
    monkeypatch.setenv("TIES_LOCK_TIMEOUT", "0")
    conn, other = db.open_store(db_path), db.open_store(db_path)
    try:
        session = db.orm_session(conn)
        with session.begin():
            session.connection()  # the transaction begins: the write lock is taken now
            with pytest.raises(Busy), other.transaction(write=True):
                pass
            store.set_setting(session, "week_size", "5")
        assert not conn.in_transaction
        with other.transaction(write=True):  # free again
            pass
    finally:
        conn.close()
        other.close()
    assert rows(db_path, "SELECT key, value FROM setting") == [("week_size", "5")]


def test_a_read_transaction_sees_one_snapshot(db_path):
    conn, other = db.open_store(db_path), db.open_store(db_path)
    try:
        with conn.transaction(write=False):
            before = conn.execute("SELECT count(*) FROM setting").fetchone()[0]
            with other.transaction(write=True):
                store.set_setting(db.orm_session(other), "week_size", "5")
            assert conn.execute("SELECT count(*) FROM setting").fetchone()[0] == before
    finally:
        conn.close()
        other.close()


def _people(session, n: int) -> list[int]:
    """n people with a tag and their stats: one added through the store, the others copies
    of its rows (adding 1,200 one at a time took 5 s of the everyday run)."""
    from sqlalchemy import text

    first = store.add_person(session, name="Person", fields={}, tags=["t"],
                             today=date(2025, 3, 14), first=None)
    columns = ", ".join(r[1] for r in session.execute(text("PRAGMA table_info(person)"))
                        if r[1] != "id")
    session.execute(text(f"INSERT INTO person ({columns}) SELECT {columns} FROM person "
                         "WHERE id = :id"), [{"id": first}] * (n - 1))
    session.execute(text("INSERT INTO tag (person_id, tag) SELECT id, 't' FROM person "
                         "WHERE id != :id"), {"id": first})
    ids = [r[0] for r in session.execute(text("SELECT id FROM person ORDER BY id"))]
    store.refresh_stats(session, ids)
    assert len(ids) == n
    return ids


def test_bulk_deletes_are_one_statement_per_chunk_not_one_per_row(tmp_path, db_path):
    if isinstance(db_path, ServerUrl):
        pytest.skip("counts the statements SQLite runs (its trace callback)")
    conn = db.open_store(db_path)
    try:
        with conn.transaction(write=True):
            session = db.orm_session(conn)
            ids = _people(session, 1200)
            store.log(session, ids, InteractionRecord(when=date(2025, 3, 1)), force=True)
            keep, other = ids[0], ids[1]
            ran: list[str] = []
            conn.set_trace_callback(ran.append)
            store.merge_people(session, keep, other)
            store.remove_person(session, ids[2])
            conn.set_trace_callback(None)
    finally:
        conn.close()
    # SQLite's trace repeats a DELETE once for each table whose foreign key cascades from
    # it (tag, follow_up, job_change, ...): one statement all the same, counted once.
    writes = [s for n, s in enumerate(ran) if s.split()[0] in ("INSERT", "UPDATE", "DELETE")
              and (n == 0 or ran[n - 1] != s)]
    # 1,199 people shared the interaction: their stats are refreshed in chunks of 500.
    assert len(writes) < 30, writes
    assert rows(db_path, "SELECT count(*) FROM interaction_person") == [(1198,)]
