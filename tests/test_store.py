"""The per-person stats kept on write always equal a recomputation from scratch, and a
refused command leaves the store's bytes as they were."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ties import db, store

STATS = ("SELECT person_id, interactions, first_contact, last_contact, gave, received, "
         "last_gave, last_received, their_streak, in_person, voice FROM person_stats "
         "ORDER BY person_id")

op = st.one_of(
    st.tuples(st.just("log"), st.lists(st.integers(0, 4), min_size=1, max_size=3),
              st.integers(0, 60), st.sampled_from(["in-person", "call", "message"]),
              st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.just("edit"), st.integers(0, 30), st.integers(0, 60), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 30)),
    st.tuples(st.just("remove"), st.integers(0, 4)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(op, max_size=25))
def test_stats_equal_recomputation_after_any_sequence_of_writes(tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("stats") / "s.db"
    conn = db.open_store(path)
    session = db.orm_session(conn)
    today = date(2025, 3, 14)
    with session.begin():
        people = [store.add_person(session, name=f"P{i}", fields={"type": "social"}, tags=[],
                                   today=today, first=None) for i in range(5)]
        alive = list(people)
        logged: list[int] = []
        for o in ops:
            if o[0] == "log":
                ids = sorted({alive[i % len(alive)] for i in o[1]}) if alive else []
                if ids:
                    logged.append(store.log(session, ids, store.Meeting(
                        when=today - timedelta(days=o[2]), channel=o[3], gave=o[4],
                        received=o[5], they_reached_out=o[6]), force=True))
            elif o[0] == "edit" and logged:
                store.update_interaction(session, logged[o[1] % len(logged)], {
                    "date": today - timedelta(days=o[2]), "they_reached_out": o[3]})
            elif o[0] == "delete" and logged:
                iid = logged.pop(o[1] % len(logged))
                store.delete_interaction(session, iid)
            elif o[0] == "remove" and len(alive) > 1:
                pid = alive.pop(o[1] % len(alive))
                store.remove_person(session, pid)
                existing = {r[0] for r in conn.execute("SELECT id FROM interaction")}
                logged = [i for i in logged if i in existing]
        kept = conn.execute(STATS).fetchall()
        store.refresh_stats(conn, None)
        assert conn.execute(STATS).fetchall() == kept
    session.close()
    conn.close()


def test_refused_command_leaves_the_file_byte_for_byte(ties, db_path):
    ties("add", "Ana Lima")
    ties("log", "Ana", "--note", "coffee")
    before = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    wal_before = wal.read_bytes() if wal.exists() else None
    for args in (["log", "Nobody"], ["add", "Ana Lima"], ["log", "Ana", "--on", "tomorrow"],
                 ["edit", "Ana", "--email", "bad"], ["rm", "Ana"]):
        assert ties(*args).exit_code == 1
    assert db_path.read_bytes() == before
    assert (wal.read_bytes() if wal.exists() else None) == wal_before


def test_integrity_after_a_session_of_commands(ties, db_path):
    ties("add", "Ana")
    ties("add", "Bo")
    ties("log", "Ana", "Bo")
    ties("rm", "Bo", "--yes")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
