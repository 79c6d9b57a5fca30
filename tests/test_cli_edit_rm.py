from __future__ import annotations

import json

import pytest

from conftest import dump, rows


@pytest.fixture
def ana(ties):
    ties("add", "Ana Lima", "--company", "Acme", "--tag", "mentor", "--note", "first line")
    ties("add", "Bo Chen")
    ties("log", "Ana", "Bo", "--on", "yesterday", "--note", "lunch together")


def show(ties, name="Ana"):
    return json.loads(ties("show", name, "--json").stdout)


def test_edit_changes_fields_and_tags(ties, ana):
    result = ties("edit", "Ana", "--company", "Globex", "--type", "strategic", "--tag", "vip",
                  "--untag", "mentor", "--every", "2 weeks", "--birthday", "1990-04-12")
    assert result.exit_code == 0
    assert result.stderr == "Updated Ana Lima (@1).\n"
    data = show(ties)
    assert (data["company"], data["type"], data["tags"], data["every_days"], data["birthday"]) \
        == ("Globex", "strategic", ["vip"], 14, "1990-04-12")


def test_edit_empty_string_clears_a_field(ties, ana):
    assert ties("edit", "Ana", "--company", "", "--every", "default").exit_code == 0
    data = show(ties)
    assert data["company"] is None
    assert data["every_days"] is None


def test_edit_rename_keeps_history(ties, ana):
    assert ties("edit", "Ana", "--name", "Ana Lima-Souza").exit_code == 0
    data = show(ties, "ana lima-souza")
    assert data["name"] == "Ana Lima-Souza"
    assert data["interactions"] == 2


def test_edit_add_note_appends_a_line(ties, ana):
    ties("edit", "Ana", "--add-note", "second line")
    assert show(ties)["notes"] == "first line\nsecond line"
    ties("edit", "Ana", "--note", "replaced")
    assert show(ties)["notes"] == "replaced"


def test_edit_without_changes_is_refused(ties, ana, db_path):
    before = dump(db_path)
    result = ties("edit", "Ana")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: Nothing to change")
    assert dump(db_path) == before


def test_rm_asks_and_no_keeps_everything(ties, ana, db_path):
    before = dump(db_path)
    result = ties("rm", "Ana", input="n\n")
    assert result.exit_code == 1
    assert "Delete Ana Lima (@1) and their 2 interactions for good?" in result.stderr
    assert "Not confirmed; nothing was changed." in result.stderr
    assert dump(db_path) == before


def test_rm_without_terminal_or_yes_is_refused(ties, ana, db_path):
    before = dump(db_path)
    result = ties("rm", "Ana")
    assert result.exit_code == 1
    assert dump(db_path) == before


def test_rm_yes_deletes_person_but_shared_interactions_stay(ties, ana, db_path):
    result = ties("rm", "Ana", input="y\n")
    assert result.exit_code == 0
    assert result.stderr.endswith("Deleted Ana Lima.\n")
    assert rows(db_path, "SELECT name FROM person") == [("Bo Chen",)]
    assert rows(db_path, "SELECT note FROM interaction ORDER BY id") == [
        ("First meeting",), ("lunch together",)]
    assert rows(db_path, "SELECT count(*) FROM tag") == [(0,)]
    assert rows(db_path, "SELECT person_id, interactions FROM person_stats") == [(2, 2)]


def test_rm_with_yes_flag_skips_question(ties, ana, db_path):
    result = ties("rm", "Bo", "--yes")
    assert result.exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]
    # Ana's own first meeting and the lunch both remain hers.
    assert rows(db_path, "SELECT interactions FROM person_stats") == [(2,)]


def test_interaction_edit_corrects_and_updates_stats(ties, ana, db_path):
    result = ties("interaction", "edit", "3", "--on", "2025-03-01", "--via", "call", "--gave",
                  "--note", "call instead")
    assert result.exit_code == 0
    assert result.stderr == "Updated interaction #3.\n"
    assert rows(db_path, "SELECT date, channel, note, gave FROM interaction WHERE id = 3") == [
        ("2025-03-01", "call", "call instead", 1)]
    assert rows(db_path, "SELECT person_id, last_contact, gave FROM person_stats ORDER BY 1") == [
        (1, "2025-03-14", 1), (2, "2025-03-14", 1)]


def test_interaction_rm_deletes_after_confirming(ties, ana, db_path):
    result = ties("interaction", "rm", "3", "--yes")
    assert result.exit_code == 0
    assert rows(db_path, "SELECT id FROM interaction ORDER BY id") == [(1,), (2,)]
    assert rows(db_path, "SELECT person_id, interactions FROM person_stats ORDER BY 1") == [
        (1, 1), (2, 1)]


def test_interaction_unknown_id_is_refused(ties, ana):
    result = ties("interaction", "rm", "99", "--yes")
    assert result.exit_code == 1
    assert result.stderr == ("ties: No interaction #99. 'ties show NAME' lists them with their "
                             "numbers.\n")
    result = ties("interaction", "edit", "abc", "--note", "x")
    assert result.exit_code == 2


def test_edit_that_changes_nothing_says_so_and_leaves_the_store_as_it_was(ties, db_path):
    """It said 'Updated' and stamped the person as edited (which also blocks undoing the
    import that created them) when every value given was the one already there."""
    from conftest import dump

    ties("add", "Ana Lima", "--type", "social", "--company", "Globex", "--tag", "pycon",
         "--birthday", "--04-12", "--every", "3w")
    before = dump(db_path)
    same = ties("edit", "Ana", "--company", "Globex", "--tag", "pycon", "--untag", "other",
                "--birthday", "04-12", "--every", "21d", "--type", "social", "--email", "")
    assert (same.exit_code, same.stderr) == (
        0, "Ana Lima (@1) already has those details; nothing changed.\n")
    assert dump(db_path) == before
    changed = ties("edit", "Ana", "--company", "Globex", "--role", "CTO")
    assert changed.stderr == "Updated Ana Lima (@1).\n"
    assert dump(db_path) != before


def test_interaction_edit_that_changes_nothing_says_so(ties, db_path):
    from conftest import dump

    ties("add", "Ana Lima", "--no-log")
    ties("log", "Ana", "--on", "2025-03-10", "--via", "call", "--note", "coffee", "--gave")
    before = dump(db_path)
    same = ties("interaction", "edit", "1", "--on", "2025-03-10", "--via", "call", "--note",
                "coffee", "--gave", "--no-received")
    assert (same.exit_code, same.stderr) == (
        0, "Interaction #1 already says that; nothing changed.\n")
    assert dump(db_path) == before
    changed = ties("interaction", "edit", "1", "--no-gave")
    assert changed.stderr == "Updated interaction #1.\n"
    assert dump(db_path) != before
