"""When you learned each of a person's talking points (`person.working_on_learned_at`,
`struggles_learned_at`, `cares_about_learned_at`, schema 8): set by every path that gives
that talking point a new value, and by no other; `ties next` shows the one learned last,
dated by it (issue 15, item 3)."""

from __future__ import annotations

import json

import pytest

from conftest import rows

POINTS = ("working_on", "struggles", "cares_about")


def learned(db_path, name: str, point: str = "working_on"):
    (value,) = rows(db_path, f"SELECT {point}_learned_at FROM person WHERE name = ?",
                    (name,))[0]
    return None if value is None else str(value)[:10]


def every(db_path, name: str) -> list[str | None]:
    return [learned(db_path, name, p) for p in POINTS]


def talk(ties, name: str, today: str = "2025-04-20") -> tuple[str, str | None]:
    items = {i["name"]: i for i in json.loads(ties("next", "--json", TIES_TODAY=today).stdout)}
    return items[name]["talk_about"], items[name]["talk_about_on"]


def test_add_dates_each_talking_point_it_sets_and_none_it_leaves_empty(ties, db_path):
    ties("add", "Ana", "--working-on", "the launch", "--cares-about", "tea",
         TIES_TODAY="2025-03-01")
    ties("add", "Bo", "--company", "Acme", TIES_TODAY="2025-03-01")
    assert every(db_path, "Ana") == ["2025-03-01", None, "2025-03-01"]
    assert every(db_path, "Bo") == [None, None, None]


def test_regression_a_new_cares_about_no_longer_dates_an_old_working_on(ties, db_path):
    """The re-check of issue 15: day 1 working on a book, day 31 a note that she dropped
    it, day 60 cares about climbing; next showed the book with the day-60 date."""
    assert ties("add", "Ana Lima", "--type", "social", "--working-on", "a book on CRDTs",
                "--on", "2025-01-01", TIES_TODAY="2025-01-01").exit_code == 0
    assert ties("log", "Ana Lima", "--on", "2025-01-31", "--note", "she dropped the book",
                TIES_TODAY="2025-01-31").exit_code == 0
    assert ties("edit", "Ana Lima", "--cares-about", "climbing",
                TIES_TODAY="2025-03-01").exit_code == 0
    assert every(db_path, "Ana Lima") == ["2025-01-01", None, "2025-03-01"]
    assert talk(ties, "Ana Lima", "2025-04-20") == ("1 Mar: they care about climbing",
                                                    "2025-03-01")
    shown = ties("show", "Ana Lima", TIES_TODAY="2025-04-20").stdout
    assert "book on CRDTs" in shown  # the profile still says it; next does not suggest it


def test_the_note_after_the_working_on_wins_until_something_newer_is_learned(ties, db_path):
    ties("add", "Ana Lima", "--type", "social", "--working-on", "a book on CRDTs",
         "--on", "2025-01-01", TIES_TODAY="2025-01-01")
    ties("log", "Ana Lima", "--on", "2025-01-31", "--note", "she dropped the book",
         TIES_TODAY="2025-01-31")
    assert talk(ties, "Ana Lima") == ("31 Jan: she dropped the book", "2025-01-31")
    ties("edit", "Ana Lima", "--struggles", "sleep", TIES_TODAY="2025-01-31")
    assert talk(ties, "Ana Lima") == ("31 Jan: they struggle with sleep", "2025-01-31")


