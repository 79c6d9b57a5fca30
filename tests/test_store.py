"""The per-person stats kept on write always equal a recomputation from scratch, and a
refused command leaves the store's bytes as they were."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import snapshot
from ties.core.records import InteractionRecord
from ties.storage import db, store

TODAY = date(2025, 3, 14)

STATS = ("SELECT person_id, interactions, first_contact, last_contact, gave, received, "
         "last_gave, last_received, their_streak, in_person, voice, rhythm_days, rhythm_gaps "
         "FROM person_stats "
         "ORDER BY person_id")

class StatsMachine(RuleBasedStateMachine):
    """Random sequences of adds, logs, edits, deletes, merges and removals: after every
    step the per-person stats kept on write equal a recomputation from scratch."""

    def __init__(self):
        super().__init__()
        self.dir = tempfile.mkdtemp()
        self.conn = db.open_store(Path(self.dir) / "s.db")
        self.session = db.orm_session(self.conn)
        self.session.begin()
        self.people: list[int] = []
        self.logged: list[int] = []
        self.n = 0

    @rule(kind=st.sampled_from(["tactical", "social", "strategic"]), met=st.booleans())
    def add(self, kind, met):
        self.n += 1
        first = InteractionRecord(when=TODAY - timedelta(days=self.n % 40)) if met else None
        self.people.append(store.add_person(self.session, name=f"P{self.n}",
                                            fields={"type": kind}, tags=[], today=TODAY,
                                            first=first))

    @precondition(lambda self: self.people)
    @rule(who=st.lists(st.integers(0, 50), min_size=1, max_size=3), ago=st.integers(0, 90),
          channel=st.sampled_from(["in-person", "call", "video", "message", "event"]),
          gave=st.booleans(), received=st.booleans(), theirs=st.booleans())
    def log(self, who, ago, channel, gave, received, theirs):
        ids = sorted({self.people[i % len(self.people)] for i in who})
        self.logged.append(store.log(self.session, ids, InteractionRecord(
            when=TODAY - timedelta(days=ago), channel=channel, gave=gave, received=received,
            they_reached_out=theirs), force=True))

    @precondition(lambda self: self.logged)
    @rule(i=st.integers(0, 100), ago=st.integers(0, 90), theirs=st.booleans(),
          gave=st.booleans())
    def edit(self, i, ago, theirs, gave):
        store.update_interaction(self.session, self.logged[i % len(self.logged)], {
            "date": TODAY - timedelta(days=ago), "they_reached_out": theirs, "gave": gave})

    @precondition(lambda self: self.logged)
    @rule(i=st.integers(0, 100))
    def delete(self, i):
        store.delete_interaction(self.session, self.logged.pop(i % len(self.logged)))

    @precondition(lambda self: len(self.people) > 1)
    @rule(i=st.integers(0, 100))
    def remove(self, i):
        store.remove_person(self.session, self.people.pop(i % len(self.people)))
        self._forget_gone()

    @precondition(lambda self: len(self.people) > 1)
    @rule(i=st.integers(0, 100), j=st.integers(0, 100))
    def merge(self, i, j):
        a, b = self.people[i % len(self.people)], self.people[j % len(self.people)]
        if a != b:
            store.merge_people(self.session, a, b)
            self.people.remove(b)
            self._forget_gone()

    def _forget_gone(self):
        existing = {r[0] for r in self.conn.execute("SELECT id FROM interaction")}
        self.logged = [i for i in self.logged if i in existing]

    @invariant()
    def stats_equal_recomputation(self):
        kept = self.conn.execute(STATS).fetchall()
        self.conn.execute("SAVEPOINT check_stats")
        store.refresh_stats(self.session, None)
        fresh = self.conn.execute(STATS).fetchall()
        self.conn.execute("ROLLBACK TO check_stats")
        self.conn.execute("RELEASE check_stats")
        assert kept == fresh

    def teardown(self):
        self.session.rollback()
        self.session.close()
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class test_stats_equal_recomputation_after_any_sequence_of_writes(StatsMachine.TestCase):  # noqa: N801
    """The everyday leg: 8 sequences of up to 15 writes (each step recomputes every stat,
    so this is the suite's costliest hypothesis test)."""

    settings = settings(max_examples=8, stateful_step_count=15)


@pytest.mark.slow
class test_stats_equal_recomputation_deep_run(StatsMachine.TestCase):  # noqa: N801
    """The same machine with 30 sequences of up to 25 writes (the old everyday run)."""

    settings = settings(max_examples=30, stateful_step_count=25)


def test_refused_command_leaves_the_store_byte_for_byte(ties, db_path):
    ties("add", "Ana Lima")
    ties("log", "Ana", "--note", "coffee")
    before = snapshot(db_path)
    wal = Path(f"{db_path}-wal")
    wal_before = wal.read_bytes() if wal.exists() else None
    for args in (["log", "Nobody"], ["add", "Ana Lima"], ["log", "Ana", "--on", "tomorrow"],
                 ["edit", "Ana", "--email", "bad"], ["rm", "Ana"]):
        assert ties(*args).exit_code == 1
    assert snapshot(db_path) == before
    assert (wal.read_bytes() if wal.exists() else None) == wal_before


@pytest.mark.sqlite_only
def test_integrity_after_a_session_of_commands(ties, db_path):
    ties("add", "Ana")
    ties("add", "Bo")
    ties("log", "Ana", "Bo")
    ties("rm", "Bo", "--yes")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def _stats_equal_recomputation(db_path) -> list[tuple]:
    """The kept person_stats (learned rhythm included) equal a recomputation; returns them."""
    conn = db.open_store(db_path)
    try:
        kept = [tuple(r) for r in conn.execute(STATS).fetchall()]
        try:
            with db.transaction(conn, write=True):
                store.refresh_stats(db.orm_session(conn), None)
                fresh = [tuple(r) for r in conn.execute(STATS).fetchall()]
                raise KeyboardInterrupt  # roll back: only compare
        except KeyboardInterrupt:
            pass
    finally:
        conn.close()
    assert kept == fresh
    return kept


def test_the_learned_rhythm_equals_a_recomputation_after_import_undo_merge_edit_and_restore(
        ties, db_path, tmp_path):
    import json

    ties("add", "Ana Lima", "--type", "social", "--on", "2024-12-01")
    for on in ("2024-12-15", "2024-12-29", "2025-01-12"):
        assert ties("log", "Ana", "--on", on).exit_code == 0
    backup = tmp_path / "before.db"
    assert ties("backup", str(backup)).exit_code == 0
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 1, "name": "Kim Park", "type": "social"},
                      {"id": 2, "name": "Ana Lima"}],
           "interactions": [{"id": n, "date": day, "channel": "call", "people": [1, 2]}
                            for n, day in enumerate(("2025-01-20", "2025-02-03",
                                                     "2025-02-17", "2025-03-03"), 1)]}
    (tmp_path / "kim.json").write_text(json.dumps(doc))
    assert ties("import", str(tmp_path / "kim.json")).exit_code == 0
    rhythms = {r[0]: r[-2:] for r in _stats_equal_recomputation(db_path)}
    assert (14, 3) in rhythms.values()  # the import made a rhythm
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert [r[-2:] for r in _stats_equal_recomputation(db_path)] == [(14, 3)]
    assert ties("import", str(tmp_path / "kim.json")).exit_code == 0
    merged = ties("merge", "Ana Lima", "Kim Park", "--yes")
    assert merged.exit_code == 0, merged.stderr
    # Ana's own 4 days and the 4 shared ones: 8 episodes, every 14 days but one 8-day gap
    assert [r[-2:] for r in _stats_equal_recomputation(db_path)] == [(14, 7)]
    first = json.loads(ties("show", "Ana Lima", "--json").stdout)["history"][-1]["id"]
    assert ties("interaction", "edit", str(first), "--on", "2025-01-05").exit_code == 0
    _stats_equal_recomputation(db_path)
    assert ties("interaction", "rm", str(first), "--yes").exit_code == 0
    _stats_equal_recomputation(db_path)
    assert ties("restore", str(backup), "--yes").exit_code == 0
    assert [r[-2:] for r in _stats_equal_recomputation(db_path)] == [(14, 3)]


