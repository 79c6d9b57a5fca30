from __future__ import annotations

import json

import pytest

from conftest import built_store, dump, rows


@pytest.fixture
def people(ties, db_path):
    built_store("test_cli_log.people", db_path, lambda: _build_people(ties))


def _build_people(ties) -> None:
    for name in ("Ana Lima", "Bo Chen", "Beyoncé Knowles", "Ana Souza"):
        assert ties("add", name, "--no-log").exit_code == 0


def test_log_records_interaction_with_several_people(ties, db_path, people):
    result = ties("log", "Ana Lima", "bo", "--on", "yesterday", "--via", "call",
                  "--note", "coffee, new job", "--gave")
    assert result.exit_code == 0
    assert result.stderr == "Logged #1: call with Ana Lima, Bo Chen, yesterday.\n"
    assert rows(db_path, "SELECT date, channel, note, gave, received, they_reached_out "
                         "FROM interaction") == [("2025-03-13", "call", "coffee, new job", 1, 0, 0)]
    assert rows(db_path, "SELECT person_id FROM interaction_person ORDER BY person_id") == [
        (1,), (2,)]
    assert rows(db_path, "SELECT person_id, interactions, gave, last_gave FROM person_stats "
                         "WHERE interactions > 0 ORDER BY person_id") == [
        (1, 1, 1, "2025-03-13"), (2, 1, 1, "2025-03-13")]


def test_log_matches_names_case_and_accent_insensitively(ties, db_path, people):
    assert ties("log", "BEYONCE KNOWLES").exit_code == 0
    assert rows(db_path, "SELECT person_id FROM interaction_person") == [(3,)]


def test_log_ambiguous_name_lists_choices_with_ids(ties, db_path, people):
    before = dump(db_path)
    result = ties("log", "ana")
    assert result.exit_code == 1
    assert result.stderr == (
        "ties: 2 people fit 'ana': @1 Ana Lima; @4 Ana Souza. Name one by its @id (for "
        "example @1) or type more of the name.\n")
    assert dump(db_path) == before
    assert ties("log", "@4").exit_code == 0
    assert rows(db_path, "SELECT person_id FROM interaction_person") == [(4,)]


def test_log_unknown_name_suggests_closest(ties, db_path, people):
    result = ties("log", "Bo Chan")
    assert result.exit_code == 0  # a close spelling that fits one person is accepted
    result = ties("log", "Zed")
    assert result.exit_code == 1
    assert result.stderr == ("ties: No one called 'Zed'. See 'ties list', or add them with "
                             "'ties add'.\n")
    result = ties("log", "Knowless")
    assert result.exit_code == 1
    assert "Did you mean 'Beyoncé Knowles'?" in result.stderr


def test_log_unknown_second_name_writes_nothing(ties, db_path, people):
    before = dump(db_path)
    result = ties("log", "Bo Chen", "Nobody Here")
    assert result.exit_code == 1
    assert dump(db_path) == before


def test_log_word_prefix_picks_unique_person(ties, db_path, people):
    assert ties("log", "knowles").exit_code == 0
    assert rows(db_path, "SELECT person_id FROM interaction_person") == [(3,)]


def test_log_retried_within_minutes_is_refused_unless_forced(ties, db_path, people):
    assert ties("log", "Bo Chen", "--note", "lunch").exit_code == 0
    again = ties("log", "Bo Chen", "--note", "lunch")
    assert again.exit_code == 1
    assert again.stderr.startswith("ties: The same interaction was logged moments ago (#1, at ")
    assert "repeat with --force" in again.stderr
    assert ties("log", "Bo Chen", "--note", "lunch", "--force").exit_code == 0
    assert ties("log", "Bo Chen", "--note", "dinner").exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(3,)]


def test_log_they_reached_out_and_received_are_counted(ties, db_path, people):
    ties("log", "Bo", "--on", "3 days ago", "--they-reached-out", "--received")
    ties("log", "Bo", "--on", "2 days ago", "--they-reached-out")
    assert rows(db_path, "SELECT received, last_received, their_streak FROM person_stats "
                         "WHERE person_id = 2") == [(1, "2025-03-11", 2)]
    ties("log", "Bo", "--on", "yesterday")
    assert rows(db_path, "SELECT their_streak FROM person_stats WHERE person_id = 2") == [(0,)]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2025-01-02", "2025-01-02"),
        ("today", "2025-03-14"),
        ("yesterday", "2025-03-13"),
        ("3 days ago", "2025-03-11"),
        ("2 weeks ago", "2025-02-28"),
        ("1 month ago", "2025-02-14"),
        ("a year ago", "2024-03-14"),
        ("friday", "2025-03-14"),
        ("last friday", "2025-03-07"),
        ("monday", "2025-03-10"),
        ("Sun", "2025-03-09"),
        ("3 March", "2025-03-03"),
        ("Nov 3 2024", "2024-11-03"),
        ("20 December", "2024-12-20"),
    ],
)
def test_log_accepts_each_date_form(ties, db_path, people, typed, stored):
    result = ties("log", "Bo", "--on", typed)
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT date FROM interaction") == [(stored,)]


