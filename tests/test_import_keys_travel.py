"""The keys of calendar and mail imports (interaction_source) travel with the
interactions: a ties JSON export carries them, an import or restore writes them back, so
importing the same calendar again adds nothing; deleting a person or an interaction takes
their keys along; doctor names keys no command writes. Through the real CLI, on either
backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from conftest import Store, execute, fresh_store, rows
from test_cli_import_calendar_mail import CALENDAR

SAME_AGAIN = "Imported ics: 0 interactions created, 3 skipped."


@pytest.fixture
def calendar(tmp_path):
    path = tmp_path / "calendar.ics"
    path.write_text(CALENDAR)
    return str(path)


@pytest.fixture
def imported(ties, calendar, db_path):
    """Ana (a coffee logged by hand, that the calendar's coffee is merged into) and Bo,
    and the calendar imported: one weekly sync created, the coffee merged."""
    assert ties("config", "me.email", "me@example.com").exit_code == 0
    ties("add", "Ana Lima", "--email", "ana@example.com", "--email", "ana@home.example",
         "--no-log")
    ties("add", "Bo Chen", "--email", "bo@example.com", "--no-log")
    assert ties("log", "Ana", "--on", "2025-03-11").exit_code == 0
    result = ties("import", calendar)
    assert "1 interaction created, 1 merged into ones already here" in result.stderr
    return db_path


@contextmanager
def other_store(tmp_path_factory) -> Iterator[tuple[str, Store]]:
    """Another empty store of the test's backend: as --db takes it, and itself."""
    with fresh_store(tmp_path_factory, "other") as store:
        yield (store.url if hasattr(store, "url") else str(store)), store


def keys(store) -> list[tuple]:
    return rows(store, 'SELECT "key", person_id, interaction_id, merged, filled FROM '
                       'interaction_source ORDER BY 1, 2')


def test_a_json_export_carries_each_interactions_keys_with_their_people(ties, imported):
    exported = json.loads(ties("export", "--format", "json").stdout)
    assert [i.get("sources") for i in exported["interactions"]] == [
        [{"key": "ics:coffee-1@example.com/2025-03-11T09:00:00Z", "person": 1,
          "merged": True, "filled": "Coffee with Ana"}],
        [{"key": "ics:sync-1@example.com/2025-03-10T10:00:00Z", "person": 1,
          "merged": False, "filled": None},
         {"key": "ics:sync-1@example.com/2025-03-10T10:00:00Z", "person": 2,
          "merged": False, "filled": None}]]


def test_regression_the_calendar_imported_again_after_export_and_import_elsewhere_adds_nothing(
        ties, imported, calendar, tmp_path_factory):
    """Regression: the export left the keys out, so this duplicated every meeting."""
    exported = ties("export", "--format", "json").stdout
    with other_store(tmp_path_factory) as (other, store):
        assert ties("--db", other, "import", "-", input=exported).exit_code == 0
        again = ties("--db", other, "import", calendar)
        assert again.exit_code == 0, again.stderr
        assert SAME_AGAIN in again.stderr
        assert keys(store) == keys(imported)  # ids kept in a fresh store
        assert rows(store, "SELECT batch_id FROM interaction_source") == [(None,)] * 3
        assert json.loads(ties("--db", other, "export", "--format", "json").stdout)[
            "interactions"] == json.loads(exported)["interactions"]


def test_the_calendar_imported_again_after_a_backup_is_restored_adds_nothing(
        ties, imported, calendar, tmp_path):
    """SQLite's backup is a copy of the file; PostgreSQL's goes through the JSON export."""
    made = ties("backup", str(tmp_path / "backup"))
    assert made.exit_code == 0, made.stderr
    backup = next(tmp_path.glob("backup*"))
    before = keys(imported)
    ties("add", "Cy Doe", "--no-log")
    restored = ties("restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert keys(imported) == before
    again = ties("import", calendar)
    assert again.exit_code == 0, again.stderr
    assert SAME_AGAIN in again.stderr


def test_undoing_a_json_import_takes_its_keys_with_the_interactions_it_created(
        ties, imported, calendar, tmp_path_factory):
    exported = ties("export", "--format", "json").stdout
    with other_store(tmp_path_factory) as (other, store):
        ties("--db", other, "add", "Zed Here", "--no-log")  # so that ids are not kept
        assert ties("--db", other, "import", "-", input=exported).exit_code == 0
        assert len(keys(store)) == 3
        undone = ties("--db", other, "import", "--undo")
        assert undone.exit_code == 0, undone.stderr
        assert keys(store) == []
        ties("--db", other, "config", "me.email", "me@example.com")
        for name, address in (("Ana Lima", "ana@home.example"), ("Bo Chen", "bo@example.com")):
            ties("--db", other, "add", name, "--email", address, "--no-log")
        again = ties("--db", other, "import", calendar)
        assert "2 interactions created, 1 skipped." in again.stderr


def test_a_json_import_writes_no_key_already_here_for_that_person(ties, imported):
    """The sync's note edited here: a JSON import of the earlier export creates the
    unedited sync again (a different interaction), but its keys are here already."""
    exported = ties("export", "--format", "json").stdout
    sync = rows(imported, "SELECT interaction_id FROM interaction_source WHERE NOT merged")[0][0]
    assert ties("interaction", "edit", str(sync), "--note", "sync, edited").exit_code == 0
    before = keys(imported)
    result = ties("import", "-", input=exported)
    assert result.exit_code == 0, result.stderr
    assert "1 interaction," in result.stderr
    assert keys(imported) == before


@pytest.mark.parametrize("command", [("rm", "Bo Chen", "--yes"),
                                     ("interaction", "rm", "SYNC", "--yes")])
def test_deleting_a_person_or_an_interaction_leaves_no_key_behind(ties, imported, command):
    sync = rows(imported, "SELECT interaction_id FROM interaction_source WHERE NOT merged")[0][0]
    result = ties(*(str(sync) if c == "SYNC" else c for c in command))
    assert result.exit_code == 0, result.stderr
    left = [(k[1], k[2]) for k in keys(imported)]
    if command[0] == "rm":
        assert left == [(1, 1), (1, sync)]  # Bo's key went with him; Ana's stay
    else:
        assert left == [(1, 1)]  # only the merged coffee's
    assert rows(imported, "SELECT count(*) FROM interaction_source s WHERE NOT EXISTS ("
                          "SELECT 1 FROM interaction_person ip WHERE ip.interaction_id = "
                          "s.interaction_id AND ip.person_id = s.person_id)") == [(0,)]


def test_doctor_names_a_key_for_someone_not_in_its_interaction_and_export_leaves_it_out(
        ties, imported, tmp_path_factory):
    assert "values: ok" in ties("doctor").stdout
    execute(imported, "UPDATE interaction_source SET person_id = 2 WHERE merged")
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    said = " ".join(doctor.stdout.split())
    assert ("interaction_source 'ics:coffee-1@example.com/2025-...' person 2: the key is for "
            "someone not in interaction 1 (changed outside ties)") in said
    exported = json.loads(ties("export", "--format", "json").stdout)
    assert "sources" not in exported["interactions"][0]
    with other_store(tmp_path_factory) as (other, store):
        result = ties("--db", other, "import", "-", input=json.dumps(exported))
        assert result.exit_code == 0, result.stderr


def test_doctor_names_a_key_no_import_writes_and_export_leaves_it_out(ties, imported):
    execute(imported, "UPDATE interaction_source SET \"key\" = 'web:1', filled = NULL "
                      "WHERE merged")
    said = " ".join(ties("doctor").stdout.split())
    assert ("interaction_source 'web:1' person 1: 'web:1' is no calendar or mail key (they "
            "begin ics: or mail:)") in said
    exported = json.loads(ties("export", "--format", "json").stdout)
    assert "sources" not in exported["interactions"][0]
    assert len(exported["interactions"][1]["sources"]) == 2


def test_a_mail_keys_thread_travels_so_sent_after_a_restore_still_corrects_the_inbox(
        ties, tmp_path, tmp_path_factory, monkeypatch):
    from test_cli_import_calendar_mail import history, sent_and_inbox

    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@example.com", "--no-log")
    sent, inbox = sent_and_inbox(tmp_path)
    assert ties("import", inbox).exit_code == 0
    exported = ties("export", "--format", "json").stdout
    assert [s.get("thread") for i in json.loads(exported)["interactions"]
            for s in i["sources"]] == ["mail:s1@x", "mail:s1@x"]
    with other_store(tmp_path_factory) as (other, store):
        assert ties("--db", other, "import", "-", input=exported).exit_code == 0
        assert json.loads(ties("--db", other, "export", "--format", "json").stdout)[
            "interactions"] == json.loads(exported)["interactions"]
        result = ties("--db", other, "import", sent)
        assert "2 corrected who reached out" in result.stderr, result.stderr
        assert [h["they_reached_out"] for h in history(
            lambda *a, **k: ties("--db", other, *a, **k), "Ana Lima")] == [False, False]


def test_a_meeting_you_deleted_stays_gone_after_export_and_import_elsewhere(
        ties, imported, calendar, tmp_path_factory):
    sync = next(i["id"] for i in json.loads(ties("export", "--format", "json").stdout)[
        "interactions"] if i["note"] == "Weekly sync")
    assert ties("interaction", "rm", str(sync), "--yes").exit_code == 0
    exported = json.loads(ties("export", "--format", "json").stdout)
    assert [p.get("deleted") for p in exported["people"]] == [
        ["ics:sync-1@example.com/2025-03-10T10:00:00Z"]] * 2
    with other_store(tmp_path_factory) as (other, store):
        assert ties("--db", other, "import", "-", input=json.dumps(exported)).exit_code == 0
        again = ties("--db", other, "import", calendar)
        assert again.exit_code == 0, again.stderr
        assert "skipped 1: deleted by you" in again.stderr
        assert "Imported ics: 0 interactions created, 3 skipped." in again.stderr
        assert json.loads(ties("--db", other, "export", "--format", "json").stdout)[
            "people"] == exported["people"]


def test_a_json_file_with_a_deleted_key_that_is_no_key_is_refused(ties, tmp_path):
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 1, "name": "Kim Park", "deleted": ["http://x"]}]}
    (tmp_path / "kim.json").write_text(json.dumps(doc))
    result = ties("import", str(tmp_path / "kim.json"))
    assert result.exit_code == 1
    assert "\"deleted\" must be a list of keys beginning with" in result.stderr, result.stderr
