"""store.import_sightings and undo: what a calendar or mail import writes, with
hand-built sightings (the readers have their own tests), on either backend."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import rows
from ties.core.records import Sighting, Sightings
from ties.storage import backend, store

DAY = date(2025, 3, 10)


def sight(key, others=("ana@example.com",), when=DAY, note="Weekly sync", channel="video",
          reached_out=None, thread=None, names=()):
    return Sighting(key, when, tuple(others), reached_out, channel, note, thread, names)


def run_import(db_path, *found, add_new=False, commit=True):
    conn = backend.for_store(db_path).open()
    try:
        with conn.transaction(write=True):
            session = conn.backend.session(conn)
            result = store.import_sightings(session, Sightings(list(found)), format_="ics",
                                            source="cal.ics", today=date(2025, 3, 14),
                                            add_new=add_new)
            session.flush()
            session.close()
            if not commit:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        conn.close()
    return result


@pytest.fixture
def people(ties, db_path):
    ties("add", "Ana Lima", "--email", "ana@example.com", "--email", "Ana@Home.example",
         "--type", "social", "--no-log")
    ties("add", "Bo Chen", "--email", "bo@example.com", "--type", "strategic", "--no-log")
    return db_path


def history(ties, name):
    return json.loads(ties("show", name, "--json").stdout)["history"]


def test_a_meeting_becomes_one_interaction_with_both_and_their_stats(ties, people):
    result = run_import(people, sight("ics:u1/a", ("ana@home.example", "bo@example.com"),
                                      reached_out="bo@example.com"))
    assert result.plan.counts()["created"] == 1 and result.batch_id
    (item,) = history(ties, "Ana Lima")
    assert (item["date"], item["channel"], item["note"]) == ("2025-03-10", "video",
                                                             "Weekly sync")
    assert [h["id"] for h in history(ties, "Bo Chen")] == [item["id"]]
    assert rows(people, "SELECT last_contact, interactions FROM person_stats ORDER BY "
                "person_id") == [("2025-03-10", 1), ("2025-03-10", 1)] or \
        rows(people, "SELECT last_contact, interactions FROM person_stats ORDER BY "
             "person_id") == [(date(2025, 3, 10), 1), (date(2025, 3, 10), 1)]


def test_importing_the_same_sightings_again_adds_nothing_and_records_no_batch(ties, people):
    found = [sight("ics:u1/a"), sight("ics:u2/a", ("bo@example.com",))]
    run_import(people, *found)
    before = rows(people, "SELECT count(*) FROM interaction")
    again = run_import(people, *found)
    assert again.batch_id is None and again.plan.meetings == []
    assert rows(people, "SELECT count(*) FROM interaction") == before
    assert len(json.loads(ties("imports", "--json").stdout)) == 1


def test_a_dry_run_writes_nothing(ties, people):
    run_import(people, sight("ics:u1/a"), commit=False)
    assert history(ties, "Ana Lima") == []


def test_an_import_interrupted_after_its_bulk_writes_leaves_no_row_behind(people):
    """The backend's bulk insert writes in the command's one transaction: Ctrl-C after
    import_sightings wrote everything leaves no interaction, link, key or batch."""
    tables = ("interaction", "interaction_person", "interaction_source", "import_batch")
    before = [rows(people, f"SELECT count(*) FROM {t}")[0][0] for t in tables]
    result = run_import(people, sight("ics:u1/a", ("ana@example.com", "bo@example.com")),
                        sight("ics:u2/a"), commit=False)
    assert result.plan.counts()["created"] == 2
    assert [rows(people, f"SELECT count(*) FROM {t}")[0][0] for t in tables] == before


def test_a_coffee_logged_by_hand_that_day_gets_the_import_merged_and_undo_unmerges(
        ties, people):
    ties("log", "Ana Lima", "--on", "2025-03-10", "--via", "in-person")
    (mine,) = history(ties, "Ana Lima")
    result = run_import(people, sight("ics:u1/a"))
    assert result.plan.counts() == {"created": 0, "merged": 1, "people": 0, "unknown": 0,
                                    "skipped": 0}
    (merged,) = history(ties, "Ana Lima")
    assert (merged["id"], merged["channel"], merged["note"]) == (mine["id"], "in-person",
                                                                 "Weekly sync")
    assert run_import(people, sight("ics:u1/a")).plan.meetings == []  # key recorded
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert "forgot what it merged into 1 interaction you had logged" in undone.stderr
    (back,) = history(ties, "Ana Lima")
    assert (back["id"], back["note"]) == (mine["id"], None)
    assert rows(people, "SELECT count(*) FROM interaction_source") == [(0,)]


def test_undo_is_refused_when_you_changed_the_note_it_filled_in(ties, people):
    ties("log", "Ana Lima", "--on", "2025-03-10")
    (mine,) = history(ties, "Ana Lima")
    run_import(people, sight("ics:u1/a"))
    ties("interaction", "edit", str(mine["id"]), "--note", "my own words")
    refused = ties("import", "--undo")
    assert refused.exit_code == 1
    assert f"the note of interaction #{mine['id']}, which it filled in, was changed" in \
        refused.stderr
    assert history(ties, "Ana Lima")[0]["note"] == "my own words"


def test_a_note_you_wrote_stays_and_undo_leaves_it(ties, people):
    ties("log", "Ana Lima", "--on", "2025-03-10", "--note", "coffee")
    run_import(people, sight("ics:u1/a"))
    assert history(ties, "Ana Lima")[0]["note"] == "coffee"
    assert ties("import", "--undo").exit_code == 0
    assert history(ties, "Ana Lima")[0]["note"] == "coffee"


def test_undo_removes_the_interactions_and_people_it_added(ties, people):
    run_import(people, sight("ics:u1/a", ("ana@example.com", "zed@x.example"),
                             names=(("zed@x.example", "Zed Doe"),)),
               sight("ics:u2/a", ("zed@x.example",)), add_new=True)
    zed = json.loads(ties("show", "Zed Doe", "--json").stdout)
    assert (zed["email"], zed["type"], len(zed["history"])) == ("zed@x.example", None, 2)
    assert ties("import", "--undo").exit_code == 0
    assert history(ties, "Ana Lima") == []
    assert ties("show", "Zed Doe").exit_code == 1
    assert rows(people, "SELECT count(*) FROM interaction_source") == [(0,)]
    assert rows(people, "SELECT interactions FROM person_stats ORDER BY person_id") == [
        (0,), (0,)]


def test_regression_someone_added_after_an_import_got_a_second_interaction_for_the_meeting(
        ties, people, db_path):
    found = sight("ics:u1/a", ("ana@example.com", "cy@x.example"))
    run_import(people, found)
    ties("add", "Cy Ng", "--email", "CY@x.example", "--no-log")
    again = run_import(people, found)
    assert again.plan.counts()["created"] == 0 and again.plan.counts()["merged"] == 1
    (cy,), (ana,) = history(ties, "Cy Ng"), history(ties, "Ana Lima")
    assert cy["id"] == ana["id"] and (cy["with"], ana["with"]) == (["Ana Lima"], ["Cy Ng"])
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(1,)]
    assert json.loads(ties("show", "Cy Ng", "--json").stdout)["last_contact"] == \
        DAY.isoformat()
    assert run_import(people, found).plan.counts()["merged"] == 0  # a third time: nothing
    # undo of the re-import takes Cy out of it again, and leaves Ana's as it was
    assert ties("import", "--undo").exit_code == 0
    assert history(ties, "Cy Ng") == []
    assert history(ties, "Ana Lima") == [ana | {"with": []}]
    assert json.loads(ties("show", "Cy Ng", "--json").stdout)["last_contact"] is None


def test_interactions_logged_after_an_import_number_past_the_imported_ones(ties, people):
    run_import(people, sight("ics:u1/a"), sight("ics:u2/a", when=date(2025, 3, 11)))
    imported = {h["id"] for h in history(ties, "Ana Lima")}
    assert ties("log", "Ana Lima", "--note", "later").exit_code == 0
    (latest,) = [h["id"] for h in history(ties, "Ana Lima") if h["note"] == "later"]
    assert latest > max(imported) and len(imported) == 2


def test_merging_two_people_keeps_their_imported_keys_so_a_reimport_adds_nothing(
        ties, people):
    ties("add", "Ana Work", "--email", "ana@globex.example", "--no-log")
    found = [sight("ics:u1/a", ("ana@example.com", "ana@globex.example")),
             sight("ics:u2/a", ("ana@globex.example",), when=date(2025, 3, 11))]
    run_import(people, *found)
    assert ties("merge", "Ana Lima", "Ana Work", "--yes").exit_code == 0
    assert run_import(people, *found).plan.meetings == []
    assert len(history(ties, "Ana Lima")) == 2


def test_undo_of_the_first_import_names_the_later_one_that_added_someone_to_its_meeting(
        ties, people):
    found = sight("ics:u1/a", ("ana@example.com", "cy@x.example"))
    run_import(people, found)
    ties("add", "Cy Ng", "--email", "cy@x.example", "--no-log")
    run_import(people, found)
    refused = ties("import", "--undo", "--batch", "1")
    assert refused.exit_code == 1
    assert ("import #2 added to interaction #1: undo it first with 'ties import --undo "
            "--batch 2'") in refused.stderr
    assert ties("import", "--undo", "--batch", "2").exit_code == 0
    assert ties("import", "--undo", "--batch", "1").exit_code == 0
    assert rows(people, "SELECT count(*) FROM interaction") == [(0,)]


# The backend's bulk insert (Connection.insert_rows) ------------------------------------

def _insert_both_ways(db_path, table, through_core, in_bulk):
    from sqlalchemy import insert

    conn = backend.for_store(db_path).open()
    try:
        with conn.transaction(write=True):
            session = conn.backend.session(conn)
            session.execute(insert(table), through_core)
            conn.insert_rows(session, table, in_bulk)
            session.flush()
            session.close()
    finally:
        conn.close()


def test_the_bulk_insert_stores_each_value_as_a_core_insert_does(ties, db_path):
    """Dates, times, flags and NULLs written by `insert_rows` read back exactly as the
    same rows written through SQLAlchemy Core (a wrong conversion would store, say, a
    time without its microseconds, or a flag as text)."""
    from datetime import UTC, datetime

    from ties.storage.models import Interaction

    ties("add", "Ana Lima", "--no-log")
    base = dict(date=date(2024, 2, 29), channel="video", note=None, they_reached_out=True,
                gave=False, received=True, import_id=None,
                logged_at=datetime(2025, 3, 14, 9, 5, 7, 120, UTC))
    _insert_both_ways(db_path, Interaction.__table__, [{**base, "id": 901}],
                      [{**base, "id": 902}, {**base, "id": 903, "note": "Lunch",
                                             "they_reached_out": False}])
    got = rows(db_path, "SELECT id, date, channel, note, they_reached_out, gave, received, "
                        "logged_at, import_id FROM interaction WHERE id > 900 ORDER BY id")
    assert [r[1:] for r in got[:2]] == [got[0][1:]] * 2
    assert got[2][3:5] == ("Lunch", 0)
    assert [r[0] for r in got] == [901, 902, 903]


def test_the_bulk_insert_fills_a_column_default_as_core_does(db_path):
    """A table with a default SQLAlchemy fills in (none of ties' bulk tables has one
    today): the bulk insert leaves it to SQLAlchemy rather than writing NULL. A table of
    one column is written too."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, select

    table = Table("bulk_probe", MetaData(), Column("id", Integer, primary_key=True),
                  Column("word", String, default="fresh"))
    single = Table("bulk_single", MetaData(), Column("id", Integer, primary_key=True))
    conn = backend.for_store(db_path).open()
    try:
        with conn.transaction(write=True):
            session = conn.backend.session(conn)
            table.create(session.connection())
            single.create(session.connection())
            conn.insert_rows(session, table, [{"id": 1}, {"id": 2}])
            conn.insert_rows(session, table, [])
            conn.insert_rows(session, single, [{"id": 5}, {"id": 6}])
            assert session.execute(select(table.c.word)).scalars().all() == ["fresh"] * 2
            assert session.execute(select(single.c.id)).scalars().all() == [5, 6]
            session.close()
            raise KeyboardInterrupt  # nothing kept: the probe table goes with it
    except KeyboardInterrupt:
        pass
    finally:
        conn.close()


