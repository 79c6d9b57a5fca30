from __future__ import annotations

import json

import pytest

from conftest import dump


def test_follow_up_list_and_done(ties):
    ties("add", "Ana Lima")
    ties("add", "Bo Chen")
    assert ties("follow-up", "Ana", "send the CRDT paper", "--due", "friday").stderr == \
        "Follow-up #1 for Ana Lima, due 2025-03-14.\n"
    assert ties("follow-up", "Bo", "intro to Mei").stderr == "Follow-up #2 for Bo Chen.\n"
    ties("follow-up", "Bo", "lend the book", "--due", "in 2 weeks")
    result = ties("follow-ups")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[2].split()[:4] == ["1", "Ana", "Lima", "send"]
    assert "2025-03-14 (due today)" in lines[2]
    assert lines[3].split()[:3] == ["3", "Bo", "Chen"]
    assert lines[4].split()[:3] == ["2", "Bo", "Chen"]
    assert ties("done", "1").stderr == "Done: send the CRDT paper\n"
    data = json.loads(ties("follow-ups", "--json").stdout)
    assert [f["id"] for f in data] == [3, 2]
    everything = json.loads(ties("follow-ups", "--all", "--json").stdout)
    assert [(f["id"], f["done"]) for f in everything] == [(3, None), (2, None),
                                                           (1, "2025-03-14")]
    shown = json.loads(ties("show", "Bo", "--json").stdout)
    assert [f["text"] for f in shown["follow_ups"]] == ["lend the book", "intro to Mei"]


def test_done_twice_and_unknown_are_refused(ties, db_path):
    ties("add", "Ana")
    ties("follow-up", "Ana", "call back")
    ties("done", "1")
    before = dump(db_path)
    again = ties("done", "1")
    assert again.exit_code == 1
    assert again.stderr == "ties: Follow-up #1 was already done on 2025-03-14.\n"
    missing = ties("done", "9")
    assert missing.exit_code == 1
    assert missing.stderr == "ties: No follow-up #9. 'ties follow-ups' lists them.\n"
    assert dump(db_path) == before


def test_overdue_promise_is_recorded_and_shown_as_overdue_regression_past_due_refused(ties):
    """Bug: '--due yesterday' was refused, so a promise already late could not be kept."""
    ties("add", "Ana Lima", "--type", "social")
    result = ties("follow-up", "Ana", "send the paper", "--due", "yesterday")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Follow-up #1 for Ana Lima, due 2025-03-13 (overdue by 1 day).\n")
    ties("follow-up", "Ana", "call back", "--due", "today")
    ties("follow-up", "Ana", "intro", "--due", "3 weeks ago")
    lines = ties("follow-ups").stdout.splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["3", "1", "2"]
    assert "2025-02-21 (overdue by 3 weeks)" in lines[2]
    assert "2025-03-13 (overdue by 1 day)" in lines[3]
    assert "2025-03-14 (due today)" in lines[4]
    shown = ties("show", "Ana").stdout
    assert "#1 due 2025-03-13 (overdue by 1 day)" in shown
    assert "#2 due 2025-03-14 " in shown and "#2 due 2025-03-14 (" not in shown
    reasons = [r for s in json.loads(ties("next", "--json").stdout)
               for r in s["reasons"]]
    assert reasons[:3] == ["you promised: intro (overdue by 3 weeks)",
                           "you promised: send the paper (overdue by 1 day)",
                           "you promised: call back (due today)"]


def test_due_date_before_1900_is_still_refused(ties, db_path):
    ties("add", "Ana")
    before = dump(db_path)
    result = ties("follow-up", "Ana", "x", "--due", "1899-12-31")
    assert result.exit_code == 1
    assert result.stderr == "ties: '1899-12-31' is before 1900; check the year for --due.\n"
    assert dump(db_path) == before


def test_follow_ups_empty_says_how_to_add(ties):
    result = ties("follow-ups", TIES_DB=None)  # a fresh install
    assert result.exit_code == 0
    assert result.stderr.startswith("No open promises.")