def test_setting_a_talking_point_to_the_same_value_again_is_not_newly_learned(ties, db_path):
    ties("add", "Ana", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    ties("edit", "Ana", "--working-on", "the launch", "--phone", "+1 555",
         TIES_TODAY="2025-03-09")
    assert every(db_path, "Ana") == ["2025-03-01", None, None]
    ties("edit", "Ana", "--working-on", "the relaunch", TIES_TODAY="2025-03-10")
    assert every(db_path, "Ana") == ["2025-03-10", None, None]


def test_emptying_a_talking_point_forgets_its_date_and_keeps_the_others(ties, db_path):
    ties("add", "Ana", "--type", "social", "--working-on", "the launch", "--cares-about",
         "tea", "--on", "2025-03-01", TIES_TODAY="2025-03-01")
    ties("edit", "Ana", "--cares-about", "chess", TIES_TODAY="2025-03-04")
    ties("edit", "Ana", "--cares-about", "", TIES_TODAY="2025-03-05")
    assert every(db_path, "Ana") == ["2025-03-01", None, None]
    assert talk(ties, "Ana") == ("1 Mar: ask about the launch", "2025-03-01")


def test_two_talking_points_learned_the_same_day_show_working_on_first(ties, db_path):
    ties("add", "Ana", "--type", "social", "--cares-about", "tea", "--working-on", "a launch",
         "--on", "2025-03-01", TIES_TODAY="2025-03-01")
    assert talk(ties, "Ana") == ("1 Mar: ask about a launch", "2025-03-01")


def test_merge_keeps_the_date_of_each_talking_point_with_its_value(ties, db_path):
    ties("add", "Ana Lima", "--type", "social", "--working-on", "the launch",
         "--on", "2025-03-01", TIES_TODAY="2025-03-01")
    ties("add", "Ana L.", "--working-on", "something else", "--cares-about", "tea",
         "--no-log", TIES_TODAY="2025-03-05")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2025-03-20").exit_code == 0
    assert every(db_path, "Ana Lima") == ["2025-03-05", None, "2025-03-05"]
    assert talk(ties, "Ana Lima")[1] == "2025-03-05"


def test_regression_merge_kept_the_older_working_on_of_two(ties, db_path):
    """A review: merging @1 (working on 'hiring data scientists', 5 Jan) with @2
    ('platform team migration', 19 Feb) kept the January one and put the newer into the
    notes. The one learned later is in front; the older goes into the notes, and the
    preview says so. Merged the other way round, the later one stays."""
    ties("add", "Ana Lima", "--type", "social", "--working-on", "hiring data scientists",
         "--on", "2026-01-05", TIES_TODAY="2026-01-05")
    ties("add", "Ana L.", "--working-on", "platform team migration", "--no-log",
         TIES_TODAY="2026-02-19")
    merged = ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2026-03-01")
    assert merged.exit_code == 0, merged.stderr
    assert ("working on: take platform team migration (learned later; hiring data "
            "scientists goes into notes)") in merged.stderr
    shown = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert shown["working_on"] == "platform team migration"
    assert "Earlier (merged): working on: hiring data scientists" in shown["notes"]
    assert learned(db_path, "Ana Lima") == "2026-02-19"


def test_merge_keeps_its_own_talking_point_when_it_was_learned_later(ties, db_path):
    ties("add", "Ana L.", "--working-on", "hiring data scientists", "--no-log",
         TIES_TODAY="2026-01-05")
    ties("add", "Ana Lima", "--type", "social", "--working-on", "platform team migration",
         "--on", "2026-02-19", TIES_TODAY="2026-02-19")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2026-03-01").exit_code == 0
    shown = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert shown["working_on"] == "platform team migration"
    assert "working on: hiring data scientists" in shown["notes"]
    assert "Earlier (merged)" not in shown["notes"]
    assert learned(db_path, "Ana Lima") == "2026-02-19"


def test_merge_never_dates_a_talking_point_by_the_merge_itself(ties, db_path):
    ties("add", "Ana Lima", "--type", "social", "--on", "2025-03-01", TIES_TODAY="2025-03-01")
    ties("add", "Ana L.", "--working-on", "a new job", "--no-log", TIES_TODAY="2025-03-05")
    ties("log", "Ana Lima", "--on", "2025-03-10", "--note", "the hiring froze",
         TIES_TODAY="2025-03-10")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2025-03-20").exit_code == 0
    assert every(db_path, "Ana Lima") == ["2025-03-05", None, None]
    assert talk(ties, "Ana Lima") == ("10 Mar: the hiring froze", "2025-03-10")


def _csv(tmp_path, text: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_import_dates_the_talking_points_it_fills_and_undo_forgets_those_dates(
        ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--working-on", "the launch", "--company", "Acme",
         TIES_TODAY="2025-03-01")
    ties("add", "Bo Chen", "--company", "Acme", TIES_TODAY="2025-03-01")
    before = ties("export").stdout
    source = _csv(tmp_path, "Name,Company,Struggles\nAna Lima,Acme,sleep\nBo Chen,Acme,hiring\n"
                            "Cy Diaz,Globex,\nDee Park,Globex,rust\n")
    result = ties("import", source, TIES_TODAY="2025-03-10")
    assert result.exit_code == 0, result.stderr
    assert every(db_path, "Ana Lima") == ["2025-03-01", "2025-03-10", None]
    assert [learned(db_path, n, "struggles") for n in ("Bo Chen", "Cy Diaz", "Dee Park")] == [
        "2025-03-10", None, "2025-03-10"]
    assert ties("import", "--undo", TIES_TODAY="2025-03-11").exit_code == 0
    assert every(db_path, "Ana Lima") == ["2025-03-01", None, None]
    assert every(db_path, "Bo Chen") == [None, None, None]

    def without_export_time(text):
        doc = json.loads(text)
        del doc["exported_at"]
        doc.pop("last_ids", None)
        return doc
    assert without_export_time(ties("export").stdout) == without_export_time(before)


def test_an_import_that_fills_only_other_fields_leaves_the_dates(ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    source = _csv(tmp_path, "Name,Company\nAna Lima,Acme\n")
    assert ties("import", source, TIES_TODAY="2025-03-10").exit_code == 0
    assert every(db_path, "Ana Lima") == ["2025-03-01", None, None]


def test_the_json_export_carries_each_date_and_a_fresh_store_reads_them_back(
        ties, db_path, tmp_path):
    ties("add", "Ana", "--type", "social", "--working-on", "the launch", "--on", "2025-03-01",
         TIES_TODAY="2025-03-01")
    ties("edit", "Ana", "--cares-about", "tea", TIES_TODAY="2025-03-05")
    ties("edit", "Ana", "--phone", "+1 555", TIES_TODAY="2025-03-12")
    doc = json.loads(ties("export").stdout)
    (ana,) = doc["people"]
    assert "learned_at" not in ana
    assert ana["working_on_learned_at"].startswith("2025-03-01")
    assert ana["struggles_learned_at"] is None
    assert ana["cares_about_learned_at"].startswith("2025-03-05")
    assert ana["updated_at"].startswith("2025-03-12")
    fresh = str(tmp_path / "fresh.db")
    assert ties("--db", fresh, "import", "-", input=json.dumps(doc)).exit_code == 0
    again = json.loads(ties("--db", fresh, "export").stdout)["people"][0]
    clocks = ("working_on_learned_at", "struggles_learned_at", "cares_about_learned_at",
              "updated_at")
    assert [again[k] for k in clocks] == [ana[k] for k in clocks]


def test_regression_a_json_import_into_a_store_that_has_them_dated_the_talking_point_today(
        ties, db_path, tmp_path):
    """A review: a ties JSON export whose working on was learned on 5 Jan, imported on
    6 Mar into a store that already had the person, dated it 6 Mar, so `next` showed it
    over the 4 Feb note that said otherwise. The file's own time is kept."""
    ties("add", "Ana Lima", "--type", "strategic", "--working-on", "hiring data scientists",
         "--on", "2026-01-05", TIES_TODAY="2026-01-05")
    ties("log", "Ana", "--on", "2026-02-04", "--note", "hiring freeze, no more data scientists",
         TIES_TODAY="2026-02-04")
    ties("edit", "Ana", "--phone", "+1 555 0100", TIES_TODAY="2026-03-06")
    doc = ties("export", TIES_TODAY="2026-03-06").stdout
    other = str(tmp_path / "other.db")
    ties("--db", other, "add", "Ana Lima", "--type", "strategic", "--no-log",
         TIES_TODAY="2026-03-01")
    done = ties("--db", other, "import", "-", input=doc, TIES_TODAY="2026-03-06")
    assert done.exit_code == 0, done.stderr
    items = json.loads(ties("--db", other, "next", "--json", TIES_TODAY="2026-05-20").stdout)
    (ana,) = [i for i in items if i["name"] == "Ana Lima"]
    assert (ana["talk_about"], ana["talk_about_on"]) == (
        "4 Feb: hiring freeze, no more data scientists", "2026-02-04")
    again = json.loads(ties("--db", other, "export").stdout)["people"][0]
    assert again["working_on_learned_at"].startswith("2026-01-05")


def test_a_json_file_from_before_the_dates_dates_talking_points_by_what_it_knows(
        ties, db_path):
    """A file without per-point dates: schema 7's one `learned_at` dates each point that
    is set (as m008); a file without even that, the person's last change (as m007)."""
    doc = {"format": "ties", "version": 1, "settings": {}, "people": [
        {"id": 1, "name": "Ana", "working_on": "the launch",
         "updated_at": "2025-02-01 10:00:00"},
        {"id": 2, "name": "Bo", "updated_at": "2025-02-01 10:00:00"},
        {"id": 3, "name": "Cy", "working_on": "rust", "learned_at": None,
         "updated_at": "2025-02-01 10:00:00"},
        {"id": 4, "name": "Di", "working_on": "rust", "cares_about": "tea",
         "learned_at": "2025-01-15 09:00:00", "updated_at": "2025-02-01 10:00:00"},
        {"id": 5, "name": "Ed", "working_on": "rust", "cares_about": "tea",
         "cares_about_learned_at": "2025-01-20 09:00:00",
         "updated_at": "2025-02-01 10:00:00"}], "interactions": [], "follow_ups": []}
    assert ties("import", "-", input=json.dumps(doc)).exit_code == 0
    assert every(db_path, "Ana") == ["2025-02-01", None, None]
    assert every(db_path, "Bo") == [None, None, None]
    assert every(db_path, "Cy") == [None, None, None]
    assert every(db_path, "Di") == ["2025-01-15", None, "2025-01-15"]
    assert every(db_path, "Ed") == [None, None, "2025-01-20"]


# The pure choice: views.talk_about ---------------------------------------------------------

def test_talk_about_prefers_a_note_strictly_later_than_what_the_profile_says():
    from datetime import date

    from ties.views import talk_about

    today = date(2025, 4, 20)
    points = {"working_on": "hiring", "working_on_learned_at": "2025-03-10 11:30:00+00:00"}
    assert talk_about(points, (date(2025, 3, 11), "froze"), today) == (
        "11 Mar: froze", date(2025, 3, 11))
    assert talk_about(points, (date(2025, 3, 10), "froze"), today) == (
        "10 Mar: ask about hiring", date(2025, 3, 10))  # the same day: the profile
    assert talk_about(points, None, today) == ("10 Mar: ask about hiring", date(2025, 3, 10))


@pytest.mark.parametrize(("day", "expected"), [
    ("2025-03-09", "10 Mar: they care about tea"),  # the later point wins
    ("2025-03-10", "10 Mar: ask about hiring"),  # the same day: working on first
    ("2025-03-11", "11 Mar: ask about hiring"),
])
def test_talk_about_shows_the_talking_point_learned_last(day, expected):
    from datetime import date

    from ties.views import talk_about

    points = {"working_on": "hiring", "working_on_learned_at": f"{day} 12:00:00",
              "cares_about": "tea", "cares_about_learned_at": "2025-03-10 12:00:00"}
    assert talk_about(points, None, date(2025, 4, 20))[0] == expected


def test_talk_about_an_undated_profile_loses_to_any_note_and_alone_shows_no_date():
    from datetime import date

    from ties.views import talk_about

    today = date(2025, 4, 20)
    points = {"working_on": "hiring", "working_on_learned_at": None}
    assert talk_about(points, (date(2020, 1, 1), "old"), today) == (
        "1 Jan 2020: old", date(2020, 1, 1))
    assert talk_about(points, None, today) == ("ask about hiring", None)
    assert talk_about({**points, "cares_about": "tea",
                       "cares_about_learned_at": "2025-01-02 10:00:00"}, None, today) == (
        "2 Jan: they care about tea", date(2025, 1, 2))  # a dated point beats an undated
    assert talk_about({"working_on_learned_at": "2025-03-10 12:00:00"}, None, today) == (
        "", None)


def test_undo_of_an_import_made_on_schema_7_passes_over_its_kept_time(
        ties, db_path, tmp_path):
    """Schema 7 kept a person's old `learned_at` in an import_fill row named
    'learned_at:before'; undoing such an import after the upgrade ignores it."""
    from conftest import execute

    ties("add", "Bo Chen", "--company", "Acme", TIES_TODAY="2025-03-01")
    source = _csv(tmp_path, "Name,Company,Struggles\nBo Chen,Acme,hiring\n")
    assert ties("import", source, TIES_TODAY="2025-03-10").exit_code == 0
    execute(db_path, "INSERT INTO import_fill (batch_id, person_id, field, value) "
                     "VALUES (1, 1, 'learned_at:before', '')")
    undone = ties("import", "--undo", TIES_TODAY="2025-03-11")
    assert undone.exit_code == 0, undone.stderr
    assert every(db_path, "Bo Chen") == [None, None, None]
    assert rows(db_path, "SELECT struggles FROM person") == [(None,)]