def test_refreshing_stats_looks_each_interaction_up_once_per_person(tmp_path):
    """The stats of the people an import touched read their interactions once: a regression
    of the refresh that joined them three times (your latest day, your latest interaction
    on it, the counts), each a lookup per row, 1.1 s of a 29,000-interaction calendar."""
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from ties.storage import dialect

    conn = db.open_store(tmp_path / "s.db")
    query = store._stats_rows(True, dialect.of(conn).materialized).params(ids=[1, 2])
    sql = str(query.compile(dialect=sqlite_dialect.dialect(),
                            compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    lookups = [step for step in plan if "interaction" in step and "person" not in step]
    if sqlite3.sqlite_version_info >= (3, 35):
        assert len(lookups) == 1, plan
    assert len(conn.execute(sql).fetchall()) == 0  # no such people: no rows


@pytest.mark.parametrize("asked, everyone", [(2, 4), (1, 4), (3, 4), (2, 5), (1, 2)])
def test_refreshing_the_stats_of_half_of_everyone_or_more_recomputes_everyone_in_one_pass(
        tmp_path, asked, everyone):
    """Half of everyone or more (a calendar of the people you know): one pass over all the
    links, cheaper than a lookup per link; fewer, or one person (a log): only theirs, chunk
    by chunk. Either way the stats equal a recomputation."""
    from sqlalchemy import event

    conn = db.open_store(tmp_path / "s.db")
    session = db.orm_session(conn)
    session.begin()
    ids = [store.add_person(session, name=f"P{n}", fields={}, tags=[], today=TODAY,
                            first=InteractionRecord(when=TODAY - timedelta(days=n)))
           for n in range(everyone)]
    seen: list[str] = []
    engine = session.get_bind()
    listen = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listen)
    try:
        store.refresh_stats(session, ids[:asked])
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    filtered = any("person_stats" in sql and "person_id IN (" in sql for sql in seen)
    assert filtered == (asked == 1 or 2 * asked < everyone), seen
    kept = session.connection().exec_driver_sql(STATS).fetchall()
    store.refresh_stats(session, None)
    assert session.connection().exec_driver_sql(STATS).fetchall() == kept
    session.rollback()