def test_config_shows_sets_and_resets(ties):
    result = ties("config")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split()[:2] == ["cadence.strategic", "6w"]
    assert ties("config", "cadence.strategic", "4w").stderr == "cadence.strategic = 4w\n"
    assert json.loads(ties("config", "--json").stdout)["cadence.strategic"] == 28
    assert "(changed)" in ties("config", "cadence.strategic").stdout
    assert ties("config", "weight.social", "2.5").exit_code == 0
    assert ties("config", "cadence.strategic", "--reset").stderr == \
        "cadence.strategic = 6w (default)\n"
    data = json.loads(ties("config", "--json").stdout)
    assert data["cadence.strategic"] == 42 and data["weight.social"] == 2.5


def test_config_refuses_bad_values_with_the_allowed_range(ties, db_path):
    ties("add", "Ana")
    before = dump(db_path)
    cases = {
        ("weight.social", "11"): "ties: weight.social must be a number from 0 to 10, not '11'.\n",
        ("next.count", "0"): "ties: next.count must be a whole number from 1 to 100, not '0'.\n",
        ("next.stretch", "maybe"): "ties: next.stretch is on or off, not 'maybe'.\n",
        ("colour", "red"): None,
    }
    for (key, value), message in cases.items():
        result = ties("config", key, value)
        assert result.exit_code == 1
        if message:
            assert result.stderr == message
        else:
            assert result.stderr.startswith("ties: There is no setting 'colour'. Known settings:")
    assert dump(db_path) == before


def test_settings_live_in_the_store(ties, db_path, tmp_path):
    ties("config", "next.count", "3")
    other = tmp_path / "other.db"
    assert json.loads(ties("--db", str(other), "config", "--json").stdout)["next.count"] == 5
    assert json.loads(ties("config", "--json").stdout)["next.count"] == 3


def test_archive_keeps_history_and_hides_from_list(ties):
    ties("add", "Ana")
    ties("log", "Ana", "--note", "x")
    assert ties("archive", "Ana").stderr.startswith("Ana is archived: history kept")
    assert json.loads(ties("list", "--json").stdout) == []
    archived = json.loads(ties("list", "--archived", "--json").stdout)
    assert [(p["name"], p["interactions"]) for p in archived] == [("Ana", 2)]
    assert json.loads(ties("show", "Ana", "--json").stdout)["archived"] is True


# follow-ups edit and rm ---------------------------------------------------------------

def promised(ties) -> None:
    assert ties("add", "Ana Lima", "--type", "social", "--no-log").exit_code == 0
    assert ties("follow-up", "Ana", "send the paper").exit_code == 0


def test_follow_ups_edit_rewords_and_a_past_due_date_records_an_overdue_promise(ties):
    promised(ties)
    result = ties("follow-ups", "edit", "1", "--text", "send the deck", "--due", "yesterday")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ("Updated follow-up #1 for Ana Lima: send the deck, due "
                             "2025-03-13 (overdue by 1 day).\n")
    assert "2025-03-13 (overdue by 1 day)" in ties("follow-ups").stdout
    assert "#1 due 2025-03-13 (overdue by 1 day)" in ties("show", "Ana").stdout
    reasons = json.loads(ties("next", "--json").stdout)[0]["reasons"]
    assert "you promised: send the deck (overdue by 1 day)" in reasons
    listed = json.loads(ties("follow-ups", "--json").stdout)
    assert listed == [{"id": 1, "person_id": 1, "name": "Ana Lima", "text": "send the deck",
                       "due": "2025-03-13", "created": "2025-03-14", "done": None,
                       "overdue": True}]


@pytest.mark.parametrize(("due", "overdue"), [("today", False), ("yesterday", True)])
def test_follow_ups_edit_json_prints_the_promise_and_due_today_is_not_overdue(
        ties, due, overdue):
    promised(ties)
    result = ties("follow-ups", "edit", "1", "--due", due, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["id"], data["text"], data["overdue"]) == (1, "send the paper", overdue)
    assert result.stderr.startswith("Updated follow-up #1 for Ana Lima:")


@pytest.mark.parametrize("clear", [["--due", ""], ["--no-due"]])
def test_follow_ups_edit_empty_due_or_no_due_clears_the_due_date(ties, clear):
    promised(ties)
    ties("follow-ups", "edit", "1", "--due", "friday")
    result = ties("follow-ups", "edit", "1", *clear)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Updated follow-up #1 for Ana Lima: send the paper, no due "
                             "date.\n")
    assert json.loads(ties("follow-ups", "--json").stdout)[0]["due"] is None


