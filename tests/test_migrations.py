"""Migrations: blank stores, repeated runs, fixture stores of every released schema, and
the migrated schema against the SQLModel models."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from conftest import dump, execute, rows
from ties.core.errors import StoreError
from ties.storage import db, migrations

FIXTURES = Path(__file__).parent / "fixtures"
RELEASED = sorted(FIXTURES.glob("store-v*.sql"), key=lambda p: int(p.stem.split("-v")[1]))
# The columns dating talking points: m007's one per person, m008's one per talking point.
LEARNED = ("learned_at", "working_on_learned_at", "struggles_learned_at",
           "cares_about_learned_at")


# The tables steps after the newest frozen fixture (store-v7) add: a test that takes a store
# back to an older schema drops them too, and one that upgrades an old store expects them.
LATER = ("job_change", "import_value", "week_list", "deleted_source")


def load_fixture(sql_file: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(target)
    conn.executescript(sql_file.read_text())
    conn.close()
    target.chmod(0o600)
    return target


def schema(path: Path) -> dict:
    """Tables with their columns, foreign keys and indexes, as SQLite reports them."""
    conn = sqlite3.connect(path)
    out = {}
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for t in sorted(tables):
        out[t] = {
            "columns": sorted(conn.execute(f"PRAGMA table_info('{t}')").fetchall()),
            "fks": sorted(r[2:] for r in conn.execute(f"PRAGMA foreign_key_list('{t}')")),
            "autoincrement": "AUTOINCREMENT" in conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0].upper(),
            "indexes": sorted(
                (r[1], r[2], tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
                for r in conn.execute(f"PRAGMA index_list('{t}')")),
        }
    conn.close()
    return out


def test_migrated_schema_equals_the_models(tmp_path):
    from sqlmodel import SQLModel, create_engine

    import ties.storage.models  # noqa: F401

    migrated = tmp_path / "migrated.db"
    db.open_store(migrated).close()
    modelled = tmp_path / "modelled.db"
    engine = create_engine(f"sqlite:///{modelled}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    assert schema(migrated) == schema(modelled)


def test_blank_store_is_migrated_to_latest(tmp_path):
    conn = db.open_store(tmp_path / "new.db")
    assert db.schema_version(conn) == migrations.LATEST
    conn.close()


def test_migrate_twice_is_noop(tmp_path):
    path = tmp_path / "twice.db"
    db.open_store(path).close()
    before = dump(path)
    db.open_store(path).close()
    assert dump(path) == before


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
@pytest.mark.sqlite_only
def test_every_released_store_opens_and_keeps_every_row(ties, db_path, fixture):
    load_fixture(fixture, db_path)
    before = {t: rows(db_path, f"SELECT count(*) FROM {t}")[0][0]
              for t in ("person", "interaction", "interaction_person", "tag", "follow_up",
                        "setting", "import_batch", "import_fill", "person_stats")}
    result = ties("show", "Ana Lima", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["working_on"] == "platform rewrite"
    assert data["every_days"] == 21
    assert [h["note"] for h in data["history"]][:1] == ["she sent a job lead"]
    after = {t: rows(db_path, f"SELECT count(*) FROM {t}")[0][0] for t in before}
    assert after == before
    assert rows(db_path, "SELECT value FROM ties_meta WHERE key = 'schema_version'") == [
        (str(migrations.LATEST),)]
    assert ties("show", "王伟", "--json").exit_code == 0
    assert ties("log", "Beyoncé", "--note", "still works").exit_code == 0
    _keys_follow_names(db_path)


def test_store_from_newer_ties_is_refused_unchanged(ties, db_path):
    ties("add", "Ana")
    execute(db_path, "UPDATE ties_meta SET value = '999' WHERE key = 'schema_version'")
    before = dump(db_path)
    result = ties("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: This store was written by a newer version of ties "
                                    "(schema 999;")
    assert "Upgrade ties: pip install -U ties." in result.stderr
    assert dump(db_path) == before


def test_failing_migration_rolls_back_completely_and_leaves_no_copy_behind(
        tmp_path, monkeypatch):
    path = load_fixture(RELEASED[-1], tmp_path / "old.db")
    db.open_store(path).close()
    for kept in tmp_path.glob("*.bak"):  # the copy a step newer than the fixture kept
        kept.unlink()
    before = dump(path)
    files = sorted(p.name for p in tmp_path.iterdir()
                   if p.is_file() and not p.name.endswith(("-wal", "-shm")))

    def m_add_column(conn):
        conn.execute("ALTER TABLE person ADD COLUMN nickname VARCHAR")
        conn.execute("UPDATE person SET nickname = name")

    def m_broken(conn):
        raise RuntimeError("step failed halfway")

    steps = [*migrations.MIGRATIONS, m_add_column, m_broken]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST", len(steps))
    with pytest.raises(RuntimeError):
        db.open_store(path)
    assert dump(path) == before
    # The store is as it was, so the copy taken first is surplus: repeated failures (or
    # kills) must not pile up full-size copies.
    assert sorted(p.name for p in tmp_path.iterdir()
                  if p.is_file() and not p.name.endswith(("-wal", "-shm"))) == files


def test_successful_migration_upgrades_and_keeps_rows(tmp_path, monkeypatch):
    path = load_fixture(RELEASED[-1], tmp_path / "old.db")
    db.open_store(path).close()
    for kept in tmp_path.glob("*.bak"):  # the copy a step newer than the fixture kept
        kept.unlink()
    people = rows(path, "SELECT id, name FROM person ORDER BY id")
    before = dump(path)
    latest = migrations.LATEST  # the fixture may be older: its own upgrade's copy is not this

    def m_add_column(conn):
        conn.execute("ALTER TABLE person ADD COLUMN nickname VARCHAR")

    steps = [*migrations.MIGRATIONS, m_add_column]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST", len(steps))
    conn = db.open_store(path)
    assert db.schema_version(conn) == len(steps)
    conn.close()
    assert rows(path, "SELECT id, name FROM person ORDER BY id") == people
    backups = list(tmp_path.glob(f"old.db.schema{latest}-*.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert dump(backups[0]) == before
    assert not list(tmp_path.glob(".*.tmp*"))


def test_directory_instead_of_store_is_refused(tmp_path):
    (tmp_path / "d.db").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        db.open_store(tmp_path / "d.db")


_RHYTHM = {("person_stats", "rhythm_days"), ("person_stats", "rhythm_gaps"),
           ("interaction_source", "thread")}


def _keys_follow_names(path: Path) -> None:
    """Every stored search key is what `names.fold` makes of the name today."""
    from ties.core.names import fold

    for name, key in rows(path, "SELECT name, name_key FROM person"):
        assert key == fold(name), name


def _table_rows(path: Path, *, learned: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table; person without the columns dating talking points (m007's
    learned_at, m008's per talking point: the steps before them know nothing of them, and
    their own tests check them) unless `learned`, person_stats without the learned
    rhythm (filled by m009, which its own test checks) and interaction_source without
    m011's mail thread (its own test checks it). A person's name_key is left out too:
    m004 and m012 write it again from the name, which every upgrade test checks
    (`_keys_follow_names`)."""
    tables = [r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    out = {}
    for t in tables:
        cols = [r[1] for r in rows(path, f"PRAGMA table_info('{t}')")
                if (learned or t != "person" or r[1] not in LEARNED)
                and (t, r[1]) not in _RHYTHM and (t, r[1]) != ("person", "name_key")]
        out[t] = rows(path, f"SELECT {', '.join(cols)} FROM {t} ORDER BY 1, 2")
    return out


@pytest.mark.sqlite_only
def test_m002_keeps_every_row_of_every_table_and_numbers_past_the_highest_id(tmp_path):
    path = load_fixture(FIXTURES / "store-v1.sql", tmp_path / "v1.db")
    before = _table_rows(path)
    db.open_store(path).close()
    after = _table_rows(path)
    assert set(after) == set(before) | {"import_setting", "person_contact",
                                        "interaction_source", *LATER}
    for table, old in before.items():
        if table == "ties_meta":
            old = [r for r in old if r[0] != "schema_version"]
            assert [r for r in after[table] if r[0] != "schema_version"] == old
            continue
        assert old, f"the fixture should hold rows of {table}"
        width = len(old[0])
        # Every row, every value, in the same columns; the new columns are empty.
        assert [r[:width] for r in after[table]] == old, table
        assert {v for r in after[table] for v in r[width:]} <= {None}, table
    assert rows(path, "SELECT name, seq FROM sqlite_sequence ORDER BY name") == [
        ("follow_up", 2), ("import_batch", 2), ("interaction", 6), ("person", 7)]
    assert rows(path, "PRAGMA foreign_key_check") == []
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert "_m002" not in dump(path)  # every reference names the final table
    # The references still cascade: deleting a person takes their rows with them.
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM person WHERE id = 1")
    conn.commit()
    conn.close()
    assert rows(path, "SELECT count(*) FROM tag") == [(0,)]
    assert rows(path, "SELECT count(*) FROM import_fill") == [(0,)]
    assert rows(path, "SELECT person_id FROM follow_up") == [(2,)]


@pytest.mark.sqlite_only
def test_m002_numbers_new_rows_past_ids_deleted_before_the_upgrade(tmp_path):
    path = load_fixture(FIXTURES / "store-v1.sql", tmp_path / "v1.db")
    db.open_store(path).close()
    execute(path, "DELETE FROM follow_up WHERE id = 2")
    execute(path, "INSERT INTO follow_up (person_id, text, created) VALUES (1, 'x', "
                  "'2025-03-14')")
    assert rows(path, "SELECT id FROM follow_up ORDER BY id") == [(1,), (3,)]


@pytest.mark.sqlite_only
def test_store_v2_numbers_past_its_deleted_ids_and_undoes_its_json_import(ties, db_path):
    load_fixture(FIXTURES / "store-v2.sql", db_path)
    assert ties("add", "Cy Diaz", "--no-log").stderr.startswith("Added Cy Diaz (@10)")
    result = ties("import", "--undo", "--batch", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #3: removed 1 person, 1 interaction, 1 follow-up "
                             "and 1 setting it created and emptied what it filled in for 1.\n")
    assert rows(db_path, "SELECT phone FROM person WHERE name = 'Ana Lima'") == [(None,)]
    assert ties("log", "Ana", "--note", "x").stderr.startswith("Logged #9:")


@pytest.mark.sqlite_only
def test_m003_keeps_every_row_and_each_persons_email_and_phone_stays_their_primary(
        ties, db_path):
    load_fixture(FIXTURES / "store-v2.sql", db_path)
    before = _table_rows(db_path)
    assert [r for r in before["person"] if r[8] or r[9]], "the fixture should hold emails"
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert (data["email"], data["emails"]) == ("ana@example.com", ["ana@example.com"])
    assert (data["phone"], data["phones"]) == ("+351 555 0101", ["+351 555 0101"])
    after = _table_rows(db_path)
    assert set(after) == set(before) | {"person_contact", "interaction_source", *LATER}
    assert after["person_contact"] == []
    for table, old in before.items():
        if table == "ties_meta":
            old = [r for r in old if r[0] != "schema_version"]
            assert [r for r in after[table] if r[0] != "schema_version"] == old
            continue
        assert after[table] == old, table  # every row, every value: emails stay put
    assert rows(db_path, "PRAGMA foreign_key_check") == []


@pytest.mark.sqlite_only
def test_a_schema_3_store_shows_every_address_and_a_match_by_a_further_one(ties, db_path):
    load_fixture(FIXTURES / "store-v3.sql", db_path)
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert data["emails"] == ["ana@example.com", "ana.lima@globex.example",
                              "Ana@Home.example"]
    assert data["phones"] == ["+351 555 0101", "+351 555 0199"]
    found = json.loads(ties("list", "--search", "home.example", "--json").stdout)
    assert [p["name"] for p in found] == ["Ana Lima", "Bo Chen \"BC\""]


@pytest.mark.sqlite_only
def test_m004_writes_search_keys_again_so_soren_finds_a_schema_3_stores_soren(ties, db_path):
    """Regression: 'ties log soren' did not find Søren; a schema-3 store keeps the keys the
    old folding wrote ('søren ...'), and m004 writes them again from the names."""
    load_fixture(FIXTURES / "store-v3.sql", db_path)
    execute(db_path, "INSERT INTO person (id, name, name_key, created, archived, updated_at) "
            "VALUES (21, 'Søren Kierkegaard', 'søren kierkegaard', '2025-03-01', 0, "
            "'2025-03-01 10:00:00'), (22, 'Łukasz Wałęsa', 'łukasz wałesa', '2025-03-01', 0, "
            "'2025-03-01 10:00:00'), (23, 'Ærø O’Hara', 'ærø o’hara', '2025-03-01', 0, "
            "'2025-03-01 10:00:00')")
    before = _table_rows(db_path)
    result = ties("log", "soren", "--note", "found")
    assert result.exit_code == 0, result.stderr
    assert "with Søren Kierkegaard" in result.stderr
    after = _table_rows(db_path)
    assert rows(db_path, "SELECT id, name_key FROM person WHERE id > 20 ORDER BY id") == [
        (21, "soren kierkegaard"), (22, "lukasz walesa"), (23, "aero ohara")]
    for table, old in before.items():
        if table == "person":  # every row, every value but the new keys (left out)
            assert after[table] == old
        elif table not in ("ties_meta", "interaction", "interaction_person", "person_stats"):
            assert after[table] == old, table
    assert [r[1] for r in before["person"] if r[0] <= 20] == \
        [r[1] for r in after["person"] if r[0] <= 20]
    assert ties("show", "lukasz walesa").exit_code == 0
    assert ties("show", "Aero O'Hara").exit_code == 0
    assert ties("show", "aero ohara").exit_code == 0
    _keys_follow_names(db_path)
    assert "values: ok" in ties("doctor").stdout


def test_m004_changes_only_keys_the_new_folding_changes(tmp_path):
    path = tmp_path / "store.db"
    db.open_store(path).close()
    execute(path, "INSERT INTO person (name, name_key, created, archived, updated_at) VALUES "
            "('Ana Lima', 'ana lima', '2025-03-01', 0, '2025-03-01 10:00:00'), "
            "('Bjørn', 'bjørn', '2025-03-01', 0, '2025-03-01 10:00:00')")
    conn = sqlite3.connect(path)
    assert migrations.recompute_name_keys(conn) == 1
    assert migrations.recompute_name_keys(conn) == 0
    assert conn.execute("SELECT name_key FROM person ORDER BY id").fetchall() == [
        ("ana lima",), ("bjorn",)]
    conn.close()


def test_m004_upgrades_a_schema_3_stores_keys_on_either_database(ties, db_path):
    assert ties("add", "Bjørn Ærø", "--no-log").exit_code == 0
    assert ties("add", "Ana Lima", "--no-log").exit_code == 0
    execute(db_path, "UPDATE person SET name_key = 'bjørn ærø' WHERE name_key = 'bjorn aero'")
    execute(db_path, "DROP TABLE interaction_source")  # what schema 3 lacks, taken away
    for column in LEARNED[1:]:  # what schema 7 added and m008 replaced, taken away
        execute(db_path, f"ALTER TABLE person DROP COLUMN {column}")
    execute(db_path, "ALTER TABLE person_stats DROP COLUMN rhythm_days")
    execute(db_path, "ALTER TABLE person_stats DROP COLUMN rhythm_gaps")
    for table in LATER:
        execute(db_path, f"DROP TABLE {table}")
    execute(db_path, "UPDATE ties_meta SET value = '3' WHERE key = 'schema_version'")
    result = ties("log", "bjorn")
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT name_key FROM person ORDER BY id") == [("bjorn aero",),
                                                                        ("ana lima",)]
    assert rows(db_path, "SELECT value FROM ties_meta WHERE key = 'schema_version'") == [
        (str(migrations.LATEST),)]


