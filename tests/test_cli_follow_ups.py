from __future__ import annotations

import json

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