# Converting each distinct value once (backend._converted) ------------------------------

def _values():
    from datetime import UTC, datetime, timedelta, timezone

    from hypothesis import strategies as st

    zones = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
    moments = st.builds(lambda n, z: datetime(2025, 3, 14, 9, tzinfo=UTC).astimezone(z)
                        + timedelta(hours=n % 3), st.integers(0, 5), zones)
    return st.one_of(st.none(), st.booleans(), st.integers(-1, 2), st.floats(-1, 1),
                     st.sampled_from([0.0, -0.0]), st.text(max_size=2),
                     st.dates(date(2025, 3, 1), date(2025, 3, 3)), moments,
                     st.datetimes(datetime(2025, 3, 1), datetime(2025, 3, 2)))


def _converts_as_each_value_alone(values, kinds):
    """A converter that tells every value apart by its type and form (repr: True from 1,
    0.0 from -0.0, one instant in two zones) gives, value for value, what it gives when
    each value is converted alone."""
    values = [v for v in values if type(v) in kinds] if kinds else values
    assert backend._converted(repr, values) == [repr(v) for v in values]


def test_converting_each_distinct_value_once_gives_what_converting_each_gives():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=40, deadline=None)
    @given(st.lists(_values(), max_size=12), st.sets(st.sampled_from([bool, int, float, date])))
    def check(values, kinds):
        _converts_as_each_value_alone(values, kinds)

    check()