@pytest.mark.sqlite_only
def test_m005_keeps_every_row_and_adds_an_empty_interaction_source(ties, db_path):
    load_fixture(FIXTURES / "store-v3.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0
    after = _table_rows(db_path)
    assert set(after) == set(before) | {"interaction_source", *LATER}
    assert after["interaction_source"] == []
    _kept_every_row(before, after)
    assert rows(db_path, "PRAGMA foreign_key_check") == []


@pytest.mark.sqlite_only
def test_a_schema_5_store_undoes_its_calendar_import_and_keeps_the_merged_coffee(
        ties, db_path):
    load_fixture(FIXTURES / "store-v5.sql", db_path)
    ana = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert {h["id"]: h["note"] for h in ana["history"]}[9] == "Standup"
    undone = ties("import", "--undo", "--batch", "4")
    assert undone.exit_code == 0, undone.stderr
    assert "forgot what it merged into 1 interaction" in undone.stderr
    notes = {h["id"]: h["note"] for h in
             json.loads(ties("show", "Ana Lima", "--json").stdout)["history"]}
    assert 9 not in notes and notes[5] == "she sent a job lead"
    assert rows(db_path, "SELECT count(*) FROM interaction_source") == [(0,)]


@pytest.mark.sqlite_only
def test_m006_keeps_every_row_and_lets_a_key_come_without_an_import(ties, db_path):
    load_fixture(FIXTURES / "store-v5.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0
    after = _table_rows(db_path)
    assert set(after) == set(before) | set(LATER)
    _kept_every_row(before, after)
    columns = {r[1]: r[3] for r in rows(db_path, "PRAGMA table_info('interaction_source')")}
    assert columns["batch_id"] == 0 and columns["key"] == 1  # notnull
    assert schema(db_path)["interaction_source"]["indexes"] == [
        ("ix_interaction_source_batch_id", 0, ("batch_id",)),
        ("ix_interaction_source_interaction_id", 0, ("interaction_id",)),
        ("sqlite_autoindex_interaction_source_1", 1, ("key", "person_id"))]
    assert rows(db_path, "PRAGMA foreign_key_check") == []


def test_m006_upgrades_a_schema_5_store_on_either_database_so_a_json_import_brings_keys(
        ties, db_path, tmp_path):
    assert ties("add", "Kim Park", "--no-log").exit_code == 0
    execute(db_path, "DROP TABLE interaction_source")  # as schema 4 had it: m005-m007 run
    for column in LEARNED[1:]:  # what schema 7 added and m008 replaced, taken away
        execute(db_path, f"ALTER TABLE person DROP COLUMN {column}")
    execute(db_path, "ALTER TABLE person_stats DROP COLUMN rhythm_days")
    execute(db_path, "ALTER TABLE person_stats DROP COLUMN rhythm_gaps")
    for table in LATER:
        execute(db_path, f"DROP TABLE {table}")
    execute(db_path, "UPDATE ties_meta SET value = '4' WHERE key = 'schema_version'")
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 1, "name": "Kim Park"}, {"id": 2, "name": "Lu Wen"}],
           "interactions": [{"id": 1, "date": "2025-03-05", "channel": "video",
                             "note": "Planning", "people": [1, 2],
                             "sources": [{"key": "ics:p-7/2025-03-05T15:00:00Z",
                                          "person": 2}]}]}
    (tmp_path / "kim.json").write_text(json.dumps(doc))
    result = ties("import", str(tmp_path / "kim.json"))
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, 'SELECT "key", batch_id, merged FROM interaction_source') == [
        ("ics:p-7/2025-03-05T15:00:00Z", None, False)]
    assert rows(db_path, "SELECT value FROM ties_meta WHERE key = 'schema_version'") == [
        (str(migrations.LATEST),)]


