"""Ids are never given out twice: a command from shell history that names a deleted person,
interaction, follow-up or import can't reach a newer one. On SQLite and PostgreSQL, after
deletes, restores and JSON imports (the JSON export carries the store's high-water marks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import BACKEND, fresh_store, rows

IMPORTS = Path(__file__).parent / "fixtures" / "import"


def location(store) -> str:
    """What --db takes for a store (a server URL with its password)."""
    return getattr(store, "url", None) or str(store)


def test_regression_interaction_rm_then_log_gave_out_the_same_id_again(ties):
    ties("add", "Ana Lima", "--no-log")
    assert ties("log", "Ana", "--note", "coffee").stderr.startswith("Logged #1:")
    assert ties("log", "Ana", "--note", "call").stderr.startswith("Logged #2:")
    assert ties("interaction", "rm", "2", "--yes").exit_code == 0
    assert ties("log", "Ana", "--note", "lunch").stderr.startswith("Logged #3:")
    assert ties("interaction", "rm", "2", "--yes").exit_code == 1  # still gone, not #3


def test_a_removed_persons_id_is_never_given_to_someone_else(ties):
    assert ties("add", "Ana Lima").stderr.startswith("Added Ana Lima (@1)")
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@2)")
    assert ties("rm", "@2", "--yes").exit_code == 0
    assert ties("add", "Cy Diaz").stderr.startswith("Added Cy Diaz (@3)")
    result = ties("show", "@2")
    assert result.exit_code == 1


def test_a_follow_up_id_is_never_given_out_again(ties):
    ties("add", "Ana Lima", "--no-log")
    ties("add", "Bo Chen", "--no-log")
    assert ties("follow-up", "Ana", "send the paper").stderr.startswith("Follow-up #1 ")
    assert ties("follow-up", "Bo", "intro to Mei").stderr.startswith("Follow-up #2 ")
    ties("rm", "Bo", "--yes")  # takes follow-up #2 with him
    assert ties("follow-up", "Ana", "lend the book").stderr.startswith("Follow-up #3 ")
    assert ties("done", "2").exit_code == 1


def test_the_json_export_carries_the_highest_ids_ever_given_out(ties):
    ties("add", "Ana Lima")
    ties("add", "Bo Chen")
    ties("follow-up", "Bo", "intro")
    ties("rm", "Bo", "--yes")
    doc = json.loads(ties("export").stdout)
    assert [p["id"] for p in doc["people"]] == [1]
    assert doc["last_ids"] == {"people": 2, "interactions": 2, "follow_ups": 1}


def test_a_json_backup_read_into_a_new_store_gives_out_none_of_the_old_ids(
        ties, tmp_path_factory):
    ties("add", "Ana Lima")
    ties("add", "Bo Chen")
    ties("follow-up", "Bo", "intro")
    ties("rm", "Bo", "--yes")  # @2, interaction #2 and follow-up #1 were given out
    exported = ties("export").stdout
    with fresh_store(tmp_path_factory, "moved") as other:
        db = location(other)
        result = ties("--db", db, "import", "-", input=exported)
        assert result.exit_code == 0, result.stderr
        assert json.loads(ties("--db", db, "export").stdout)["people"][0]["id"] == 1  # kept
        assert ties("--db", db, "add", "Cy Diaz").stderr.startswith("Added Cy Diaz (@3)")
        assert ties("--db", db, "log", "Ana", "--note", "x").stderr.startswith("Logged #4:")
        assert ties("--db", db, "follow-up", "Ana", "y").stderr.startswith("Follow-up #2 ")


def test_json_into_an_emptied_store_is_renumbered_rather_than_reuse_its_old_ids(
        ties, tmp_path_factory):
    ties("add", "Ana Lima", "--no-log")
    exported = ties("export").stdout
    with fresh_store(tmp_path_factory, "used") as other:
        db = location(other)
        ties("--db", db, "add", "Someone Else", "--no-log")
        ties("--db", db, "rm", "@1", "--yes")  # this store gave out @1 already
        assert ties("--db", db, "import", "-", input=exported).exit_code == 0
        people = json.loads(ties("--db", db, "list", "--json").stdout)
        assert [(p["id"], p["name"]) for p in people] == [(2, "Ana Lima")]


@pytest.mark.parametrize("mark", ["many", -1, 2**31, True, 1.5])
def test_a_json_file_with_unusable_id_marks_is_refused_naming_the_field(ties, mark):
    """Like every other value of a ties JSON file, a bad mark refuses the whole file."""
    doc = {"format": "ties", "version": 1, "people": [{"id": 4, "name": "Ana Lima"}],
           "last_ids": {"people": mark, "interactions": mark}}
    result = ties("import", "-", input=json.dumps(doc))
    assert result.exit_code == 1
    assert '"last_ids" "people" must be a whole number from 0 to 2147483647' in result.stderr
    assert result.stderr.endswith("Nothing was imported.\n")
    assert json.loads(ties("list", "--json").stdout) == []


@pytest.mark.parametrize("marks", [None, {}, {"people": None}])
def test_a_json_file_without_id_marks_numbers_past_its_own_ids(ties, marks):
    doc = {"format": "ties", "version": 1, "people": [{"id": 4, "name": "Ana Lima"}],
           "last_ids": marks}
    if marks == {"people": None}:
        assert ties("import", "-", input=json.dumps(doc)).exit_code == 1
        return
    assert ties("import", "-", input=json.dumps(doc)).exit_code == 0
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@5)")
    assert ties("log", "Ana", "--note", "x").stderr.startswith("Logged #2:")


def test_a_json_file_s_id_marks_are_honoured_above_its_highest_ids(ties):
    doc = {"format": "ties", "version": 1, "people": [{"id": 4, "name": "Ana Lima"}],
           "last_ids": {"people": 9, "interactions": 20, "follow_ups": 3}}
    assert ties("import", "-", input=json.dumps(doc)).exit_code == 0
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@10)")
    assert ties("log", "Ana", "--note", "x").stderr.startswith("Logged #22:")  # add logged #21
    assert ties("follow-up", "Ana", "y").stderr.startswith("Follow-up #4 ")


def test_an_import_that_changes_nothing_uses_up_no_import_number(ties):
    csv = IMPORTS / "generic.csv"
    assert "as import #1:" in ties("import", str(csv)).stderr
    assert "as import #" not in ties("import", str(csv)).stderr  # nothing new: no batch
    assert ties("import", "--undo").exit_code == 0
    second = ties("import", str(csv)).stderr
    assert "as import #2:" in second or BACKEND == "postgresql" and "as import #3:" in second


@pytest.mark.sqlite_only
def test_restoring_an_older_backup_gives_out_none_of_the_ids_the_replaced_store_used(
        ties, db_path, tmp_path):
    ties("add", "Ana Lima")
    backup = tmp_path / "old.db"
    assert ties("backup", str(backup)).exit_code == 0
    ties("add", "Bo Chen")  # @2, interaction #2
    ties("follow-up", "Bo", "intro")  # follow-up #1
    ties("import", str(IMPORTS / "generic.csv"))  # import #1, people @3 to @5
    assert ties("restore", str(backup), "--yes").exit_code == 0
    assert rows(db_path, "SELECT id, name FROM person") == [(1, "Ana Lima")]
    assert ties("add", "Cy Diaz").stderr.startswith("Added Cy Diaz (@6)")
    assert ties("log", "Ana", "--note", "x").stderr.startswith("Logged #4:")  # Cy's was #3
    assert ties("follow-up", "Ana", "y").stderr.startswith("Follow-up #2 ")
    assert "as import #2:" in ties("import", str(IMPORTS / "generic.csv")).stderr


@pytest.mark.sqlite_only
def test_restoring_a_schema_1_backup_keeps_the_replaced_stores_ids_used(ties, db_path,
                                                                         tmp_path):
    import sqlite3

    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    conn.executescript((Path(__file__).parent / "fixtures" / "store-v1.sql").read_text())
    conn.close()
    for n in range(9):
        ties("add", f"Person {n}", "--no-log")
    assert ties("restore", str(old), "--yes").exit_code == 0
    assert ties("add", "Cy Diaz", "--no-log").stderr.startswith("Added Cy Diaz (@10)")


def test_regression_a_person_listed_twice_in_a_json_file_took_the_files_id(ties):
    ties("add", "Ana Lima", "--no-log")
    ties("add", "Bo Chen", "--no-log")
    ties("rm", "Bo", "--yes")  # @2 was given out
    doc = {"format": "ties", "version": 1, "people": [
        {"id": 7, "name": "Dee Park", "company": "Acme"},
        {"id": 2, "name": "Dee Park", "company": "Acme", "email": "dee@acme.example"}]}
    result = ties("import", "-", input=json.dumps(doc))
    assert result.exit_code == 0, result.stderr
    people = json.loads(ties("list", "--json").stdout)
    assert [(p["id"], p["name"], p["email"]) for p in people] == [
        (1, "Ana Lima", None), (3, "Dee Park", "dee@acme.example")]


def test_what_ties_numbers_after_a_high_imported_id_exports_and_imports_again_regression(
        ties, tmp_path_factory):
    """Regression: a file's id of 2,000,000,000 was the most a file could bring, yet the
    next person got @2000000001, and the store's own export was then refused."""
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 2_000_000_000, "name": "Ana Lima"}]}
    assert ties("import", "-", input=json.dumps(doc)).exit_code == 0
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@2000000001)")
    exported = ties("export").stdout
    with fresh_store(tmp_path_factory, "high") as other:
        result = ties("--db", location(other), "import", "-", input=exported)
        assert result.exit_code == 0, result.stderr
