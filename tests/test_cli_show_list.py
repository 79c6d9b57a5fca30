from __future__ import annotations

import json

import pytest

from conftest import built_store, execute, rows


@pytest.fixture
def network(ties, db_path):
    built_store("test_cli_show_list.network", db_path, lambda: _build_network(ties))


def _build_network(ties) -> None:
    ties("add", "Ana Lima", "--type", "strategic", "--company", "Globex", "--role", "VP",
         "--tag", "mentor", "--working-on", "a platform rewrite", "--on", "2025-01-10")
    ties("add", "Bo Chen", "--type", "social", "--company", "Acme", "--note", "C++ fan",
         "--on", "2025-02-01")
    ties("add", "Liam O'Brien", "--company", "Acme", "--no-log")
    ties("log", "Ana", "Bo", "--on", "2025-03-01", "--via", "call", "--note", "intro to Mei",
         "--gave")
    ties("log", "Ana", "--on", "2025-03-10", "--they-reached-out", "--received")


def test_show_prints_profile_remember_and_history_newest_first(ties, network):
    result = ties("show", "Ana")
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0] == "Ana Lima  @1  strategic"
    assert "Work          VP · Globex" in out
    assert "Cadence       every 6w (the type's default)" in out
    assert "Last contact  4 days ago (2025-03-10)" in out
    assert "Reciprocity   gave 1 · received 1" in out
    assert "Working on  a platform rewrite" in out
    assert "History (3)" in out
    history = out[out.index("History"):]
    assert history.index("2025-03-10") < history.index("2025-03-01") < history.index(
        "2025-01-10")
    assert "intro to Mei  gave, with Bo Chen" in history
    assert "they reached out" in history
    assert result.stderr == ""


def test_show_json_shape(ties, network):
    result = ties("show", "Ana", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == [
        "id", "name", "type", "company", "role", "industry", "location", "email", "emails",
        "phone", "phones", "linkedin", "tags", "met", "notes", "working_on", "struggles",
        "cares_about", "birthday", "every_days", "created", "archived", "snoozed_until",
        "last_contact", "interactions", "gave", "received", "every_effective_days",
        "usual_gap_days", "expected_every_days", "history", "follow_ups", "jobs"]
    assert data["history"][0] == {
        "id": 4, "date": "2025-03-10", "channel": "other", "note": None,
        "they_reached_out": True, "gave": False, "received": True, "with": []}
    assert data["history"][1]["with"] == ["Bo Chen"]
    assert data["every_effective_days"] == 42
    assert data["follow_ups"] == []


def test_show_person_without_history_says_how_to_log(ties, network):
    result = ties("show", "Liam")
    assert result.exit_code == 0
    assert "No interactions yet. Record one with 'ties log'." in result.stdout
    assert "Last contact  never" in result.stdout


def test_list_sorted_by_name_with_last_contact(ties, network):
    result = ties("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Name", "Type", "Company", "Role", "Last", "contact", "Tags"]
    assert lines[2].split()[:5] == ["Ana", "Lima", "strategic", "Globex", "VP"]
    assert "4 days ago" in lines[2]
    assert lines[3].startswith("Bo Chen")
    assert lines[4].startswith("Liam O'Brien")
    assert "never" in lines[4]
    assert result.stderr == "3 people\n"


def test_list_json_shape(ties, network):
    data = json.loads(ties("list", "--json").stdout)
    assert [p["name"] for p in data] == ["Ana Lima", "Bo Chen", "Liam O'Brien"]
    assert data[0] == {
        "id": 1, "name": "Ana Lima", "type": "strategic", "company": "Globex", "role": "VP",
        "industry": None, "location": None, "email": None, "emails": [], "tags": ["mentor"],
        "last_contact": "2025-03-10", "interactions": 3, "archived": False}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--type", "strategic"], ["Ana Lima"]),
        (["--type", "soc"], ["Bo Chen"]),
        (["--tag", "MENTOR"], ["Ana Lima"]),
        (["--search", "acme"], ["Bo Chen", "Liam O'Brien"]),
        (["--search", "C++"], ["Bo Chen"]),
        (["--search", "O'Brien"], ["Liam O'Brien"]),
        (["--search", "platform"], ["Ana Lima"]),
        (["--search", '"'], []),
        (["--search", "AND"], []),
        (["--search", "%"], []),
    ],
)
def test_list_filters(ties, network, args, expected):
    result = ties("list", *args, "--json")
    assert result.exit_code == 0
    assert [p["name"] for p in json.loads(result.stdout)] == expected


