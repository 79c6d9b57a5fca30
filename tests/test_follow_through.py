"""Follow-through (issue 17, item 5): the list `ties next` gives each Monday is kept on
that week's first write, from the store as it stood before the write; `ties next` says
how many of last week's list you reached, and `ties report` shows the last 4 weeks.
Reads write nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import rows, snapshot

MON = "2025-02-10"  # the week the tests follow: Monday 10 to Sunday 16 February 2025
PEOPLE = ("Ana", "Bo", "Cy", "Di")


def _start(ties) -> dict[str, int]:
    """Four social ties met on 6 January: all due by Monday 10 February (35 days, the
    social cadence being a month). Their ids by name."""
    for name in PEOPLE:
        assert ties("add", name, "--type", "social", TIES_TODAY="2025-01-06").exit_code == 0
        assert ties("log", name, "--note", "met", TIES_TODAY="2025-01-06").exit_code == 0
    found = json.loads(ties("list", "--json", TIES_TODAY=MON).stdout)
    return {p["name"]: p["id"] for p in found}


def _kept(db_path) -> dict[str, list[int]]:
    return {str(w)[:10]: [int(n) for n in str(p).split()]
            for w, p in rows(db_path, "SELECT week, people FROM week_list ORDER BY week")}


def _next_ids(ties, today: str) -> list[int]:
    return [i["id"] for i in json.loads(ties("next", "--json", TIES_TODAY=today).stdout)]


def test_the_first_write_of_a_week_keeps_the_list_next_gave_that_monday(ties, db_path):
    ids = _start(ties)
    shown = _next_ids(ties, MON)
    assert sorted(shown) == sorted(ids.values())
    assert MON not in _kept(db_path)  # reading keeps nothing
    assert ties("log", "Ana", TIES_TODAY=MON).exit_code == 0
    assert _kept(db_path)[MON] == shown  # as it stood before Ana's log, best first
    assert ties("log", "Bo", TIES_TODAY="2025-02-12").exit_code == 0
    assert _kept(db_path)[MON] == shown  # a later write that week keeps nothing more


def test_next_says_last_week_you_reached_a_contact_on_monday_and_sunday_not_the_next_monday(
        ties, db_path):
    _start(ties)
    ties("log", "Ana", TIES_TODAY=MON)  # Monday: in
    ties("log", "Bo", TIES_TODAY="2025-02-12")
    ties("log", "Cy", TIES_TODAY="2025-02-16")  # Sunday: in
    ties("log", "Di", TIES_TODAY="2025-02-17")  # the next Monday: out
    result = ties("next", TIES_TODAY="2025-02-17")
    assert result.exit_code == 0
    assert ("Last week you reached 3 of the 4 people 'ties next' suggested (week of 10 "
            "Feb).") in " ".join(result.stderr.split())
    assert "Last week" not in result.stdout  # a message, not data
    weeks = json.loads(ties("report", "--json", TIES_TODAY="2025-02-17").stdout)
    assert weeks["summary"]["follow_through"][-1] == {
        "week": MON, "suggested": 4, "reached": 3}


def test_next_json_prints_the_list_alone(ties, db_path):
    _start(ties)
    ties("log", "Ana", TIES_TODAY=MON)
    result = ties("next", "--json", TIES_TODAY="2025-02-17")
    assert isinstance(json.loads(result.stdout), list)
    assert "Last week" not in result.stderr


def test_a_week_with_no_write_is_the_store_as_it_stood_that_monday(ties, db_path):
    """No write from Monday 17 Feb to Sunday 23 Feb: the store is as it stood that
    Monday, so last week's list is built from it, equal to the one rebuilt from history,
    and nothing is kept by reading."""
    from ties import views
    from ties.storage import db, queries

    _start(ties)
    ties("log", "Ana", TIES_TODAY=MON)
    result = ties("next", TIES_TODAY="2025-02-24")
    assert ("Last week you reached none of the 3 people 'ties next' suggested (week of 17 "
            "Feb).") in " ".join(result.stderr.split())
    assert list(_kept(db_path))[-1] == MON
    conn = db.open_store(db_path)
    try:
        cfg = queries.settings(conn)
        week = date(2025, 2, 17)
        live = views.week_list(conn, week, cfg, date(2025, 2, 10))
        assert live == views.week_list(conn, week, cfg, None)  # rebuilt from history
        assert len(live) == 3
    finally:
        conn.close()
    ties("log", "Bo", TIES_TODAY="2025-02-26")  # keeps the 17th's and the 24th's lists
    kept = _kept(db_path)
    assert list(kept)[-3:] == [MON, "2025-02-17", "2025-02-24"]
    assert kept["2025-02-17"] == live


def test_a_contact_logged_late_for_before_monday_does_not_rewrite_what_next_suggested(
        ties, db_path):
    """Monday's list is what `ties next` gave that morning: a coffee on Friday 7 Feb
    logged on Tuesday makes Ana not due as of Monday in hindsight, but she was on the
    list, and follow-through counts the list that was given."""
    ids = _start(ties)
    ties("log", "Bo", TIES_TODAY=MON)  # keeps Monday's list: all four
    ties("log", "Ana", "--on", "2025-02-07", TIES_TODAY="2025-02-11")
    assert ids["Ana"] in _kept(db_path)[MON]
    weeks = json.loads(ties("report", "--json", TIES_TODAY="2025-02-17").stdout)
    assert weeks["summary"]["follow_through"][-1] == {
        "week": MON, "suggested": 4, "reached": 1}


def test_a_dry_run_keeps_no_list(ties, db_path, tmp_path):
    _start(ties)
    before = _kept(db_path)
    doc = tmp_path / "one.csv"
    doc.write_text("Name,Email\nEve Park,eve@example.com\n")
    assert ties("import", str(doc), "--dry-run", TIES_TODAY=MON).exit_code == 0
    assert _kept(db_path) == before


def test_a_command_that_changes_nothing_keeps_no_list_and_leaves_the_store_as_it_was(
        ties, db_path):
    _start(ties)
    before = snapshot(db_path)
    result = ties("unsnooze", "Ana", TIES_TODAY="2025-02-19")  # not snoozed: nothing to do
    assert result.exit_code == 0
    assert snapshot(db_path) == before
    assert ties("snooze", "Ana", "--until", "2025-03-01", TIES_TODAY="2025-02-19"
                ).exit_code == 0
    assert "2025-02-17" in _kept(db_path)  # the week's first write that changed something


def test_a_store_with_no_one_keeps_no_list_until_someone_is_in_it(ties, db_path):
    assert ties("add", "Ana", "--type", "social").exit_code == 0
    assert _kept(db_path) == {}  # the first write found no one
    assert ties("add", "Bo", "--type", "social").exit_code == 0
    assert list(_kept(db_path)) == [  # this week's (TIES_TODAY is a Friday) and the 4
        "2025-02-10", "2025-02-17", "2025-02-24", "2025-03-03", "2025-03-10"]  # before


def test_a_merge_makes_a_kept_list_name_the_person_kept_once(ties, db_path):
    ids = _start(ties)
    ties("log", "Ana", TIES_TODAY=MON)
    assert ties("merge", "Ana", "Bo", "--yes", TIES_TODAY="2025-02-11").exit_code == 0
    kept = _kept(db_path)[MON]
    assert ids["Bo"] not in kept and kept.count(ids["Ana"]) == 1
    assert len(kept) == 3


def test_the_first_list_kept_is_rebuilt_from_what_is_dated_before_monday(ties, db_path):
    """A store filled without ties keeping lists (an older ties, an import): the first
    write keeps this Monday's list as it stood, though Ana was reached on Tuesday."""
    from ties import views
    from ties.storage import db, queries

    ids = _start(ties)
    conn = db.open_store(db_path)
    try:
        with conn.transaction(write=True):
            conn.execute("DELETE FROM week_list")
    finally:
        conn.close()
    ties("log", "Ana", "--on", "2025-02-11", TIES_TODAY="2025-02-13")
    kept = _kept(db_path)
    assert ids["Ana"] in kept[MON]
    assert list(kept) == ["2025-01-13", "2025-01-20", "2025-01-27", "2025-02-03", MON]
    conn = db.open_store(db_path)
    try:
        cfg = queries.settings(conn)
        for week, ids_kept in kept.items():
            assert ids_kept == views.week_list(conn, date.fromisoformat(week), cfg, None)
    finally:
        conn.close()


