"""reconcile.plan: what an import will do (create, update, unchanged, skip, conflicts), as
a pure function of the file's records and the people already here."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

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
    assert plan.conflicts == []  # the same company in another case: no conflict (review 13)


def test_a_different_value_is_a_conflict_kept_as_yours():
    index, current = here({"id": 7, "name": "Ana Lima", "email": "a@x.example",
                           "role": "CTO"})
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"email": "A@x.example",
                                                       "role": "VP"})], index, current)
    assert plan.conflicts == [("Ana Lima", "role", "VP", "CTO")]  # the email differs in case only


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


# Entries merged with earlier ones: counted and shown, never vanishing ----------------------

def test_duplicate_entries_in_a_file_are_merged_with_the_first_regression_vanished_uncounted():
    """Three more 'Ana Lima' rows used to vanish from every count of the import."""
    index, current = here()
    rows = [Record("Ana Lima", f"row {n}", {"company": "Globex"}) for n in (2, 3, 4, 5)]
    plan = reconcile.plan(rows, index, current)
    assert [c.positions for c in plan.creates] == [["row 2", "row 3", "row 4", "row 5"]]
    assert [(m.position, m.reason) for m in plan.merged] == [
        (f"row {n}", "merged with row 2 (Ana Lima): same name at the same company")
        for n in (3, 4, 5)]
    assert plan.counts()["created"] == 1 and plan.counts()["merged"] == 3
    assert plan.targets == [-1, -1, -1, -1]


def test_a_second_entry_for_someone_here_is_merged_with_the_first_that_matched_them():
    index, current = here({"id": 3, "name": "Ana Lima", "email": "ana@globex.example"})
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"email": "ana@globex.example"}),
                           Record("A. Lima", "row 4", {"email": "ANA@globex.example",
                                                       "role": "CTO"})], index, current)
    (update,) = plan.updates
    assert (update.positions, update.changes) == (["row 2", "row 4"], {"role": "CTO"})
    assert [(m.position, m.reason) for m in plan.merged] == [
        ("row 4", "merged with row 2 (Ana Lima (@3)): same email")]
    assert plan.targets == [3, 3]


def test_a_match_says_in_words_whom_it_recognised_and_how():
    index, current = here({"id": 3, "name": "Ana Lima", "email": "ana@globex.example"})
    plan = reconcile.plan([Record("A. Lima", "row 2", {"email": "ana@globex.example"})],
                          index, current)
    assert plan.updates[0].why == "same email as Ana Lima (@3)"
    new = reconcile.plan([Record("Bo Chen", "row 2", {})], *here())
    assert new.creates[0].reason == ("no one here has this LinkedIn profile, email, or name "
                                     "at this company")
    assert new.merged == [] and new.targets == [-1]


# History: interactions, follow-ups and settings of a ties JSON file ------------------------

def _people(*names_ids):
    return [Record(name, f"person {pid}", {"id": pid}) for name, pid in names_ids]


def _history(plan, records, interactions=(), follow_ups=(), settings=None, *,
             here_interactions=None, here_promises=None, yours=None):
    return reconcile.plan_history(plan, records, list(interactions), list(follow_ups),
                                  settings or {}, here_interactions=here_interactions or {},
                                  here_promises=here_promises or {}, your_settings=yours or {})


def test_an_interaction_is_created_unless_already_here_and_twice_in_the_file_is_twice():
    """Regression (the deep lifecycle run): one logged twice on purpose ('log --force')
    came back once from a ties JSON export; the file's copies beyond those here are
    created."""
    from ties.core.records import InteractionRecord

    records = _people(("Ana Lima", 7), ("Bo Chen", 8))
    index, current = here({"id": 3, "name": "Ana Lima"})
    plan = reconcile.plan(records, index, current)  # Ana is @3 here, Bo is new
    day = date(2025, 3, 1)
    plan = _history(plan, records, [
        InteractionRecord(day, "call", "hi", id=1, people=[7]),
        InteractionRecord(day, "call", "hi", id=2, people=[7, 8]),
        InteractionRecord(day, "call", "hi", id=3, people=[8, 7]),
        InteractionRecord(day, "call", "hi!", id=4, people=[7]),
        InteractionRecord(day, "call", "hi", id=5, people=[9]),
        InteractionRecord(day, "call", "hi", id=6, people=[7]),   # a second one here?
        InteractionRecord(day, "call", "hi", id=7, people=[7])],  # no: created
        here_interactions={("2025-03-01", "call", "hi", (3,)): [12, 13]})
    assert [(s.position, s.action, s.reason) for s in plan.interactions] == [
        ("interaction 1", "skip", "already here as #12 (same day, channel, note and people)"),
        ("interaction 2", "create",
         "call with Ana Lima (@3) and Bo Chen (new) on 2025-03-01, not here yet"),
        ("interaction 3", "create",
         "call with Bo Chen (new) and Ana Lima (@3) on 2025-03-01, not here yet"),
        ("interaction 4", "create", "call with Ana Lima (@3) on 2025-03-01, not here yet"),
        ("interaction 5", "skip", "its person 9 in the file matched no one here for certain"),
        ("interaction 6", "skip", "already here as #13 (same day, channel, note and people)"),
        ("interaction 7", "create", "call with Ana Lima (@3) on 2025-03-01, not here yet")]
    assert plan.interactions[1].people == [-1, 3]


def test_a_follow_up_is_created_unless_the_same_promise_is_here_and_twice_in_the_file_is_twice():
    """Regression (the deep lifecycle run, flaky): a promise made twice to the same person
    ("intro", done once and made again) came back once from a ties JSON export, the open
    one dropped as "the same as one earlier in the file"; the file's copies beyond those
    here are created, as for interactions."""
    from ties.core.records import FollowUpRecord

    records = _people(("Ana Lima", 7))
    plan = reconcile.plan_kept(records)
    due = date(2025, 4, 1)
    plan = _history(plan, records, follow_ups=[
        FollowUpRecord(1, 7, "intro", due, done=date(2025, 3, 1)),
        FollowUpRecord(2, 7, "intro", due), FollowUpRecord(3, 7, "intro"),
        FollowUpRecord(4, 7, "paper", due), FollowUpRecord(5, 7, "paper", due),
        FollowUpRecord(6, 7, "paper", due)],
        here_promises={(-1, "paper", "2025-04-01"): [5, 9]})
    assert [(s.position, s.action, s.reason) for s in plan.follow_ups] == [
        ("follow-up 1", "create", "for Ana Lima (@7), due 2025-04-01, not here yet"),
        ("follow-up 2", "create", "for Ana Lima (@7), due 2025-04-01, not here yet"),
        ("follow-up 3", "create", "for Ana Lima (@7), not here yet"),
        ("follow-up 4", "skip", "already here as #5 (same person, text and due date)"),
        ("follow-up 5", "skip", "already here as #9 (same person, text and due date)"),
        ("follow-up 6", "create", "for Ana Lima (@7), due 2025-04-01, not here yet")]


def test_a_setting_is_set_when_yours_is_the_default_and_yours_is_kept_when_it_differs():
    plan = _history(reconcile.Plan(), [],
                    settings={"next.count": "3", "cadence.social": "30",
                              "cadence.tactical": "90", "weight.social": "many"},
                    yours={"cadence.social": "30", "cadence.tactical": "60"})
    assert [(s.key, s.action, s.reason) for s in plan.settings] == [
        ("next.count", "set", "you have not set it"),
        ("cadence.social", "unchanged", "yours is the same"),
        ("cadence.tactical", "conflict", "yours is '60', the file says '90': kept yours"),
        ("weight.social", "skip", "'many' is not a valid value")]


def test_a_file_read_into_an_empty_store_keeps_every_person_and_id_without_merging():
    records = [Record("Ana Lima", "person 4", {"id": 4, "email": "a@x.example",
                                               "archived": True}, ["x"]),
               Record("Ana Lima", "person 9", {"id": 9, "email": "a@x.example"})]
    plan = reconcile.plan_kept(records)
    assert [(c.values["id"], c.values["archived"], c.tags) for c in plan.creates] == [
        (4, True, ["x"]), (9, False, [])]
    assert plan.merged == [] and plan.keep_ids and plan.targets == [-1, -2]


def test_the_plan_lists_entries_in_the_files_order_row_10_after_row_9():
    records = [Record(f"Person {n}", f"row {n}", {}) for n in (9, 10, 11)]
    plan = reconcile.plan(records, *here(), skipped=[("row 2", "no name")])
    assert [e["position"] for e in plan.entries()] == ["row 2", "row 9", "row 10", "row 11"]


_names = st.sampled_from(["Ana Lima", "Bo Chen", "ana lima"])
_emails = st.sampled_from([None, "a@x.example", "b@x.example"])
_companies = st.sampled_from([None, "Globex", "Acme"])


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.tuples(_names, _emails, _companies), max_size=8),
       people=st.lists(st.tuples(_names, _emails, _companies), max_size=3))
def test_every_entry_is_accounted_for_once_created_updated_unchanged_or_merged(entries,
                                                                              people):
    index, current = here(*[{"id": n, "name": name, "email": email, "company": company}
                            for n, (name, email, company) in enumerate(people, 1)])
    records = [Record(name, f"row {n}", {"email": email, "company": company})
               for n, (name, email, company) in enumerate(entries, 2)]
    plan = reconcile.plan(records, index, current)
    first = [c.positions[0] for c in plan.creates] + [u.positions[0] for u in plan.updates]
    merged = [m.position for m in plan.merged]
    assert sorted(first + merged) == sorted(r.position for r in records)
    counts = plan.counts()
    assert counts["created"] + counts["updated"] + counts["unchanged"] + counts["merged"] \
        == len(records)
    assert len(plan.targets) == len(records)
