"""When you learned a person's talking points (`person.learned_at`): set by every path that
gives one of working on, struggles with, cares about a value, and by no other; `ties next`
dates the talking point by it (issue 15, item 3)."""

from __future__ import annotations

import json

from conftest import rows


def learned(db_path, name: str):
    (value,) = rows(db_path, "SELECT learned_at FROM person WHERE name = ?", (name,))[0]
    return None if value is None else str(value)[:10]


def talk(ties, name: str, today: str = "2025-04-20") -> tuple[str, str | None]:
    items = {i["name"]: i for i in json.loads(ties("next", "--json", TIES_TODAY=today).stdout)}
    return items[name]["talk_about"], items[name]["talk_about_on"]


def test_add_dates_a_talking_point_and_a_person_without_one_has_no_date(ties, db_path):
    ties("add", "Ana", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    ties("add", "Bo", "--company", "Acme", TIES_TODAY="2025-03-01")
    assert (learned(db_path, "Ana"), learned(db_path, "Bo")) == ("2025-03-01", None)


def test_emptying_the_last_talking_point_forgets_the_date_emptying_one_keeps_it(ties, db_path):
    ties("add", "Ana", "--working-on", "the launch", "--cares-about", "tea",
         TIES_TODAY="2025-03-01")
    ties("edit", "Ana", "--working-on", "", TIES_TODAY="2025-03-05")
    assert learned(db_path, "Ana") == "2025-03-01"  # nothing new was learned
    ties("edit", "Ana", "--cares-about", "", TIES_TODAY="2025-03-06")
    assert learned(db_path, "Ana") is None


def test_merge_keeps_the_date_of_the_talking_points_it_keeps_not_its_own(ties, db_path):
    ties("add", "Ana Lima", "--type", "social", "--on", "2025-03-01", TIES_TODAY="2025-03-01")
    ties("add", "Ana L.", "--working-on", "a new job", "--no-log", TIES_TODAY="2025-03-05")
    ties("log", "Ana Lima", "--on", "2025-03-10", "--note", "the hiring froze",
         TIES_TODAY="2025-03-10")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2025-03-20").exit_code == 0
    assert learned(db_path, "Ana Lima") == "2025-03-05"
    assert talk(ties, "Ana Lima") == ("10 Mar: the hiring froze", "2025-03-10")


def test_merge_of_two_talking_points_keeps_the_later_date(ties, db_path):
    ties("add", "Ana Lima", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    ties("add", "Ana L.", "--cares-about", "tea", "--no-log", TIES_TODAY="2025-03-05")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2025-03-20").exit_code == 0
    assert learned(db_path, "Ana Lima") == "2025-03-05"


def test_merge_that_keeps_only_the_kept_persons_talking_point_keeps_its_date(ties, db_path):
    ties("add", "Ana Lima", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    ties("add", "Ana L.", "--working-on", "something else", "--no-log",
         TIES_TODAY="2025-03-05")
    assert ties("merge", "Ana Lima", "Ana L.", "--yes", TIES_TODAY="2025-03-20").exit_code == 0
    assert learned(db_path, "Ana Lima") == "2025-03-01"


def _csv(tmp_path, text: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_import_that_fills_a_talking_point_dates_it_and_undo_puts_the_date_back(
        ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--working-on", "the launch", "--company", "Acme",
         TIES_TODAY="2025-03-01")
    ties("add", "Bo Chen", "--company", "Acme", TIES_TODAY="2025-03-01")
    before = ties("export").stdout
    source = _csv(tmp_path, "Name,Company,Struggles\nAna Lima,Acme,sleep\nBo Chen,Acme,hiring\n"
                            "Cy Diaz,Globex,\nDee Park,Globex,rust\n")
    result = ties("import", source, TIES_TODAY="2025-03-10")
    assert result.exit_code == 0, result.stderr
    assert [learned(db_path, n) for n in ("Ana Lima", "Bo Chen", "Cy Diaz", "Dee Park")] == [
        "2025-03-10", "2025-03-10", None, "2025-03-10"]
    assert ties("import", "--undo", TIES_TODAY="2025-03-11").exit_code == 0
    assert (learned(db_path, "Ana Lima"), learned(db_path, "Bo Chen")) == ("2025-03-01", None)

    def without_export_time(text):
        doc = json.loads(text)
        del doc["exported_at"]
        doc.pop("last_ids", None)
        return doc
    assert without_export_time(ties("export").stdout) == without_export_time(before)


def test_an_import_that_fills_only_other_fields_leaves_the_date(ties, db_path, tmp_path):
    ties("add", "Ana Lima", "--working-on", "the launch", TIES_TODAY="2025-03-01")
    source = _csv(tmp_path, "Name,Company\nAna Lima,Acme\n")
    assert ties("import", source, TIES_TODAY="2025-03-10").exit_code == 0
    assert learned(db_path, "Ana Lima") == "2025-03-01"


def test_the_json_export_carries_the_date_and_a_fresh_store_reads_it_back(
        ties, db_path, tmp_path):
    ties("add", "Ana", "--type", "social", "--working-on", "the launch", "--on", "2025-03-01",
         TIES_TODAY="2025-03-01")
    ties("edit", "Ana", "--phone", "+1 555", TIES_TODAY="2025-03-12")
    doc = json.loads(ties("export").stdout)
    (ana,) = doc["people"]
    assert ana["learned_at"].startswith("2025-03-01") and ana["updated_at"].startswith(
        "2025-03-12")
    fresh = str(tmp_path / "fresh.db")
    assert ties("--db", fresh, "import", "-", input=json.dumps(doc)).exit_code == 0
    again = json.loads(ties("--db", fresh, "export").stdout)["people"][0]
    assert (again["learned_at"], again["updated_at"]) == (ana["learned_at"],
                                                           ana["updated_at"])


def test_a_json_file_from_before_learned_at_dates_talking_points_by_the_last_change(
        ties, db_path):
    doc = {"format": "ties", "version": 1, "settings": {}, "people": [
        {"id": 1, "name": "Ana", "working_on": "the launch",
         "updated_at": "2025-02-01 10:00:00"},
        {"id": 2, "name": "Bo", "updated_at": "2025-02-01 10:00:00"},
        {"id": 3, "name": "Cy", "working_on": "rust", "learned_at": None,
         "updated_at": "2025-02-01 10:00:00"}], "interactions": [], "follow_ups": []}
    assert ties("import", "-", input=json.dumps(doc)).exit_code == 0
    assert [learned(db_path, n) for n in ("Ana", "Bo", "Cy")] == ["2025-02-01", None, None]


# The pure choice: views.talk_about ---------------------------------------------------------

def test_talk_about_prefers_a_note_strictly_later_than_what_the_profile_says():
    from datetime import date

    from ties.views import talk_about

    today = date(2025, 4, 20)
    points = {"working_on": "hiring", "updated": "2025-03-10 11:30:00+00:00"}
    assert talk_about(points, (date(2025, 3, 11), "froze"), today) == (
        "11 Mar: froze", date(2025, 3, 11))
    assert talk_about(points, (date(2025, 3, 10), "froze"), today) == (
        "10 Mar: ask about hiring", date(2025, 3, 10))  # the same day: the profile
    assert talk_about(points, None, today) == ("10 Mar: ask about hiring", date(2025, 3, 10))


def test_talk_about_an_undated_profile_loses_to_any_note_and_alone_shows_no_date():
    from datetime import date

    from ties.views import talk_about

    today = date(2025, 4, 20)
    points = {"working_on": "hiring", "updated": None}
    assert talk_about(points, (date(2020, 1, 1), "old"), today) == (
        "1 Jan 2020: old", date(2020, 1, 1))
    assert talk_about(points, None, today) == ("ask about hiring", None)
    assert talk_about({"updated": "2025-03-10 12:00:00"}, None, today) == ("", None)