def test_reading_next_and_report_writes_nothing_even_when_a_week_is_not_kept(
        ties, db_path):
    _start(ties)
    before = snapshot(db_path)
    for today in (MON, "2025-02-17", "2025-03-03"):
        assert ties("next", TIES_TODAY=today).exit_code == 0
        assert ties("report", TIES_TODAY=today).exit_code == 0
    assert snapshot(db_path) == before


@pytest.mark.parametrize(("reached", "suggested", "words"), [
    (0, 5, "Last week you reached none of the 5 people 'ties next' suggested"),
    (3, 5, "Last week you reached 3 of the 5 people 'ties next' suggested"),
    (5, 5, "Last week you reached all 5 people 'ties next' suggested"),
    (1, 1, "Last week you reached the one person 'ties next' suggested"),
    (0, 1, "Last week you did not reach the one person 'ties next' suggested"),
])
def test_last_weeks_line_reads_naturally(reached, suggested, words):
    from ties.cli.render import last_week_line

    line = last_week_line({"week": date(2025, 2, 10), "reached": reached,
                           "suggested": suggested})
    assert line == f"{words} (week of 10 Feb)."


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("column", "value"), [("people", 1.5), ("people", "3 x 4"),
                                               ("week", "abc"), ("week", 7)])
def test_regression_a_kept_list_damaged_outside_ties_crashed_report(ties, db_path, column,
                                                                    value):
    """`report` ended in an internal error (exit 70) on a kept list whose ids were 1.5
    (the damaged-store property found it): a damaged row is left out, and the week is
    rebuilt from history; a merge leaves it as it is."""
    from conftest import execute

    _start(ties)
    ties("log", "Ana", TIES_TODAY=MON)
    execute(db_path, f"UPDATE week_list SET {column} = ? WHERE week = ?", (value, MON))
    for args in (("report",), ("report", "--json"), ("next",)):
        result = ties(*args, TIES_TODAY="2025-02-17")
        assert result.exit_code == 0, result.stderr
    weeks = json.loads(ties("report", "--json", TIES_TODAY="2025-02-17").stdout)
    assert weeks["summary"]["follow_through"][-1]["week"] == MON
    assert ties("merge", "Ana", "Bo", "--yes", TIES_TODAY="2025-02-17").exit_code == 0


def test_a_week_with_no_one_suggested_says_so_not_0_of_0():
    """The re-check of issue 17 saw "0 of 0 (week of 16 Nov)" in the report."""
    from ties.cli.render import follow_through_line

    weeks = [{"week": date(2025, 2, 10), "suggested": 0, "reached": 0},
             {"week": date(2025, 2, 17), "suggested": 3, "reached": 1}]
    assert follow_through_line(weeks) == (
        "Follow-through, people 'ties next' suggested that you reached that week: no one "
        "suggested (week of 10 Feb) · 1 of 3 (week of 17 Feb) · 1 of 3 in 2 weeks")
