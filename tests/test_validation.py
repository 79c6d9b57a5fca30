"""One validation layer: every argument, document and stored value is checked the same way,
and anything ties can't accept is refused with one line (exit 1 or 2), never exit 70."""

from __future__ import annotations

import json

import pytest

from conftest import snapshot

HUGE = "99999999999999999999999"  # more than SQLite's (and PostgreSQL's) largest integer
NOT_UTF8 = "r\udce9sum\udce9"  # $'r\xe9sum\xe9' from a Latin-1 terminal, as Python sees argv


@pytest.fixture
def ana(ties):
    assert ties("add", "Ana Lima").exit_code == 0


def refused(result, code: int = 1) -> str:
    assert result.exit_code == code, result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    return result.stderr


# Arguments that crashed ---------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("log", "Ana", "--on", "² days ago"),
    ("log", "Ana", "--on", "in ³ days"),
    ("edit", "Ana", "--every", "²w"),
    ("snooze", "Ana", "--for", "³d"),
    ("follow-up", "Ana", "call", "--due", "in ² weeks"),
])
def test_superscript_digits_in_dates_are_refused_not_a_value_error(ties, ana, db_path, args):
    before = snapshot(db_path)
    assert "Try one of" in refused(ties(*args))
    assert snapshot(db_path) == before


def test_show_at_superscript_digit_is_no_one_not_a_value_error(ties, ana):
    assert "No one called '@²'" in refused(ties("show", "@²"))


def test_show_at_huge_id_is_no_one_not_an_overflow(ties, ana):
    assert f"No one has the id @{HUGE}" in refused(ties("show", f"@{HUGE}"))


def test_show_at_largest_possible_id_is_no_one(ties, ana):
    assert "No one has the id" in refused(ties("show", f"@{2**63 - 1}"))


@pytest.mark.parametrize("args", [
    ("done", HUGE),
    ("interaction", "edit", HUGE, "--note", "x"),
    ("interaction", "rm", HUGE, "--yes"),
    ("list", "--limit", HUGE),
    ("report", "--limit", HUGE),
    ("triage", "--limit", HUGE),
    ("import", "--undo", "--batch", HUGE),
])
def test_huge_ids_and_counts_are_usage_errors_not_an_overflow(ties, ana, db_path, args):
    before = snapshot(db_path)
    assert "is not in the range 1<=x<=9223372036854775807" in refused(ties(*args), 2)
    assert snapshot(db_path) == before


def test_largest_id_is_accepted_as_an_id_that_does_not_exist(ties, ana):
    assert "No follow-up #9223372036854775807" in refused(ties("done", str(2**63 - 1)))
    assert "9223372036854775808" in refused(ties("done", str(2**63)), 2)


@pytest.mark.parametrize("args", [
    ("log", "Ana", "--note", NOT_UTF8),
    ("add", f"Bo{NOT_UTF8}"),
    ("add", "Bo", "--company", NOT_UTF8),
    ("edit", "Ana", "--add-note", NOT_UTF8),
    ("edit", "Ana", "--tag", NOT_UTF8),
    ("follow-up", "Ana", NOT_UTF8),
    ("show", NOT_UTF8),
    ("list", "--search", NOT_UTF8),
])
def test_invalid_utf8_bytes_in_arguments_are_refused_not_stored(ties, ana, db_path, args):
    before = snapshot(db_path)
    message = refused(ties(*args))
    assert "is not valid UTF-8 text" in message and "LC_ALL=C.UTF-8" in message
    assert snapshot(db_path) == before


# Names keep what people typed -----------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Ali\u200cReza Tehrani",  # ZWNJ inside a Persian name
    "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",  # محمد‌رضا
    "Sam \U0001f469\u200d\U0001f4bb",  # woman technologist: ZWJ sequence
    "Flag \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
])
def test_names_keep_zero_width_joiners(ties, name):
    assert ties("add", name).exit_code == 0
    listed = json.loads(ties("list", "--json").stdout)
    assert [p["name"] for p in listed] == [name]


def test_a_name_with_a_joiner_is_found_typed_with_or_without_it(ties):
    ties("add", "Ali\u200cReza Tehrani")
    for typed in ("Ali\u200cReza", "AliReza", "alireza tehrani"):
        result = ties("show", typed, "--json")
        assert result.exit_code == 0, typed
        assert json.loads(result.stdout)["name"] == "Ali\u200cReza Tehrani"


def test_control_characters_in_a_name_still_become_spaces(ties):
    assert ties("add", "Ana\x1b[2J\u200bLima").exit_code == 0
    assert json.loads(ties("list", "--json").stdout)[0]["name"] == "Ana [2J Lima"


# Same limits everywhere ----------------------------------------------------------------

def test_add_note_twice_can_not_outgrow_the_notes_limit(ties, ana, db_path):
    """Regression: two appends of 99,000 characters made notes of 198,001 that no backup
    could restore. The resulting notes are what is checked."""
    assert ties("edit", "Ana", "--add-note", "x" * 99_000).exit_code == 0
    before = snapshot(db_path)
    message = refused(ties("edit", "Ana", "--add-note", "y" * 99_000))
    assert "would have 198,001 characters; ties keeps at most 100,000" in message
    assert snapshot(db_path) == before


def test_add_note_up_to_exactly_the_limit_is_kept(ties, ana):
    assert ties("edit", "Ana", "--add-note", "x" * 50_000).exit_code == 0
    assert ties("edit", "Ana", "--add-note", "y" * 49_999).exit_code == 0  # 100,000 with \n
    assert len(json.loads(ties("show", "Ana", "--json").stdout)["notes"]) == 100_000
    assert "100,002 characters" in refused(ties("edit", "Ana", "--add-note", "z"))


def test_add_note_one_past_the_limit_is_refused(ties):
    ties("add", "Bo Chen", "--note", "x" * 50_000)
    assert "100,001 characters" in refused(ties("edit", "Bo", "--add-note", "y" * 50_000))
