from __future__ import annotations

import json

import pytest

from conftest import dump, rows


def test_add_records_first_meeting_as_interaction(ties, db_path):
    result = ties("add", "Ana Lima", "--type", "strategic", "--company", "Acme",
                  "--met", "PyCon, CRDT talk", "--on", "3 days ago", "--via", "event")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Added Ana Lima (@1) as strategic, met 3 days ago.\n"
    assert rows(db_path, "SELECT date, channel, note FROM interaction") == [
        ("2025-03-11", "event", "PyCon, CRDT talk")]
    assert rows(db_path, "SELECT interactions, last_contact FROM person_stats") == [
        (1, "2025-03-11")]


def test_add_no_log_records_no_interaction(ties, db_path):
    assert ties("add", "Bo", "--no-log").exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    assert rows(db_path, "SELECT created FROM person") == [("2025-03-14",)]


def test_add_defaults_to_tactical_today_in_person(ties, db_path):
    assert ties("add", "Bo").exit_code == 0
    assert rows(db_path, "SELECT type FROM person") == [("tactical",)]
    assert rows(db_path, "SELECT date, channel, note FROM interaction") == [
        ("2025-03-14", "in-person", "First meeting")]


def test_add_stores_every_profile_field(ties):
    result = ties(
        "add", "Chidi Okafor", "--type", "social", "--company", "Northwind", "--role", "CMO",
        "--industry", "healthcare", "--location", "Lagos", "--email", "chidi@example.com",
        "--phone", "+234 1 555", "--linkedin", "linkedin.com/in/Chidi-O/", "--tag", "Mentor",
        "--tag", "health care", "--met", "conference", "--note", "likes jazz",
        "--working-on", "telehealth", "--struggles", "regulation", "--cares-about",
        "public health", "--birthday", "--04-12", "--every", "3w",
    )
    assert result.exit_code == 0, result.stderr
    shown = json.loads(ties("show", "Chidi", "--json").stdout)
    assert {k: shown[k] for k in (
        "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "tags", "met", "notes", "working_on", "struggles", "cares_about",
        "birthday", "every_days", "created", "archived", "snoozed_until", "last_contact",
        "interactions")} == {
        "name": "Chidi Okafor", "type": "social", "company": "Northwind", "role": "CMO",
        "industry": "healthcare", "location": "Lagos", "email": "chidi@example.com",
        "phone": "+234 1 555", "linkedin": "https://www.linkedin.com/in/chidi-o",
        "tags": ["health-care", "mentor"], "met": "conference", "notes": "likes jazz",
        "working_on": "telehealth", "struggles": "regulation", "cares_about": "public health",
        "birthday": "--04-12", "every_days": 21, "created": "2025-03-14", "archived": False,
        "snoozed_until": None, "last_contact": "2025-03-14", "interactions": 1,
    }


def test_add_existing_name_refuses_and_says_how_to_proceed(ties, db_path):
    ties("add", "Ana Lima", "--company", "Acme")
    before = dump(db_path)
    result = ties("add", "ana lima")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "ties: Ana Lima (Acme) is already in ties as @1. To record a meeting use 'ties log @1'; "
        "to change them 'ties edit @1'; to add a different person with the same name, repeat "
        "with --another.\n")
    assert dump(db_path) == before


def test_add_another_creates_second_person_with_same_name(ties, db_path):
    ties("add", "Ana Lima", "--company", "Acme")
    result = ties("add", "Ana Lima", "--company", "Globex", "--another")
    assert result.exit_code == 0
    assert rows(db_path, "SELECT id, company FROM person ORDER BY id") == [
        (1, "Acme"), (2, "Globex")]


@pytest.mark.parametrize("name", ["O'Brien", "Beyoncé", "王伟", "José María Ñúñez", "Zoë 🙂"])
def test_add_unicode_and_apostrophe_names_round_trip(ties, name):
    assert ties("add", name).exit_code == 0
    listed = json.loads(ties("list", "--json").stdout)
    assert [p["name"] for p in listed] == [name]
    assert json.loads(ties("show", name, "--json").stdout)["name"] == name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "friend"], "ties: 'friend' is not a relationship type: use tactical, social "
                               "or strategic.\n"),
        (["--email", "nope"], "ties: 'nope' doesn't look like an email address "
                              "(name@example.com).\n"),
        (["--on", "tomorrow"], "ties: 'tomorrow' is 2025-03-15, in the future; --on is for "
                               "something that already happened. Try one of: 2025-03-07, today, "
                               "yesterday, 3 days ago, 2 weeks ago, friday, last friday, "
                               "7 March.\n"),
        (["--every", "often"], "ties: Can't read the duration 'often' for --every. Try one of: "
                               "30d, 3w, 2 weeks, 1 month, 1y.\n"),
        (["--birthday", "31 February"], "ties: Can't read the birthday '31 February'. "
                                        "Try one of: 1990-04-12, --04-12 (no year), 12 April, "
                                        "April 12 1990.\n"),
    ],
)
def test_add_bad_values_are_refused_and_nothing_is_written(ties, db_path, args, message):
    ties("add", "Someone Else")
    before = dump(db_path)
    result = ties("add", "Ana", *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert dump(db_path) == before


def test_add_empty_name_is_refused(ties):
    result = ties("add", "   ")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: A name can't be empty.")


def test_add_unknown_option_is_usage_error_on_one_line(ties):
    result = ties("add", "Ana", "--colour", "red")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--colour" in result.stderr
    assert "See 'ties add --help'." in result.stderr


def test_add_json_prints_the_person_added_with_their_id_as_show_json_does(ties):
    ties("add", "Bo Chen", "--no-log")
    result = ties("add", "Ana Lima", "--company", "Globex", "--tag", "mentor", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["id"], data["name"], data["company"], data["tags"]) == (
        2, "Ana Lima", "Globex", ["mentor"])
    assert [h["note"] for h in data["history"]] == ["First meeting"]
    assert data == json.loads(ties("show", "@2", "--json").stdout)
    assert result.stderr == "Added Ana Lima (@2) as tactical, met today.\n"


def test_add_json_refused_prints_nothing_on_stdout(ties):
    ties("add", "Ana Lima", "--no-log")
    result = ties("add", "Ana Lima", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ties: ")
