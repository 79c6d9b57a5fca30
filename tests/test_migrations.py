"""Migrations: blank stores, repeated runs, fixture stores of every released schema, and
the migrated schema against the SQLModel models."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import dump, execute, rows
from ties import db, migrations
from ties.errors import StoreError

FIXTURES = Path(__file__).parent / "fixtures"
RELEASED = sorted(FIXTURES.glob("store-v*.sql"))


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
            "indexes": sorted(
                (r[1], r[2], tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
                for r in conn.execute(f"PRAGMA index_list('{t}')")),
        }
    conn.close()
    return out


def test_migrated_schema_equals_the_models(tmp_path):
    from sqlmodel import SQLModel, create_engine

    import ties.models  # noqa: F401

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
                        "setting", "import_batch", "import_fill")}
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
    before = dump(path)

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
                  if p.is_file() and not p.name.endswith(("-wal", "-shm"))) == ["old.db"]


def test_successful_migration_upgrades_and_keeps_rows(tmp_path, monkeypatch):
    path = load_fixture(RELEASED[-1], tmp_path / "old.db")
    db.open_store(path).close()
    people = rows(path, "SELECT id, name FROM person ORDER BY id")
    before = dump(path)

    def m_add_column(conn):
        conn.execute("ALTER TABLE person ADD COLUMN nickname VARCHAR")

    steps = [*migrations.MIGRATIONS, m_add_column]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST", len(steps))
    conn = db.open_store(path)
    assert db.schema_version(conn) == len(steps)
    conn.close()
    assert rows(path, "SELECT id, name FROM person ORDER BY id") == people
    backups = list(tmp_path.glob("old.db.schema*.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert dump(backups[0]) == before
    assert not list(tmp_path.glob(".*.tmp*"))


def test_directory_instead_of_store_is_refused(tmp_path):
    (tmp_path / "d.db").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        db.open_store(tmp_path / "d.db")
