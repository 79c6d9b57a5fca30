"""A past day's facts (`queries.past_stats`, what `ties next` would have read that morning
for follow-through) are derived from the kept person_stats minus what is dated on or after
the day, reading only a window back; they must equal the stats recomputed from scratch on
the interactions dated before the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ties.core.records import InteractionRecord
from ties.storage import db, queries, store, stored
from ties.storage.models import Interaction, InteractionPerson

DAY = date(2026, 3, 2)  # a Monday
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CHANNELS = ["in-person", "event", "call", "video", "email", "message"]

meeting = st.tuples(
    st.integers(-900, 40),  # days from DAY
    st.sets(st.integers(0, 2), min_size=1, max_size=2),  # which of the three people
    st.sampled_from(CHANNELS), st.booleans(), st.booleans(), st.booleans(),
)
# A regular series (every `step` days from `start`), so some people have a rhythm the
# window settles by itself and others need their whole history.
# Who reached out in it: no one but you, every other time, or always them (then the window
# holds none of your own moves and their streak needs the whole history).
series = st.tuples(st.integers(0, 2), st.integers(-700, -1), st.integers(7, 40),
                   st.integers(0, 30), st.sampled_from([0, 2, 1]))
history = st.tuples(st.lists(meeting, max_size=25), st.lists(series, max_size=2),
                    st.sampled_from([30, 120, queries.PAST_WINDOW_DAYS]))


HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _normal(row) -> tuple:
    return tuple(stored.as_date(v) if isinstance(v, str) else v for v in row)


def _check(conn, meetings, regular, window, monkeypatch) -> None:
    monkeypatch.setattr(queries, "PAST_WINDOW_DAYS", window)
    session = db.orm_session(conn)
    try:
        session.begin()
        people = [store.add_person(session, name=f"P{n}", fields={"type": "social"}, tags=[],
                                   today=DAY - timedelta(days=1000), first=None)
                  for n in range(3)]
        records = [(who, InteractionRecord(when=DAY + timedelta(days=offset), channel=channel,
                                           gave=gave, received=received,
                                           they_reached_out=theirs))
                   for offset, who, channel, gave, received, theirs in meetings]
        for who, start, step, count, theirs in regular:
            records += [({who}, InteractionRecord(
                when=DAY + timedelta(days=start + k * step), channel="call",
                they_reached_out=k % theirs == 0 if theirs else False))
                for k in range(count)]
        # Written directly, stats refreshed once: store.log per row is too slow here.
        rows = [Interaction(date=r.when, channel=r.channel, gave=r.gave, received=r.received,
                            they_reached_out=r.they_reached_out, logged_at=STAMP)
                for _, r in records]
        session.add_all(rows)
        session.flush()
        session.add_all([InteractionPerson(interaction_id=row.id, person_id=people[n])
                         for row, (who, _) in zip(rows, records, strict=True) for n in who])
        session.flush()
        store.refresh_stats(session, None)
        got = [_normal(row) for row in queries.past_stats(conn, DAY)]
        conn.execute("DELETE FROM interaction_person WHERE interaction_id IN "
                     "(SELECT id FROM interaction WHERE date >= ?)", [DAY.isoformat()])
        conn.execute("DELETE FROM interaction WHERE date >= ?", [DAY.isoformat()])
        store.refresh_stats(session, None)
        touched = {row[0] for row in got}
        expected = [_normal(row) for row in conn.execute(
            f"SELECT {', '.join(queries._STATS)} FROM person_stats ORDER BY person_id")
            if row[0] in touched]
        assert got == expected
        assert touched == {people[n] for offset, who, *_ in meetings if offset >= 0
                           for n in who} | {people[who] for who, start, step, count, _ in
                                            regular if count and start + (count - 1) * step >= 0}
    finally:
        session.rollback()
        session.close()


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=HEALTH)
@given(history)
# Your last move lies before the year read back, then only theirs every week: the window
# settles the rhythm but not their streak (30, not the 24 in the window).
@example(([(-500, {0}, "call", False, False, False), (5, {0}, "call", False, False, False)],
          [(0, -400, 7, 30, 1)], 366))
def test_a_past_days_stats_equal_the_stats_recomputed_from_what_came_before(
        db_path, monkeypatch, case):
    conn = db.open_store(db_path)
    try:
        _check(conn, *case, monkeypatch)
    finally:
        conn.close()


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=HEALTH)
@given(history)
def test_a_past_days_stats_equal_the_recomputed_stats_deep(db_path, monkeypatch, case):
    conn = db.open_store(db_path)
    try:
        _check(conn, *case, monkeypatch)
    finally:
        conn.close()


def _logged(db_path, offsets: list[int], name: str = "Ana") -> tuple:
    conn = db.open_store(db_path)
    session = db.orm_session(conn)
    with session.begin():
        pid = store.add_person(session, name=name, fields={"type": "social"}, tags=[],
                               today=DAY - timedelta(days=100), first=None)
        for offset in offsets:
            store.log(session, [pid], InteractionRecord(when=DAY + timedelta(days=offset),
                                                        gave=offset < 0), force=True)
    session.close()
    return conn, pid


def test_a_past_mondays_facts_keep_the_sunday_before_and_leave_the_monday_out(db_path):
    conn, pid = _logged(db_path, [-8, -1, 0])
    try:
        (row,) = [_normal(r) for r in queries.past_stats(conn, DAY)]
        facts = dict(zip(queries._STATS, row, strict=True))
        assert (facts["person_id"], facts["interactions"], facts["last_contact"],
                facts["last_gave"], facts["first_contact"]) == (
            pid, 2, DAY - timedelta(days=1), DAY - timedelta(days=1), DAY - timedelta(days=8))
        assert queries.past_stats(conn, DAY + timedelta(days=1)) == []
    finally:
        conn.close()


def test_reached_counts_the_monday_and_the_sunday_of_the_week_not_the_next_monday(db_path):
    sunday = DAY + timedelta(days=6)
    conn, before_and_after = _logged(db_path, [-1, 7])
    conn.close()
    conn, monday = _logged(db_path, [0], "Bo")
    conn.close()
    conn, last_day = _logged(db_path, [6], "Cy")
    try:
        assert queries.reached(conn, [before_and_after], DAY, sunday) == 0
        assert queries.reached(conn, [monday], DAY, sunday) == 1
        assert queries.reached(conn, [last_day], DAY, sunday) == 1
    finally:
        conn.close()


def test_a_damaged_count_in_the_kept_stats_does_not_crash_follow_through(ties, db_path):
    from conftest import BACKEND, execute

    assert ties("add", "Ana", "--type", "social", TIES_TODAY="2025-01-06").exit_code == 0
    assert ties("log", "Ana", "--on", "2025-02-03").exit_code == 0
    assert ties("log", "Ana", "--on", "2025-03-04").exit_code == 0
    many = "'many'" if BACKEND == "sqlite" else "-7"  # PostgreSQL keeps text out itself
    execute(db_path, f"UPDATE person_stats SET interactions = {many}, gave = -3")
    execute(db_path, "DELETE FROM week_list")  # so the weeks are rebuilt from history
    result = ties("report")
    assert result.exit_code == 0, result.output
    assert "Follow-through" in result.stdout