@pytest.mark.sqlite_only
def test_a_schema_6_store_undoes_its_json_import_with_the_keys_it_brought(ties, db_path):
    load_fixture(FIXTURES / "store-v6.sql", db_path)
    exported = json.loads(ties("export", "--format", "json").stdout)
    kim = next(i for i in exported["interactions"] if i["note"] == "Planning")
    assert kim["sources"] == [{"key": "ics:plan-7@initech.example/2025-03-05T15:00:00Z",
                               "person": kim["people"][0], "merged": False, "filled": None}]
    undone = ties("import", "--undo", "--batch", "5")
    assert undone.exit_code == 0, undone.stderr
    assert rows(db_path, 'SELECT "key" FROM interaction_source ORDER BY 1') == [
        ("ics:standup-1@globex.example/2025-02-25T09:00:00+00:00",),
        ("ics:standup-1@globex.example/2025-02-25T09:00:00+00:00",),
        ("mail:<lead-1@globex.example>",)]


def _kept_every_row(before: dict, after: dict) -> None:
    for table, old in before.items():
        if table == "ties_meta":
            old = [r for r in old if r[0] != "schema_version"]
            assert [r for r in after[table] if r[0] != "schema_version"] == old
            continue
        assert after[table] == old, table


@pytest.mark.sqlite_only
def test_m007_and_m008_keep_every_row_and_date_each_talking_point_by_the_last_change(
        ties, db_path):
    """A schema-6 store: each talking point that is set gets the person's last change of
    any kind as the time it was learned (the best the store knows); one that is empty, and
    a person without any, get none."""
    load_fixture(FIXTURES / "store-v6.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0
    _kept_every_row(before, _table_rows(db_path))
    people = rows(db_path, "SELECT id, working_on, struggles, cares_about, updated_at, "
                           "working_on_learned_at, struggles_learned_at, "
                           "cares_about_learned_at FROM person")
    assert any(any(p[1:4]) for p in people), "the fixture should hold a talking point"
    assert any(not any(p[1:4]) for p in people), "and a person without one"
    for pid, *points, updated, w, s, c in people:
        assert [w, s, c] == [updated if v is not None else None for v in points], pid
    assert "values: ok" in ties("doctor").stdout


@pytest.mark.sqlite_only
def test_m008_keeps_every_row_and_gives_each_set_talking_point_the_persons_learned_at(
        ties, db_path):
    load_fixture(FIXTURES / "store-v7.sql", db_path)
    before = _table_rows(db_path)
    had = rows(db_path, "SELECT id, working_on, struggles, cares_about, learned_at "
                        "FROM person ORDER BY id")
    assert ties("show", "Ana Lima").exit_code == 0
    _kept_every_row(before, _table_rows(db_path))
    assert "learned_at" not in [r[1] for r in rows(db_path, "PRAGMA table_info('person')")]
    now = rows(db_path, "SELECT id, working_on_learned_at, struggles_learned_at, "
                        "cares_about_learned_at FROM person ORDER BY id")
    assert [r[0] for r in now] == [r[0] for r in had]
    for (pid, *points, learned), (_, *dated) in zip(had, now, strict=True):
        assert dated == [learned if v is not None else None for v in points], pid
    assert any(d is not None for _, *d in now), "the fixture should date a talking point"
    assert any(None in d for _, *d in now if any(d)), "and leave an empty one undated"
    assert "values: ok" in ties("doctor").stdout


@pytest.mark.sqlite_only
def test_a_schema_7_store_keeps_the_talking_points_date_over_a_later_phone_edit(
        ties, db_path):
    load_fixture(FIXTURES / "store-v7.sql", db_path)
    dated = "working_on_learned_at, struggles_learned_at, cares_about_learned_at"
    assert ties("show", "Ana Lima").exit_code == 0
    before = rows(db_path, f"SELECT {dated} FROM person WHERE id = 1")
    assert ties("edit", "Ana Lima", "--location", "Porto").exit_code == 0
    assert rows(db_path, f"SELECT {dated} FROM person WHERE id = 1") == before
    liam = rows(db_path, f"SELECT updated_at, {dated} FROM person WHERE id = 2")[0]
    assert liam[0] == liam[1] and liam[1].startswith("2025-03-18")
    assert liam[2:] == (None, None)


@pytest.mark.sqlite_only
def test_a_schema_8_store_dates_each_talking_point_and_next_shows_the_latest(ties, db_path):
    load_fixture(FIXTURES / "store-v8.sql", db_path)
    dated = "working_on_learned_at, struggles_learned_at, cares_about_learned_at"
    ana = rows(db_path, f"SELECT {dated} FROM person WHERE id = 1")[0]
    assert ana[0] == ana[1] != ana[2] and ana[2].startswith("2026-12-01")
    assert ties("edit", "Ana Lima", "--location", "Porto",
                TIES_TODAY="2026-12-10").exit_code == 0
    assert rows(db_path, f"SELECT {dated} FROM person WHERE id = 1")[0] == ana
    from datetime import date

    from ties.views import talk_about

    points = dict(zip(("working_on", "struggles", "cares_about"),
                      rows(db_path, "SELECT working_on, struggles, cares_about FROM person "
                                    "WHERE id = 1")[0], strict=True))
    points.update(zip(dated.split(", "), ana, strict=True))
    assert talk_about(points, None, date(2026, 12, 10)) == (
        "1 Dec: they care about rock climbing", date(2026, 12, 1))
    assert "values: ok" in ties("doctor").stdout


@pytest.mark.sqlite_only
def test_m009_keeps_every_row_and_fills_each_persons_learned_rhythm(ties, db_path):
    """The step that keeps each person's rhythm (core.rhythm.learn) fills it for everyone
    from the interactions of a schema-7 store, and changes nothing else."""
    from ties.core.rhythm import learn

    load_fixture(FIXTURES / "store-v7.sql", db_path)
    before = _table_rows(db_path)
    days: dict[int, list] = {}
    for pid, day in rows(db_path, "SELECT ip.person_id, i.date FROM interaction_person ip "
                                  "JOIN interaction i ON i.id = ip.interaction_id"):
        days.setdefault(pid, []).append(date.fromisoformat(day))
    assert ties("show", "Ana Lima").exit_code == 0
    after = {t: r for t, r in _table_rows(db_path).items() if t not in LATER}
    assert after == {**before, "ties_meta": after["ties_meta"]}
    kept = rows(db_path, "SELECT person_id, rhythm_days, rhythm_gaps FROM person_stats "
                         "ORDER BY person_id")
    assert len(kept) == len(before["person_stats"])
    for pid, typical, gaps in kept:
        assert (typical, gaps) == learn(days.get(pid, ())), pid
    assert any(gaps for _, _, gaps in kept), "the fixture should hold a rhythm"
    assert any(not gaps for _, _, gaps in kept)


@pytest.mark.sqlite_only
def test_m010_keeps_every_row_and_records_what_imports_brought_so_a_reimport_sees_jobs(
        ties, db_path, tmp_path):
    """The people an import created and nobody changed since (their updated_at is still
    the import's time) have their company and role recorded as that kind of file's; a
    person you typed, an undone import's and a ties JSON import's are not."""
    load_fixture(FIXTURES / "store-v7.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0
    after = _table_rows(db_path)
    assert set(after) == set(before) | set(LATER)
    _kept_every_row(before, after)
    assert after["job_change"] == []
    assert after["import_value"] == [
        (5, "company", "linkedin", "Acme"), (5, "role", "linkedin", "Staff Engineer"),
        (6, "company", "linkedin", "Banco Andino, S.A."), (6, "role", "linkedin", "CFO")]
    moved = tmp_path / "Connections.csv"
    moved.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                     "Bo,Chen,https://www.linkedin.com/in/bochen,,Globex,CTO,05 Jan 2026\n"
                     "Ana,Lima,https://www.linkedin.com/in/analima,,Initech,CEO,30 May 2024\n")
    result = ties("import", str(moved), TIES_TODAY="2026-11-22")
    assert result.exit_code == 0, result.stderr
    assert 'changed jobs: Bo Chen "BC" (Acme -> Globex, CTO)\n' in result.stderr
    assert "kept yours: Ana Lima's company is 'Globex'" in result.stderr


@pytest.mark.sqlite_only
def test_a_schema_9_store_keeps_anas_learned_rhythm_and_shows_it(ties, db_path):
    load_fixture(FIXTURES / "store-v9.sql", db_path)
    assert rows(db_path, "SELECT rhythm_days, rhythm_gaps FROM person_stats "
                         "WHERE person_id = 1") == [(19, 3)]
    shown = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert (shown["usual_gap_days"], shown["expected_every_days"]) == (None, 21)  # --every
    assert "values: ok" in ties("doctor").stdout


@pytest.mark.sqlite_only
def test_a_schema_10_store_keeps_bos_earlier_job_and_undoes_nothing_of_it(ties, db_path):
    load_fixture(FIXTURES / "store-v10.sql", db_path)
    shown = json.loads(ties("show", "Bo Chen", "--json").stdout)
    assert shown["jobs"] == [{"date": "2026-12-05", "company_before": "Acme",
                              "role_before": "Staff Engineer", "company": "Globex",
                              "role": "CTO"}]
    assert (shown["company"], shown["role"]) == ("Globex", "CTO")
    assert "values: ok" in ties("doctor").stdout


@pytest.mark.sqlite_only
def test_m011_keeps_every_row_and_gives_mail_keys_no_thread_then_finds_threads_by_root(
        ties, db_path, tmp_path):
    load_fixture(FIXTURES / "store-v8.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0
    after = _table_rows(db_path)
    assert set(after) == set(before) | set(LATER)  # m009-m011 run
    _kept_every_row(before, after)
    assert rows(db_path, "SELECT DISTINCT thread FROM interaction_source") == [(None,)]
    columns = {r[1]: r[3] for r in rows(db_path, "PRAGMA table_info('interaction_source')")}
    assert columns["thread"] == 0  # nullable
    # a mail import after the step records each key's thread root
    ties("config", "me.email", "me@example.com")
    box = tmp_path / "Inbox"
    box.write_text("From - Sun Nov 02 11:00:00 2025\nFrom: ana@example.com\n"
                   "To: me@example.com\nSubject: Re: hi\nDate: Sun, 02 Nov 2025 11:00:00 "
                   "+0000\nMessage-ID: <a1@x>\nReferences: <s1@x>\n\nhello\n")
    result = ties("import", str(box), TIES_TODAY="2025-11-10")
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT thread FROM interaction_source WHERE \"key\" = "
                         "'mail:a1@x'") == [("mail:s1@x",)]


@pytest.mark.sqlite_only
def test_m012_leaves_apostrophes_out_of_name_keys_so_obrien_finds_liam_oBrien(ties, db_path):
    """A review: `ties log obrien` did not find Liam O'Brien. The step writes the keys
    again without apostrophes; nothing else changes."""
    load_fixture(FIXTURES / "store-v10.sql", db_path)
    assert rows(db_path, "SELECT name_key FROM person WHERE id = 2") == [("liam o'brien",)]
    before = _table_rows(db_path)
    result = ties("log", "obrien", "--note", "found him")
    assert result.exit_code == 0, result.stderr
    assert "with Liam O'Brien" in result.stderr
    after = _table_rows(db_path)
    assert after["person"] == before["person"]
    assert rows(db_path, "SELECT name_key FROM person WHERE id IN (2, 7) ORDER BY id") == [
        ("liam obrien",), ("zoe oneill",)]
    _keys_follow_names(db_path)
    assert ties("show", "o'neill").exit_code == 0


@pytest.mark.sqlite_only
def test_m013_keeps_every_row_and_starts_no_week_list_until_a_write_rebuilds_five(ties, db_path):
    """The step adds an empty `week_list`; reads keep none (they never write), and the
    first write keeps this week's list, rebuilt from history."""
    load_fixture(FIXTURES / "store-v10.sql", db_path)
    before = _table_rows(db_path)
    assert ties("report").exit_code == 0
    after = _table_rows(db_path)
    assert set(after) == set(before) | {"week_list", "deleted_source"}
    _kept_every_row(before, after)
    assert after["week_list"] == []
    assert ties("log", "Ana Lima", "--note", "coffee").exit_code == 0
    assert [w for w, _ in rows(db_path, "SELECT week, people FROM week_list")][-1:] == [
        "2025-03-10"]


@pytest.mark.sqlite_only
def test_m014_keeps_every_row_and_starts_no_deleted_key(ties, db_path):
    load_fixture(FIXTURES / "store-v10.sql", db_path)
    before = _table_rows(db_path)
    assert ties("show", "Ana Lima").exit_code == 0  # a read: m011-m014 run, nothing else
    after = _table_rows(db_path)
    assert set(after) == set(before) | {"week_list", "deleted_source"}
    _kept_every_row(before, after)
    assert after["deleted_source"] == []


def test_m014_upgrades_a_schema_13_store_on_either_database_so_a_deleted_meeting_stays_gone(
        ties, db_path, tmp_path):
    ties("config", "me.email", "me@example.com")
    ties("add", "Kim Park", "--email", "kim@example.com", "--no-log")
    calendar = tmp_path / "kim.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:p-7\r\n"
        "DTSTART:20250305T150000Z\r\nSUMMARY:Planning\r\n"
        "ATTENDEE:mailto:kim@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert "1 interaction created" in ties("import", str(calendar)).stderr
    execute(db_path, "DROP TABLE deleted_source")
    execute(db_path, "UPDATE ties_meta SET value = '13' WHERE key = 'schema_version'")
    kept = rows(db_path, 'SELECT "key", person_id, interaction_id FROM interaction_source')
    assert ties("show", "Kim Park").exit_code == 0
    assert rows(db_path, "SELECT value FROM ties_meta WHERE key = 'schema_version'") == [
        (str(migrations.LATEST),)]
    assert rows(db_path, 'SELECT "key", person_id, interaction_id FROM interaction_source'
                ) == kept
    assert rows(db_path, "SELECT count(*) FROM deleted_source") == [(0,)]
    assert ties("interaction", "rm", str(kept[0][2]), "--yes").exit_code == 0
    assert rows(db_path, 'SELECT "key", person_id FROM deleted_source') == [kept[0][:2]]
    assert "skipped 1: deleted by you" in ties("import", str(calendar)).stderr
