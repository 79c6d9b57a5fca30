"""reconcile.plan: what an import will do (create, update, unchanged, skip, conflicts), as
a pure function of the file's records and the people already here."""

from __future__ import annotations

from datetime import date

from ties.core import reconcile
from ties.core.identity import Index
from ties.formats.importers import Record


def here(*people: dict) -> tuple[Index, dict[int, dict]]:
    index, current = Index(), {}
    for p in people:
        index.add(p["id"], key=p["name"].lower(), company=p.get("company"),
                  email=p.get("email"), linkedin=p.get("linkedin"))
        current[p["id"]] = {**{k: None for k in reconcile.IMPORT_FIELDS}, "tags": [], **p}
    return index, current


def test_someone_new_is_created_with_the_files_values_and_the_given_type_and_tags():
    index, current = here()
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"email": "ana@globex.example"},
                                  ["mentor"])], index, current, type_="social",
                          tags=["pycon"])
    (create,) = plan.creates
    assert (create.name, create.values["email"], create.values["type"], create.tags,
            create.positions) == ("Ana Lima", "ana@globex.example", "social",
                                  ["mentor", "pycon"], ["row 2"])
    assert plan.updates == [] and plan.conflicts == []


def test_a_match_fills_only_empty_fields_and_reports_a_conflict_with_its_reason():
    index, current = here({"id": 7, "name": "Ana Lima", "email": "ana@globex.example",
                           "role": "CTO"})
    plan = reconcile.plan([Record("A. Lima", "row 2", {"email": "ana@globex.example",
                                                       "role": "VP", "company": "Globex"})],
                          index, current)
    (update,) = plan.updates
    assert (update.person_id, update.reason, update.changes) == (7, "same email",
                                                                 {"company": "Globex"})
    assert plan.conflicts == [("Ana Lima", "role", "VP", "CTO")]
    assert current[7]["company"] is None  # what is here is not changed by planning
    assert plan.creates == []


def test_a_match_that_adds_nothing_is_unchanged():
    index, current = here({"id": 7, "name": "Ana Lima", "company": "Globex"})
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"company": "globex"})], index, current)
    assert [u.person_id for u in plan.unchanged] == [7] and plan.changed == []
    assert plan.updates[0].reason == "same name at the same company"
    assert plan.conflicts == [("Ana Lima", "company", "globex", "Globex")]


def test_the_same_person_twice_in_a_file_is_created_once_from_both_entries():
    index, current = here()
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"email": "a@x.example"}, ["a"]),
                           Record("Ana L", "row 5", {"email": "a@x.example", "role": "CTO"},
                                  ["b"])], index, current)
    (create,) = plan.creates
    assert (create.values["role"], create.tags, create.positions) == ("CTO", ["a", "b"],
                                                                     ["row 2", "row 5"])


def test_a_birthday_fills_all_three_parts_only_when_none_is_set():
    index, current = here({"id": 1, "name": "Ana"}, {"id": 2, "name": "Bo",
                                                      "birthday_month": 4, "birthday_day": 1})
    fields = {"birthday_year": 1980, "birthday_month": 3, "birthday_day": 22}
    plan = reconcile.plan([Record("Ana", "row 2", dict(fields)),
                           Record("Bo", "row 3", dict(fields))], index, current)
    ana, bo = plan.updates
    assert ana.changes == fields
    assert bo.changes == {}
    assert plan.conflicts == [("Bo", "birthday", "1980-03-22", "--04-01")]


def test_skips_are_carried_into_the_plan():
    index, current = here()
    plan = reconcile.plan([], index, current, skipped=[("row 7", "no name")])
    assert plan.skipped == [("row 7", "no name")]


def test_a_date_conflict_is_reported_in_iso_form():
    index, current = here({"id": 1, "name": "Ana", "connected_on": date(2024, 5, 30)})
    plan = reconcile.plan([Record("Ana", "row 2", {"connected_on": date(2025, 1, 5)})],
                          index, current)
    assert plan.conflicts == [("Ana", "connected_on", "2025-01-05", "2024-05-30")]