@pytest.mark.parametrize("typed", ["tomorrow", "2025-03-15", "next friday", "in 2 days",
                                   "soonish", "10", "2025-02-30", "March", ""])
def test_log_refuses_future_and_unreadable_dates(ties, db_path, people, typed):
    before = dump(db_path)
    result = ties("log", "Bo", "--on", typed)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Try one of:" in result.stderr
    assert dump(db_path) == before


def test_log_unknown_channel_is_refused(ties, people):
    result = ties("log", "Bo", "--via", "pigeon")
    assert result.exit_code == 1
    assert result.stderr == ("ties: 'pigeon' is not a channel: use one of in-person, call, "
                             "video, message, email, event, other.\n")


def test_log_backdated_interaction_sets_last_contact_by_its_date(ties, db_path, people):
    ties("log", "Bo", "--on", "2025-03-01")
    ties("log", "Bo", "--on", "2025-01-01")
    assert rows(db_path, "SELECT first_contact, last_contact FROM person_stats "
                         "WHERE person_id = 2") == [("2025-01-01", "2025-03-01")]


def test_log_soren_finds_soren_and_lukasz_finds_lukasz_regression_unfolded_letters(ties):
    """Regression (issue 15): 'ties log soren' did not find Søren."""
    for name in ("Søren Kierkegaard", "Łukasz Wałęsa", "Ærø Hansen"):
        assert ties("add", name, "--no-log").exit_code == 0
    for typed, name in (("soren", "Søren Kierkegaard"), ("LUKASZ walesa", "Łukasz Wałęsa"),
                        ("aero", "Ærø Hansen")):
        result = ties("log", typed)
        assert result.exit_code == 0, result.stderr
        assert f"with {name}," in result.stderr


def test_search_and_duplicates_fold_the_letters_people_type(ties):
    for name in ("Søren Kierkegaard", "Soren Kierkegaard", "Ana Lima"):
        assert ties("add", name, "--no-log", "--another").exit_code == 0
    listed = ties("list", "--search", "soren k", "--json")
    assert [p["name"] for p in json.loads(listed.stdout)] == ["Søren Kierkegaard",
                                                              "Soren Kierkegaard"]
    assert ties("duplicates").stdout.splitlines() == [
        "@1 Søren Kierkegaard  ~  @2 Soren Kierkegaard: same name"]


def test_log_json_prints_the_interaction_with_its_id_and_people(ties, db_path, people):
    result = ties("log", "Ana Lima", "bo", "--via", "call", "--note", "coffee", "--gave",
                  "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "id": 1, "date": "2025-03-14", "channel": "call", "note": "coffee", "gave": True,
        "received": False, "they_reached_out": False,
        "people": [{"id": 1, "name": "Ana Lima"}, {"id": 2, "name": "Bo Chen"}],
        "follow_up": None}
    assert result.stderr == "Logged #1: call with Ana Lima, Bo Chen, today.\n"
    again = ties("log", "Ana Lima", "bo", "--via", "call", "--note", "coffee", "--gave",
                 "--json")
    assert (again.exit_code, again.stdout) == (1, "")


def test_log_promise_records_a_follow_up_and_a_past_due_records_it_overdue(ties, people):
    result = ties("log", "Ana Lima", "--note", "coffee", "--promise", "send the deck",
                  "--due", "yesterday", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Logged #1: other with Ana Lima, today. Follow-up #1: send the "
                             "deck, due 2025-03-13 (overdue by 1 day).\n")
    assert json.loads(result.stdout)["follow_up"] == {
        "id": 1, "person_id": 1, "name": "Ana Lima", "text": "send the deck",
        "due": "2025-03-13", "created": "2025-03-14", "done": None, "overdue": True}
    assert "2025-03-13 (overdue by 1 day)" in ties("follow-ups").stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["Ana Lima", "--due", "friday"], 2, "--due is the due date of a --promise; give both"),
    (["Ana Lima", "bo", "--promise", "slides"], 2, "--promise goes with one person;"),
    (["Ana Lima", "--promise", " "], 1, "Say what you promised"),
])
def test_log_promise_refusals_change_nothing(ties, db_path, people, args, code, message):
    before = dump(db_path)
    result = ties("log", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"ties: {message}")
    assert dump(db_path) == before