def test_follow_ups_edit_reopen_opens_a_promise_marked_done_by_mistake(ties):
    ties("add", "Ana", "--no-log")
    ties("follow-up", "Ana", "send the deck")
    assert ties("done", "1").exit_code == 0
    assert json.loads(ties("follow-ups", "--json").stdout) == []
    result = ties("follow-ups", "edit", "1", "--reopen")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Reopened follow-up #1 for Ana: send the deck")
    assert [f["id"] for f in json.loads(ties("follow-ups", "--json").stdout)] == [1]
    again = ties("follow-ups", "edit", "1", "--reopen")
    assert again.stderr == "Follow-up #1 already says that; nothing changed.\n"


def test_follow_ups_edit_to_what_it_already_says_changes_nothing(ties, db_path):
    promised(ties)
    before = dump(db_path)
    result = ties("follow-ups", "edit", "1", "--text", "send the paper", "--no-due")
    assert result.exit_code == 0
    assert result.stderr == "Follow-up #1 already says that; nothing changed.\n"
    assert dump(db_path) == before


@pytest.mark.parametrize(("args", "code", "message"), [
    (["edit", "9", "--text", "x"], 1, "No follow-up #9. 'ties follow-ups --all' lists them."),
    (["rm", "9", "--yes"], 1, "No follow-up #9. 'ties follow-ups --all' lists them."),
    (["edit", "1"], 1, "Nothing to change: give --text, --due, --no-due or --reopen. See 'ties "
     "follow-ups edit --help'."),
    (["edit", "1", "--text", "  "], 1, "Say what you promised, for example: ties follow-up "
     "Ana \"send the paper\"."),
    (["edit", "1", "--due", "friday", "--no-due"], 1, "Give --due DATE or --no-due, not "
     "both."),
    (["edit", "1", "--due", "someday"], 1, "Can't read the date 'someday' for --due."),
    (["--json", "rm", "1"], 2, "--all and --json before 'rm' are the list's options; put "
     "--json after it: ties follow-ups rm ID --json."),
])
def test_follow_ups_edit_and_rm_refuse_in_one_line_and_change_nothing(
        ties, db_path, args, code, message):
    promised(ties)
    before = dump(db_path)
    result = ties("follow-ups", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"ties: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert dump(db_path) == before


def test_follow_ups_rm_asks_and_no_answer_changes_nothing(ties, db_path):
    promised(ties)
    before = dump(db_path)
    result = ties("follow-ups", "rm", "1", input="n\n")
    assert result.exit_code == 1
    assert "Delete follow-up #1 for Ana Lima (send the paper, no due date)?" in result.stderr
    assert result.stderr.endswith("ties: Not confirmed; nothing was changed. Add --yes to "
                                  "skip the question.\n")
    assert ties("follow-ups", "rm", "1").exit_code == 1  # no terminal, no answer: no
    assert dump(db_path) == before


def test_follow_ups_rm_deletes_after_yes_and_its_id_is_never_given_again(ties):
    promised(ties)
    result = ties("follow-ups", "rm", "1", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("Deleted follow-up #1 for Ana Lima: send the paper.\n")
    assert ties("follow-ups", "--all", "--json").stdout == "[]\n"
    assert ties("follow-up", "Ana", "call back").stderr == "Follow-up #2 for Ana Lima.\n"
    gone = ties("follow-ups", "rm", "2", "--yes", "--json")
    assert gone.exit_code == 0
    assert json.loads(gone.stdout)["text"] == "call back"
    assert ties("done", "2").exit_code == 1


def test_follow_up_json_prints_the_promise_recorded_with_its_id(ties):
    ties("add", "Ana Lima", "--no-log")
    result = ties("follow-up", "Ana", "send the paper", "--due", "yesterday", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "id": 1, "person_id": 1, "name": "Ana Lima", "text": "send the paper",
        "due": "2025-03-13", "created": "2025-03-14", "done": None, "overdue": True}
    assert result.stderr == "Follow-up #1 for Ana Lima, due 2025-03-13 (overdue by 1 day).\n"


def test_config_set_json_prints_the_setting_as_config_json_reads_it(ties):
    result = ties("config", "cadence.strategic", "4w", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"cadence.strategic": 28}
    assert result.stderr == "cadence.strategic = 4w\n"
    reset = ties("config", "cadence.strategic", "--reset", "--json")
    assert json.loads(reset.stdout) == {"cadence.strategic": 42}