@pytest.mark.slow
def test_converting_each_distinct_value_once_gives_what_converting_each_gives_deep():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=1500, deadline=None, derandomize=True)
    @given(st.lists(_values(), max_size=30), st.sets(st.sampled_from([bool, int, float, date])))
    def check(values, kinds):
        _converts_as_each_value_alone(values, kinds)

    check()


def test_a_column_of_few_distinct_values_converts_each_once():
    """The shortcut stays taken: 3,000 rows of three days and of one object (an import's
    time) are four conversions, not 6,000."""
    from datetime import UTC, datetime

    calls = []

    def to(value):
        calls.append(value)
        return str(value)

    days = [date(2025, 3, 1 + n % 3) for n in range(3000)]
    stamp = datetime(2025, 3, 14, 9, tzinfo=UTC)
    assert backend._converted(to, days) == [str(d) for d in days]
    assert backend._converted(to, [stamp] * 3000) == [str(stamp)] * 3000
    assert len(calls) == 4
    assert backend._converted(None, days) is days  # nothing to convert: the list itself


def test_interactions_sealed_as_they_are_written_carry_the_digest_a_read_back_gives(people):
    """The import writes each interaction's digest with it (what undo compares to tell
    whether you changed it) instead of reading the rows back: the two digests are the
    same, for notes and none, either flag, a leap day, and someone `add_new` adds."""
    result = run_import(
        people,
        sight("ics:u1/a", ("ana@home.example", "bo@example.com"), reached_out="bo@example.com"),
        sight("ics:u2/a", ("bo@example.com",), note=None, when=date(2024, 2, 29)),
        sight("ics:u3/a", ("new@example.com", "ana@example.com"), when=date(2025, 1, 2)),
        sight("ics:u3/b", ("new@example.com",), when=date(2025, 1, 9), note="Täglich"),
        add_new=True)
    conn = backend.for_store(people).open()
    try:
        with conn.transaction(write=False):
            sealed = dict(conn.execute("SELECT id, import_digest FROM interaction WHERE "
                                       "import_id = ?", (result.batch_id,)).fetchall())
            read_back = {iid: store._digest(values) for iid, values in
                         store._values(conn, "interaction", sorted(sealed)).items()}
            added = conn.execute("SELECT count(*) FROM person WHERE import_id = ?",
                                 (result.batch_id,)).fetchone()[0]
    finally:
        conn.close()
    assert len(sealed) == 4 and added == 1
    assert None not in sealed.values()
    assert sealed == read_back