def test_list_empty_store_says_how_to_start(ties):
    result = ties("list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No one in ties yet." in result.stderr


@pytest.mark.parametrize(("search", "found"), [
    ("jean luc", True), ("Jean-Luc", True), ("luc pic", True), ("jeanluc", False)])
def test_regression_list_search_jean_luc_did_not_find_jean_luc(ties, search, found):
    assert ties("add", "Jean-Luc Picard", "--no-log").exit_code == 0
    result = ties("list", "--search", search, "--json")
    assert result.exit_code == 0
    assert ([p["name"] for p in json.loads(result.stdout)] == ["Jean-Luc Picard"]) is found


@pytest.mark.parametrize("name", ["Li\u2014Wong", "Li\u2212Wong"])
def test_list_search_parts_a_name_at_an_em_dash_or_a_minus_sign_as_naming_does(ties, name):
    assert ties("add", name, "--no-log").exit_code == 0
    result = ties("list", "--search", "li wong", "--json")
    assert [p["name"] for p in json.loads(result.stdout)] == [name]
    assert ties("show", "wong").exit_code == 0


def test_list_no_match_says_so(ties, network):
    result = ties("list", "--search", "zzz")
    assert result.exit_code == 0
    assert result.stderr == "No one matches. 'ties list' shows everyone.\n"


@pytest.mark.parametrize("width", [80, 200])
def test_list_keeps_every_name_whole(ties, width):
    names = ["Maximilian Alexander Fitzgerald-Worthington", "王伟", "Zoë O'Neill-Smith"]
    for n in names:
        ties("add", n, "--company", "International Business Machines Corporation",
             "--tag", "very-long-tag-number-one", "--tag", "another-long-tag")
    result = ties("list", COLUMNS=str(width))
    assert result.exit_code == 0
    for n in names:
        assert n in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= width


def test_markup_and_escape_sequences_in_names_are_shown_literally(ties, db_path):
    # A name holding a control character is refused (it would be stored changed)...
    refused = ties("add", "[bold]Evil[/bold] \x1b[31mRed")
    assert refused.exit_code == 1 and "\\x1b" in refused.stderr
    ties("add", "[bold]Evil[/bold] Red", "--note", "[link=x]y[/link] \x1b]0;pwned\x07")
    # ...while free text is stored as given...
    assert rows(db_path, "SELECT name, notes FROM person") == [
        ("[bold]Evil[/bold] Red", "[link=x]y[/link] \x1b]0;pwned\x07")]
    result = ties("list")
    assert "[bold]Evil[/bold] Red" in result.stdout
    shown = ties("show", "@1")
    assert "[link=x]y[/link]" in shown.stdout
    # ...and shown visibly, never raw
    assert "[link=x]y[/link] \\x1b]0;pwned\\x07" in shown.stdout
    assert "\x1b" not in shown.stdout + shown.stderr + result.stdout + refused.stderr


def test_escape_sequences_already_in_the_store_are_shown_escaped(ties, db_path):
    # ...and any that arrive another way (an old import, a hand edit) are made visible.
    ties("add", "Mallory")
    execute(db_path, "UPDATE person SET name = ?, notes = ?", ("Mal\x1b[2Jlory", "a\x9bb\u202ec"))
    shown = ties("show", "@1")
    assert shown.exit_code == 0
    assert "Mal\\x1b[2Jlory" in shown.stdout
    assert "a\\x9bb\\u202ec" in shown.stdout
    assert "\x1b" not in shown.stdout and "\x9b" not in shown.stdout


def test_list_table_is_bounded_and_says_how_to_see_more(ties, db_path, monkeypatch):
    import ties.cli.people as people

    monkeypatch.setattr(people, "TABLE_LIMIT", 3)
    for i in range(5):
        ties("add", f"Person {i}", "--no-log")
    result = ties("list")
    assert result.exit_code == 0
    assert [line.split()[1] for line in result.stdout.splitlines()[2:]] == ["0", "1", "2"]
    assert result.stderr == ("Showing 3 of 5; --limit N shows more, or narrow it down with "
                             "--type, --tag or --search.\n")
    assert ties("list", "--limit", "4").stderr.startswith("Showing 4 of 5;")
    assert len(json.loads(ties("list", "--json").stdout)) == 5
    assert len(json.loads(ties("list", "--json", "--limit", "2").stdout)) == 2
