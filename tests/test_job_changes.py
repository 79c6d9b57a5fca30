"""Job changes (issue 17 item 4): a re-import that brings someone's new company or role
changes it, keeps the earlier one in their history, and never clobbers what you typed."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import execute, rows
from ties.core import reconcile, scoring
from ties.core.identity import Index
from ties.formats.importers import Record

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ANA = "Ana,Lima,https://www.linkedin.com/in/analima,,{},{},01 Feb 2024\n"
BO = "Bo,Chen,https://www.linkedin.com/in/bochen,,{},{},01 Feb 2024\n"


def here(*people: dict) -> tuple[Index, dict[int, dict]]:
    index, current = Index(), {}
    for p in people:
        index.add(p["id"], key=p["name"].lower(), company=p.get("company"),
                  email=p.get("email"), linkedin=p.get("linkedin"))
        current[p["id"]] = {**{k: None for k in reconcile.IMPORT_FIELDS}, "tags": [], **p}
    return index, current


ANA_HERE = {"id": 7, "name": "Ana Lima", "linkedin": "https://www.linkedin.com/in/analima",
            "company": "Initech", "role": "VP Engineering"}


def planned(fields: dict, brought: dict | None, person: dict = ANA_HERE):
    index, current = here(person)
    return reconcile.plan([Record("Ana Lima", "row 2", {"linkedin": person["linkedin"],
                                                        **fields})],
                          index, current, brought=brought)


# The planner (pure) -------------------------------------------------------------------------

def test_a_new_company_and_role_replace_what_the_same_kind_of_file_brought_before():
    plan = planned({"company": "Globex", "role": "CTO"},
                   {7: {"company": "Initech", "role": "VP Engineering"}})
    (update,) = plan.updates
    assert update.changes == {"company": "Globex", "role": "CTO"}
    assert update.job.as_dict() == {"company_before": "Initech", "role_before": "VP Engineering",
                                    "company": "Globex", "role": "CTO"}
    assert update.job.words == "Initech -> Globex, CTO"
    assert plan.conflicts == [] and plan.counts()["jobs"] == 1


def test_a_new_role_at_the_same_company_is_a_job_change_said_as_a_new_role():
    plan = planned({"company": "Initech", "role": "CTO"},
                   {7: {"company": "Initech", "role": "VP Engineering"}})
    assert plan.updates[0].changes == {"role": "CTO"}
    assert plan.updates[0].job.words == "VP Engineering -> CTO at Initech"


def test_a_new_company_without_a_role_in_the_file_drops_the_role_that_file_brought():
    plan = planned({"company": "Globex"}, {7: {"company": "Initech", "role": "VP Engineering"}})
    assert plan.updates[0].changes == {"company": "Globex", "role": None}
    assert plan.updates[0].job.words == "Initech -> Globex"


def test_a_new_company_keeps_a_role_you_typed_when_the_file_gives_none():
    plan = planned({"company": "Globex"}, {7: {"company": "Initech"}})
    assert plan.updates[0].changes == {"company": "Globex"}
    assert plan.updates[0].job.role == "VP Engineering"


def test_regression_a_company_you_typed_over_the_imported_one_is_kept_as_a_conflict():
    plan = planned({"company": "Globex", "role": "VP Engineering"},
                   {7: {"company": "Initech Ltd", "role": "VP Engineering"}})
    assert plan.updates[0].changes == {} and plan.updates[0].job is None
    assert plan.conflicts == [("Ana Lima", "company", "Globex", "Initech")]


def test_regression_a_new_role_at_a_company_you_kept_as_yours_was_applied_there():
    """The file's role is at its company: where your company is kept, so is the role
    (it made 'became CTO at Initech Labs' of a move to Globex)."""
    person = {**ANA_HERE, "company": "Initech Labs", "role": "VP"}
    plan = planned({"company": "Globex", "role": "CTO"}, {7: {"role": "VP"}}, person)
    assert plan.updates[0].job is None and plan.updates[0].changes == {}
    assert plan.conflicts == [("Ana Lima", "company", "Globex", "Initech Labs"),
                              ("Ana Lima", "role", "CTO", "VP")]


def test_a_value_another_kind_of_file_or_you_brought_is_kept_as_a_conflict():
    plan = planned({"company": "Globex"}, {})
    assert plan.updates[0].job is None
    assert plan.conflicts == [("Ana Lima", "company", "Globex", "Initech")]
    assert planned({"company": "Globex"}, None).conflicts == plan.conflicts


def test_the_same_company_in_another_case_is_no_job_change():
    plan = planned({"company": "INITECH", "role": "vp engineering"},
                   {7: {"company": "Initech", "role": "VP Engineering"}})
    assert plan.updates[0].changes == {} and plan.updates[0].job is None
    assert plan.conflicts == []


def test_a_job_change_is_in_the_plans_entries_and_its_fields_are_not_said_as_fills():
    plan = planned({"company": "Globex", "role": "CTO", "location": "Porto"},
                   {7: {"company": "Initech", "role": "VP Engineering"}})
    (entry,) = plan.entries()
    assert entry["fields"] == ["location"]
    assert entry["job"] == {"company_before": "Initech", "role_before": "VP Engineering",
                            "company": "Globex", "role": "CTO"}


# Through the CLI ----------------------------------------------------------------------------

def write(tmp_path, name: str, *lines: str):
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines))
    return str(path)


def listed(ties) -> list[tuple[str, str, str]]:
    people = json.loads(ties("list", "--json").stdout)
    return [(p["name"], p["company"], p["role"]) for p in people]


def test_reimport_changes_jobs_says_who_moved_and_undo_puts_everything_back(
        ties, tmp_path, db_path):
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP Engineering"),
                  BO.format("Acme", "Engineer"))
    second = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                   BO.format("Acme", "Staff Engineer"))
    assert ties("import", first).exit_code == 0
    before = ties("export", "--format", "json").stdout
    result = ties("import", second, TIES_TODAY="2025-04-01")
    assert result.exit_code == 0, result.stderr
    assert ("2 people changed jobs: Ana Lima (Initech -> Globex, CTO), Bo Chen (Engineer -> "
            "Staff Engineer at Acme)\n") in result.stderr
    assert listed(ties) == [("Ana Lima", "Globex", "CTO"), ("Bo Chen", "Acme", "Staff Engineer")]
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert "put back the earlier job of 2 people" in undone.stderr
    assert listed(ties) == [("Ana Lima", "Initech", "VP Engineering"),
                            ("Bo Chen", "Acme", "Engineer")]
    assert ties("export", "--format", "json").stdout.split('"people"')[1] == \
        before.split('"people"')[1]
    assert count(db_path, "job_change") == 0


def count(db_path, table: str) -> int:
    return rows(db_path, f"SELECT count(*) FROM {table}")[0][0]


def test_a_company_you_edited_by_hand_wins_and_the_import_says_it_kept_it(ties, tmp_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"))).exit_code == 0
    assert ties("edit", "Ana Lima", "--company", "Initech Labs").exit_code == 0
    result = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "VP")))
    assert result.exit_code == 0, result.stderr
    assert "changed jobs" not in result.stderr
    assert "kept yours: Ana Lima's company is 'Initech Labs'; the file says 'Globex'" \
        in result.stderr
    assert listed(ties) == [("Ana Lima", "Initech Labs", "VP")]


def test_dry_run_shows_the_job_change_and_writes_nothing(ties, tmp_path, db_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"))).exit_code == 0
    result = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO")), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "update     row 2: same LinkedIn profile as Ana Lima (@1); new job: "
        "Initech -> Globex, CTO")
    assert result.stdout.endswith("1 person would change jobs: Ana Lima (Initech -> Globex, "
                                  "CTO)\n")
    assert listed(ties) == [("Ana Lima", "Initech", "VP")]
    assert count(db_path, "job_change") == 0


def test_json_carries_the_job_change_and_its_count(ties, tmp_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"))).exit_code == 0
    result = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO")), "--json")
    doc = json.loads(result.stdout)
    assert doc["counts"]["jobs"] == 1
    assert doc["plan"][0]["job"] == {"company_before": "Initech", "role_before": "VP",
                                     "company": "Globex", "role": "CTO"}


def test_a_second_import_of_the_same_changed_file_changes_nothing_more(ties, tmp_path, db_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"))).exit_code == 0
    second = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"))
    assert ties("import", second).exit_code == 0
    again = ties("import", second)
    assert again.exit_code == 0 and "changed jobs" not in again.stderr
    assert count(db_path, "job_change") == 1


def test_google_does_not_overwrite_the_company_linkedin_brought(ties, tmp_path):
    linkedin = write(tmp_path, "a.csv", "Ana,Lima,https://www.linkedin.com/in/analima,"
                     "ana@example.com,Globex,CTO,01 Feb 2024\n")
    assert ties("import", linkedin).exit_code == 0
    google = tmp_path / "contacts.csv"
    google.write_text("First Name,Last Name,Labels,E-mail 1 - Value,Organization Name,"
                      "Organization Title\nAna,Lima,* myContacts,ana@example.com,Initech,VP\n")
    for _ in range(2):  # nor does a second import of it: Google never brought Globex
        result = ties("import", str(google))
        assert result.exit_code == 0, result.stderr
        assert "changed jobs" not in result.stderr
        assert "kept yours: Ana Lima's company is 'Globex'" in result.stderr
    assert listed(ties) == [("Ana Lima", "Globex", "CTO")]


@pytest.mark.parametrize("format_", ["vcard"])
def test_a_vcard_reimport_with_a_new_org_and_title_is_a_job_change(ties, tmp_path, format_):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\n"
            "ORG:{}\r\nTITLE:{}\r\nEND:VCARD\r\n")
    (tmp_path / "a.vcf").write_text(card.format("Initech", "VP"))
    (tmp_path / "b.vcf").write_text(card.format("Globex", "CTO"))
    assert ties("import", str(tmp_path / "a.vcf")).exit_code == 0
    result = ties("import", str(tmp_path / "b.vcf"))
    assert result.exit_code == 0, result.stderr
    assert "1 person changed jobs: Ana Lima (Initech -> Globex, CTO)" in result.stderr


# ties next: congratulate them (pure) -----------------------------------------------------

TODAY = date(2025, 3, 14)


def moved(days_ago: int | None = 3, *, imported: bool = False, last: int | None = 5,
          before=("Initech", "VP"), after=("Globex", "CTO")) -> scoring.Facts:
    """Someone in touch `last` days ago (cadence 30: not due), whose job changed."""
    job = None if days_ago is None else scoring.Job(TODAY - timedelta(days=days_ago),
                                                    *before, *after)
    return scoring.Facts(id=1, name="Ana Lima", type="social", cadence=30,
                         created=TODAY - timedelta(days=400), imported=imported,
                         last_contact=None if last is None else TODAY - timedelta(days=last),
                         interactions=0 if last is None else 3, job=job)


@pytest.mark.parametrize(("days_ago", "news"), [(0, True), (27, True), (28, False),
                                                (-1, False)])
def test_a_job_change_is_news_from_the_day_it_is_learned_until_day_27(days_ago, news):
    assert scoring.JOB_NEWS_DAYS == 28
    f = moved(days_ago)
    assert scoring.is_candidate(f, TODAY) is news
    reasons = scoring.score(f, TODAY).reasons
    assert ("started at Globex as CTO: congratulate them" in reasons) is news


def test_a_job_change_brings_the_person_in_with_its_reason_said_once_and_no_recency():
    s = scoring.score(moved(3), TODAY)
    assert s.reasons == ["started at Globex as CTO: congratulate them"]
    assert s.score == pytest.approx(scoring.JOB_POINTS + scoring.DUE_POINTS * 5 / 30)


@pytest.mark.parametrize(("before", "after", "words"), [
    (("Initech", "VP"), ("Globex", "CTO"), "started at Globex as CTO: congratulate them"),
    (("Initech", "VP"), ("Globex", None), "moved to Globex: congratulate them"),
    (("Globex", "VP"), ("Globex", "CTO"), "became CTO at Globex: congratulate them"),
    (("globex", "VP"), ("Globex", "CTO"), "became CTO at Globex: congratulate them"),
    ((None, "VP"), (None, "CTO"), "became CTO: congratulate them"),
    (("Initech", "VP"), (None, None), "left Initech: ask what is next for them"),
])
def test_a_job_change_is_said_as_what_changed(before, after, words):
    assert scoring.score(moved(1, before=before, after=after), TODAY).reasons[0] == words


LEFT = "left Hooli: ask what is next for them"


# Every combination of company and role before -> after: the same, changed, emptied,
# newly filled, or empty both times ('' is empty as None is).
@pytest.mark.parametrize(("before", "after", "words"), [
    # the company the same
    (("Hooli", "Designer"), ("hooli", "designer"), "news about their job: ask how it is going"),
    (("Hooli", "Designer"), ("Hooli", "Lead"), "became Lead at Hooli: congratulate them"),
    (("Hooli", "Designer"), ("Hooli", None), "no longer Designer at Hooli: ask what is next "
                                               "for them"),
    (("Hooli", "Designer"), ("Hooli", ""), "no longer Designer at Hooli: ask what is next "
                                             "for them"),
    (("Hooli", None), ("Hooli", "Lead"), "became Lead at Hooli: congratulate them"),
    # the company changed
    (("Hooli", "Designer"), ("Globex", "Designer"), "started at Globex as Designer: "
                                                     "congratulate them"),
    (("Hooli", "Designer"), ("Globex", "Lead"), "started at Globex as Lead: congratulate them"),
    (("Hooli", "Designer"), ("Globex", None), "moved to Globex: congratulate them"),
    (("Hooli", None), ("Globex", "Lead"), "started at Globex as Lead: congratulate them"),
    (("Hooli", None), ("Globex", None), "moved to Globex: congratulate them"),
    # the company emptied: they left it, whatever the role did
    (("Hooli", "Designer"), (None, "Designer"), LEFT),
    (("Hooli", "Designer"), ("", "Designer"), LEFT),
    (("Hooli", "Designer"), (None, None), LEFT),
    (("Hooli", None), (None, None), LEFT),
    (("Hooli", "Designer"), (None, "Consultant"), "left Hooli, now Consultant: ask how it "
                                                   "is going"),
    (("Hooli", None), (None, "Consultant"), "left Hooli, now Consultant: ask how it is going"),
    # the company newly filled
    ((None, "Designer"), ("Globex", "Designer"), "started at Globex as Designer: "
                                                  "congratulate them"),
    ((None, "Designer"), ("Globex", "Lead"), "started at Globex as Lead: congratulate them"),
    ((None, "Designer"), ("Globex", None), "started at Globex: congratulate them"),
    ((None, None), ("Globex", "Lead"), "started at Globex as Lead: congratulate them"),
    (("", None), ("Globex", None), "started at Globex: congratulate them"),
    # no company before or after
    ((None, "Designer"), (None, "Lead"), "became Lead: congratulate them"),
    ((None, "Designer"), (None, None), "no longer Designer: ask what is next for them"),
    ((None, None), (None, "Lead"), "became Lead: congratulate them"),
])
def test_regression_leaving_a_company_was_said_became_the_old_role(before, after, words):
    """Bug: 'ties edit Ana --company "" --moved' (she left Hooli, no new employer yet)
    made next say 'became Designer: congratulate them'; an emptied role at the same company
    said 'changed jobs: congratulate them'."""
    assert scoring.job_words(scoring.Job(TODAY, *before, *after)) == words


def test_regression_edit_company_emptied_moved_says_left_in_next(ties):
    assert ties("add", "Ana Lima", "--type", "social", "--company", "Hooli", "--role",
                "Designer", "--on", "2025-03-01").exit_code == 0
    result = ties("edit", "Ana", "--company", "", "--moved")
    assert result.exit_code == 0, result.stderr
    assert "Updated Ana Lima (@1): Designer at Hooli -> left Hooli (still Designer), kept in " \
        "their history.\n" == result.stderr
    reasons = next_json(ties, "2025-03-14")[0]["reasons"]
    assert reasons == [LEFT]


def test_a_contact_you_never_met_is_not_brought_in_by_a_job_change():
    """As with a birthday: a re-import where dozens of connections moved never floods the
    list; the import's summary names them."""
    assert not scoring.is_candidate(moved(3, imported=True, last=None), TODAY)
    assert scoring.is_candidate(moved(3, imported=True, last=40), TODAY)


def test_the_same_facts_and_day_rank_the_same_with_a_job_change():
    people = [replace(moved(3), id=i, name=f"P{i}", sort_key=f"p{i}") for i in (3, 1, 2)]
    first = [s.facts.id for s in scoring.rank(people, TODAY)]
    assert first == [s.facts.id for s in scoring.rank(list(reversed(people)), TODAY)]
    assert first == [1, 2, 3]


# ties next through the CLI ------------------------------------------------------------------

def next_json(ties, day: str) -> list[dict]:
    result = ties("next", "--json", TIES_TODAY=day)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_lifecycle_reimport_then_next_congratulates_then_undo_takes_it_back(
        ties, tmp_path, db_path):
    """Import LinkedIn, re-import with a new company: next offers congratulations for
    four weeks (from the re-import's day); undo puts everything back as it was."""
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP"), BO.format("Acme", "Dev"))
    assert ties("import", first, "--type", "social").exit_code == 0
    assert ties("log", "Bo Chen", "--on", "2025-03-10").exit_code == 0
    assert ties("log", "Ana Lima", "--on", "2025-03-10").exit_code == 0
    before = ties("export", "--format", "json").stdout
    assert next_json(ties, "2025-03-20") == []
    moved_on = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"), BO.format("Acme", "Dev"))
    assert ties("import", moved_on, TIES_TODAY="2025-03-20").exit_code == 0
    (pick,) = next_json(ties, "2025-03-20")
    assert (pick["name"], pick["reasons"]) == (
        "Ana Lima", ["started at Globex as CTO: congratulate them"])
    congratulate = "started at Globex as CTO: congratulate them"
    assert [p["reasons"][0] for p in next_json(ties, "2025-04-16")  # day 27
            if p["name"] == "Ana Lima"] == [congratulate]
    assert congratulate not in {r for p in next_json(ties, "2025-04-17")  # day 28
                                for r in p["reasons"]}
    shown = ties("show", "Ana Lima", TIES_TODAY="2025-03-20")
    assert "Job changes\n2025-03-20  VP at Initech -> CTO at Globex\n" in shown.stdout
    assert ties("import", "--undo", TIES_TODAY="2025-03-20").exit_code == 0
    assert next_json(ties, "2025-03-20") == []
    assert ties("export", "--format", "json").stdout.split('"people"')[1] == \
        before.split('"people"')[1]


def test_a_connection_never_met_who_moved_stays_out_of_next(ties, tmp_path):
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP"))
    assert ties("import", first, "--type", "social").exit_code == 0
    result = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO")))
    assert "1 person changed jobs: Ana Lima (Initech -> Globex, CTO)" in result.stderr
    assert next_json(ties, "2025-03-14") == []
    assert ties("log", "Ana Lima", "--on", "2025-03-01").exit_code == 0
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [
        "started at Globex as CTO: congratulate them"]


def test_edit_moved_records_the_job_change_and_next_congratulates(ties, db_path):
    assert ties("add", "Eva Ruiz", "--type", "social", "--company", "Initech").exit_code == 0
    result = ties("edit", "Eva Ruiz", "--company", "Globex", "--role", "CTO", "--moved")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Updated Eva Ruiz (@1): Initech -> CTO at Globex, "
                             "kept in their history.\n")
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [
        "started at Globex as CTO: congratulate them"]
    data = json.loads(ties("show", "Eva Ruiz", "--json").stdout)
    assert data["jobs"] == [{"date": "2025-03-14", "company_before": "Initech",
                             "role_before": None, "company": "Globex", "role": "CTO"}]


def test_a_plain_edit_of_the_company_is_a_typo_fix_not_a_job_change(ties, db_path):
    assert ties("add", "Eva Ruiz", "--type", "social", "--company", "Intiech").exit_code == 0
    assert ties("edit", "Eva Ruiz", "--company", "Initech").exit_code == 0
    assert next_json(ties, "2025-03-14") == []
    assert count(db_path, "job_change") == 0


def test_moved_without_a_company_or_role_is_refused_with_what_to_give(ties):
    assert ties("add", "Eva Ruiz", "--type", "social").exit_code == 0
    result = ties("edit", "Eva Ruiz", "--moved", "--location", "Porto")
    assert result.exit_code == 1
    assert result.stderr.startswith("ties: --moved says they changed jobs: give it with their "
                                    "new --company or --role")


def test_job_history_round_trips_through_json_export_and_import(ties, tmp_path, monkeypatch):
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP"))
    assert ties("import", first).exit_code == 0
    assert ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO"))).exit_code == 0
    exported = ties("export", "--format", "json").stdout
    doc = json.loads(exported)
    assert doc["people"][0]["jobs"] == [{"date": "2025-03-14", "company_before": "Initech",
                                         "role_before": "VP", "company": "Globex",
                                         "role": "CTO"}]
    assert doc["people"][0]["imported"] == {"linkedin": {"company": "Globex", "role": "CTO"}}
    (tmp_path / "e.json").write_text(exported)
    other = tmp_path / "other"
    other.mkdir()
    if "://" not in os.environ["TIES_DB"]:
        monkeypatch.setenv("TIES_DB", str(other / "ties.db"))
    else:
        pytest.skip("the round trip into a second store is the lifecycle test's on PostgreSQL")
    assert ties("import", str(tmp_path / "e.json")).exit_code == 0
    again = ties("export", "--format", "json").stdout
    assert again.split('"people"')[1] == exported.split('"people"')[1]
    # and what LinkedIn brought came along: the next re-import still sees a move
    moved_again = ties("import", write(tmp_path, "c.csv", ANA.format("Hooli", "CEO")))
    assert "1 person changed jobs: Ana Lima (Globex -> Hooli, CEO)" in moved_again.stderr


def test_a_ties_json_file_with_a_job_dated_after_today_is_refused(ties, tmp_path):
    doc = {"format": "ties", "version": 1, "people": [
        {"id": 1, "name": "Ana Lima", "jobs": [{"date": "2025-03-15", "company": "Globex"}]}]}
    (tmp_path / "f.json").write_text(json.dumps(doc))
    result = ties("import", str(tmp_path / "f.json"))
    assert result.exit_code == 1
    assert 'person 1 (id 1) "jobs" date is 2025-03-15, after today (2025-03-14)' \
        in result.stderr


def test_merging_two_people_keeps_the_merged_ones_job_changes(ties):
    assert ties("add", "Eva Ruiz", "--type", "social").exit_code == 0
    assert ties("add", "Eva R.", "--type", "social", "--company", "Initech").exit_code == 0
    assert ties("edit", "@2", "--company", "Globex", "--moved").exit_code == 0
    assert ties("merge", "@1", "@2", "--yes").exit_code == 0
    data = json.loads(ties("show", "@1", "--json").stdout)
    assert [(j["company_before"], j["company"]) for j in data["jobs"]] == [("Initech", "Globex")]


COMPANIES = st.sampled_from(["Initech", "initech", "Globex", "Acme", None])


@settings(max_examples=60, deadline=None)
@given(have=COMPANIES, brought=COMPANIES, file=COMPANIES)
def test_an_import_changes_a_company_only_from_what_its_kind_of_file_brought(
        have, brought, file):
    """Whatever you have, whatever the file says: the company changes only when it is
    empty (filled) or still what this kind of file brought (a job change), and a change
    is always recorded as a job with the earlier value."""
    person = {**ANA_HERE, "company": have, "role": None}
    plan = planned({"company": file} if file else {},
                   {7: {"company": brought}} if brought else {}, person)
    (update,) = plan.updates
    if "company" not in update.changes:
        assert update.job is None
        return
    assert file is not None
    if have is None:
        assert update.job is None  # filled, not moved
    else:
        assert brought is not None and have.casefold() == brought.casefold()
        assert have.casefold() != file.casefold()
        assert (update.job.company_before, update.job.company) == (have, file)


@pytest.mark.parametrize("edit", [["--company", "Globex Inc"], ["--role", "Chief Tech"]])
def test_regression_undo_put_back_half_a_job_she_never_had(ties, tmp_path, db_path, edit):
    """Bug: import Ana at Initech as VP, re-import her at Globex as CTO, `edit Ana --company
    "Globex Inc"`, then undo: she was "VP · Globex Inc", and undo said it put back the
    earlier job of 1 person. A job is put back whole or not at all: you changed one half,
    so both stay as they are, and undo says so by name. (A second bug: undo then deleted
    the move from her history too, so Initech, where she was, was nowhere any more: the
    entry stays, no longer the import's; Bo's, put back, goes.)"""
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"),
                                BO.format("Acme", "Dev"))).exit_code == 0
    assert ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                                BO.format("Umbrella", "Lead"))).exit_code == 0
    assert ties("edit", "Ana Lima", *edit).exit_code == 0
    now = listed(ties)[0]
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr.endswith("; put back the earlier job of 1 person; kept the job of "
                                  "Ana Lima as it is (you changed it since the import).\n")
    assert listed(ties) == [now, ("Bo Chen", "Acme", "Dev")]
    assert rows(db_path, "SELECT company_before, role_before, company, role, batch_id FROM "
                "job_change") == [("Initech", "VP", "Globex", "CTO", None)]
    shown = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert [(j["company_before"], j["company"]) for j in shown["jobs"]] == [
        ("Initech", "Globex")]
    again = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO")))
    assert "changed jobs" not in again.stderr and listed(ties)[0] == now


def test_regression_undo_put_back_a_job_you_changed_and_changed_back_leaving_a_history_against_it(
        ties, tmp_path):
    """Bug: re-import (Ana to Globex), `edit --company Hooli --moved`, `edit --company
    Globex --moved`, undo: her job matched what the import set, so undo put Initech back
    and dropped the import's move, leaving a history of Globex -> Hooli -> Globex beside
    a profile at Initech. Moves you recorded since make the job yours: it stays, with
    its whole history."""
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"),
                                BO.format("Acme", "Dev"))).exit_code == 0
    assert ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                                BO.format("Umbrella", "Lead"))).exit_code == 0
    for company in ("Hooli", "Globex"):
        assert ties("edit", "Ana Lima", "--company", company, "--moved").exit_code == 0
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr.endswith("; put back the earlier job of 1 person; kept the job of "
                                  "Ana Lima as it is (you changed it since the import).\n")
    assert listed(ties) == [("Ana Lima", "Globex", "CTO"), ("Bo Chen", "Acme", "Dev")]
    jobs = json.loads(ties("show", "Ana Lima", "--json").stdout)["jobs"]
    assert [(j["company_before"], j["company"]) for j in jobs] == [
        ("Initech", "Globex"), ("Globex", "Hooli"), ("Hooli", "Globex")]


def test_undo_names_every_person_whose_job_it_kept_in_words(ties, tmp_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"),
                                BO.format("Acme", "Dev"))).exit_code == 0
    assert ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                                BO.format("Umbrella", "Lead"))).exit_code == 0
    for name in ("Ana Lima", "Bo Chen"):
        assert ties("edit", name, "--role", "Boss").exit_code == 0
    undone = ties("import", "--undo")
    assert undone.stderr.endswith("; kept the jobs of Ana Lima and Bo Chen as they are (you "
                                  "changed them since the import).\n"), undone.stderr


@pytest.mark.parametrize("imported", [{"ics": {"company": "Globex"}}, {"ties": {}},
                                      {"linkedin": {"salary": "1"}}, ["linkedin"]])
def test_a_ties_json_file_with_an_imported_value_no_import_brings_is_refused(
        ties, tmp_path, imported):
    doc = {"format": "ties", "version": 1,
           "people": [{"id": 1, "name": "Ana Lima", "imported": imported}]}
    (tmp_path / "f.json").write_text(json.dumps(doc))
    result = ties("import", str(tmp_path / "f.json"))
    assert result.exit_code == 1
    assert 'person 1 (id 1) "imported" ' in result.stderr and " must " in result.stderr
    assert result.stderr.endswith("Nothing was imported.\n")


# Someone without a type: a job change brings them in -------------------------------------

def untyped(days_ago: int | None = 3, **kw) -> scoring.Facts:
    return replace(moved(days_ago, **kw), type=None)


@pytest.mark.parametrize(("days_ago", "news"), [(0, True), (27, True), (28, False),
                                                (None, False)])
def test_regression_an_untyped_person_who_changed_jobs_never_showed_in_next(days_ago, news):
    """Bug: someone without a type (an import's, not yet triaged) whose job changed never
    came up, and nothing said they needed a type. The change brings them in for its four
    weeks, with how to type them; no cadence is said (they have none)."""
    f = untyped(days_ago)
    assert scoring.is_candidate(f, TODAY) is news
    if news:
        assert scoring.score(f, TODAY).reasons == [
            "started at Globex as CTO: congratulate them",
            "no type yet: ties edit 'Ana Lima' --type strategic (or social, tactical)"]


def test_an_untyped_person_is_brought_in_by_a_job_change_only():
    """Not by a promise or being 'due' on a cadence they do not have: 'ties triage' is
    where they are sorted (and where their job change shows too)."""
    f = replace(untyped(None, last=400),
                promises=(scoring.Promise("send the deck", TODAY - timedelta(days=3)),),
                birthday=(TODAY.month, TODAY.day))
    assert not scoring.is_candidate(f, TODAY)
    assert scoring.is_candidate(replace(f, type="tactical"), TODAY)


def test_an_untyped_contact_never_met_stays_out_even_with_a_job_change():
    """As for a typed one: a re-import where dozens of connections moved never floods the
    list."""
    assert not scoring.is_candidate(untyped(3, imported=True, last=None), TODAY)
    assert scoring.is_candidate(untyped(3, imported=True, last=40), TODAY)


def test_an_untyped_person_scores_as_the_sql_bounds_them_a_tactical_tie():
    """queries.next_candidates bounds everyone's recency with their type's weight, a
    tactical tie's for no type; scoring counts the same, so the shortlist stays exact."""
    s = scoring.score(untyped(3, last=60), TODAY)
    assert s.score == pytest.approx(scoring.JOB_POINTS + scoring.DUE_POINTS * 60 / 30 * 0.6)


def test_untyped_person_who_moved_shows_in_next_and_in_triage_archived_stays_out(
        ties, tmp_path):
    first = write(tmp_path, "a.csv", ANA.format("Hooli", "Engineer"),
                  BO.format("Acme", "Dev"))
    assert ties("import", first).exit_code == 0  # no --type: both untyped
    for name in ("Ana Lima", "Bo Chen"):
        assert ties("log", name, "--on", "2025-03-01").exit_code == 0
    assert next_json(ties, "2025-03-14") == []
    moved_file = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"), BO.format("Initech",
                                                                                "Dev"))
    assert ties("import", moved_file).exit_code == 0
    assert ties("archive", "Bo Chen").exit_code == 0
    (ana,) = next_json(ties, "2025-03-14")
    assert (ana["name"], ana["reasons"]) == ("Ana Lima", [
        "started at Globex as CTO: congratulate them",
        "no type yet: ties edit 'Ana Lima' --type strategic (or social, tactical)"])
    assert next_json(ties, "2025-04-11") == []  # day 28: old news
    triage = ties("triage", input="s\n")
    assert triage.exit_code == 0, triage.stderr
    assert "Ana Lima (CTO at Globex), connected 2024-02-01, last in touch 13 days ago\n" \
           "  changed jobs today: started at Globex as CTO: congratulate them\n" \
        in triage.stderr
    assert ties("edit", "Ana", "--type", "social").exit_code == 0
    (ana,) = next_json(ties, "2025-03-14")
    assert ana["reasons"] == ["started at Globex as CTO: congratulate them"]


# LinkedIn shows no current job: they left ------------------------------------------------

def test_regression_a_linkedin_reimport_with_empty_company_and_position_was_no_job_change(
        ties, tmp_path, db_path):
    """Bug: re-importing LinkedIn where Ana's row now has an empty Company and Position
    (the earlier import had Hooli / Engineer) changed nothing and said nothing. LinkedIn
    fills both or neither: both empty is no current job shown, news as any move. What it
    brought is emptied (kept in her history), next says she left, a second import of the
    same file adds nothing, and undo puts her job back."""
    first = write(tmp_path, "a.csv", ANA.format("Hooli", "Engineer"), BO.format("Acme", "Dev"))
    assert ties("import", first, "--type", "social").exit_code == 0
    assert ties("log", "Ana Lima", "--on", "2025-03-01").exit_code == 0
    before = ties("export", "--format", "json").stdout
    second = write(tmp_path, "b.csv", ANA.format("", ""), BO.format("Acme", "Dev"))
    result = ties("import", second)
    assert result.exit_code == 0, result.stderr
    assert "1 person changed jobs: Ana Lima (left Hooli)\n" in result.stderr
    assert listed(ties) == [("Ana Lima", None, None), ("Bo Chen", "Acme", "Dev")]
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert data["jobs"] == [{"date": "2025-03-14", "company_before": "Hooli",
                             "role_before": "Engineer", "company": None, "role": None}]
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [LEFT]
    again = ties("import", second)
    assert "changed jobs" not in again.stderr and count(db_path, "job_change") == 1
    undone = ties("import", "--undo")  # the second import of it brought nothing to undo
    assert undone.exit_code == 0, undone.stderr
    assert "put back the earlier job of 1 person" in undone.stderr
    assert listed(ties) == [("Ana Lima", "Hooli", "Engineer"), ("Bo Chen", "Acme", "Dev")]
    assert ties("export", "--format", "json").stdout.split('"people"')[1] == \
        before.split('"people"')[1]


def test_an_empty_linkedin_job_keeps_a_company_you_typed_and_empties_only_its_role(
        ties, tmp_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Hooli", "Engineer"))
                ).exit_code == 0
    assert ties("edit", "Ana Lima", "--company", "Hooli Labs").exit_code == 0
    result = ties("import", write(tmp_path, "b.csv", ANA.format("", "")))
    assert "1 person changed jobs: Ana Lima (no longer Engineer at Hooli Labs)" in result.stderr
    assert listed(ties) == [("Ana Lima", "Hooli Labs", None)]


def test_an_empty_job_in_a_google_or_vcard_file_is_no_news():
    """Only LinkedIn says a job is empty (it writes both cells or neither); a Google row or
    a card without an organisation says nothing about it."""
    from ties.formats.importers import read

    google = ("First Name,Last Name,Organization Name,Organization Title,E-mail 1 - Value\n"
              "Ana,Lima,,,ana@example.com\n")
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL:ana@example.com\r\nEND:VCARD\r\n"
    for data in (google, card):
        (rec,) = read(data.encode(), "x").records
        assert rec.emptied == ()
    linkedin = HEADER + ANA.format("", "") + BO.format("Acme", "") + \
        "Cy,Diaz,,,,Freelance,01 Feb 2024\n"
    ana, bo, cy = read(linkedin.encode(), "Connections.csv").records
    assert (ana.emptied, bo.emptied, cy.emptied) == (("company", "role"), (), ())


@pytest.mark.parametrize(("brought", "words"), [
    ({"company": "Hooli", "role": "Engineer"}, "left Hooli"),
    ({"company": "Hooli"}, "left Hooli"),  # the role is yours: it stays
    ({"role": "Engineer"}, "no longer Engineer at Hooli"),  # the company is yours
    ({}, None),  # both yours: no news, nothing emptied
])
def test_an_empty_linkedin_job_empties_only_what_linkedin_brought(brought, words):
    index, current = here({**ANA_HERE, "company": "Hooli", "role": "Engineer"})
    rec = Record("Ana Lima", "row 2", {"linkedin": ANA_HERE["linkedin"]},
                 emptied=("company", "role"))
    plan = reconcile.plan([rec], index, current, brought={7: brought})
    (update,) = plan.updates
    if words is None:
        assert update.job is None and update.changes == {}
    else:
        assert update.job.words == words
        assert update.changes == {k: None for k in brought}


def test_triage_says_an_old_job_change_as_where_they_are_now_not_as_news(ties):
    assert ties("add", "Ana Lima", "--type", "social", "--company", "Hooli",
                "--no-log").exit_code == 0
    assert ties("edit", "Ana", "--type", "").exit_code == 0
    assert ties("edit", "Ana", "--company", "Globex", "--role", "CTO", "--moved",
                TIES_TODAY="2025-02-14").exit_code == 0
    for day, line in (("2025-03-13", "  changed jobs 4 weeks ago: started at Globex as CTO: "
                                      "congratulate them\n"),  # day 27: still news
                      ("2025-03-14", "  changed jobs 4 weeks ago: now CTO at Globex\n")):
        result = ties("triage", input="s\n", TIES_TODAY=day)
        assert result.exit_code == 0, result.stderr
        assert line in result.stderr


# A company or role you emptied is yours (w17a, bug 1) ------------------------------------

def test_regression_a_linkedin_reimport_put_back_a_company_you_removed(ties, tmp_path):
    """Bug: `edit Ed --company '' --moved`, then importing the same unchanged LinkedIn file
    again filled Hooli back in ("1 updated") while next still said he left Hooli. An empty
    you made is yours: the file brings nothing new (LinkedIn last said Hooli), so nothing
    changes and the summary says so."""
    first = write(tmp_path, "a.csv", ANA.format("Hooli", "PM"))
    assert ties("import", first, "--type", "social").exit_code == 0
    assert ties("log", "Ana Lima", "--on", "2025-03-01").exit_code == 0
    assert ties("edit", "Ana Lima", "--company", "", "--moved").exit_code == 0
    again = ties("import", first)
    assert again.exit_code == 0, again.stderr
    assert "0 updated, 1 unchanged" in again.stderr and "kept yours" not in again.stderr
    assert listed(ties) == [("Ana Lima", None, "PM")]
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [LEFT]


def test_regression_an_emptied_company_let_a_role_at_another_company_in(ties, tmp_path):
    """Bug (the re-check of issue 17): after `edit --company '' --moved`, a LinkedIn file
    with Globex, CTO kept Globex out but took CTO ("changed jobs: PM -> CTO", next:
    "became CTO"), a Globex title on a profile with no company. As with a company you
    typed, the file's role at another company is kept out too."""
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Hooli", "PM"))).exit_code == 0
    assert ties("edit", "Ana Lima", "--company", "", "--moved").exit_code == 0
    news = ties("import", write(tmp_path, "b.csv", ANA.format("Globex", "CTO")))
    assert news.exit_code == 0, news.stderr
    assert "changed jobs" not in news.stderr
    assert "kept yours: Ana Lima's company is empty; the file says 'Globex'" in news.stderr
    assert "kept yours: Ana Lima's role is 'PM'; the file says 'CTO'" in news.stderr
    assert listed(ties) == [("Ana Lima", None, "PM")]


@pytest.mark.parametrize("moved", [[], ["--moved"]])
def test_an_emptied_role_stays_empty_and_news_from_the_file_is_kept_yours(
        ties, tmp_path, moved):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Hooli", "PM"))).exit_code == 0
    assert ties("edit", "Ana Lima", "--role", "", *moved).exit_code == 0
    same = ties("import", write(tmp_path, "b.csv", ANA.format("Hooli", "pm")))
    assert "0 updated, 1 unchanged" in same.stderr and "kept yours" not in same.stderr
    news = ties("import", write(tmp_path, "c.csv", ANA.format("Hooli", "CTO")))
    assert news.exit_code == 0, news.stderr
    assert "kept yours: Ana Lima's role is empty; the file says 'CTO'" in news.stderr
    assert "changed jobs" not in news.stderr
    assert listed(ties) == [("Ana Lima", "Hooli", None)]


def test_another_kind_of_file_does_not_fill_a_company_you_emptied(ties, tmp_path):
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Hooli", "PM"))).exit_code == 0
    assert ties("edit", "Ana Lima", "--company", "").exit_code == 0
    card = tmp_path / "ana.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nORG:Hooli\r\n"
                    "URL:https://www.linkedin.com/in/analima\r\nEND:VCARD\r\n")
    result = ties("import", str(card))
    assert result.exit_code == 0, result.stderr
    assert listed(ties) == [("Ana Lima", None, "PM")]


def test_a_company_linkedin_emptied_is_filled_when_they_turn_up_somewhere(ties, tmp_path):
    """Not yours: the import emptied it (they left), so a later one fills it in."""
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Hooli", "PM"))).exit_code == 0
    assert ties("import", write(tmp_path, "b.csv", ANA.format("", ""))).exit_code == 0
    back = ties("import", write(tmp_path, "c.csv", ANA.format("Hooli", "CTO")))
    assert back.exit_code == 0, back.stderr
    assert listed(ties) == [("Ana Lima", "Hooli", "CTO")]


def test_the_planner_leaves_a_field_you_emptied_and_reports_only_news():
    index, current = here({**ANA_HERE, "company": None})
    rec = Record("Ana Lima", "row 2", {"linkedin": ANA_HERE["linkedin"], "company": "initech"})
    plan = reconcile.plan([rec], index, current, emptied={7: {"company": {"Initech"}}})
    assert plan.updates[0].changes == {} and plan.conflicts == []
    rec.fields["company"] = "Globex"
    plan = reconcile.plan([rec], index, current, emptied={7: {"company": {"Initech"}}})
    assert plan.updates[0].changes == {}
    assert plan.conflicts == [("Ana Lima", "company", "Globex", "")]
    assert reconcile.plan([rec], index, current).updates[0].changes == {"company": "Globex"}


# An emptied or only respelled job, said properly (w17a, bug 3) ----------------------------

@pytest.mark.parametrize(("before", "after", "history", "words"), [
    (("Initech", "VP"), ("Globex", "CTO"), "VP at Initech -> CTO at Globex",
     "Initech -> Globex, CTO"),
    (("Initech", None), ("Globex", "CTO"), "Initech -> CTO at Globex", "Initech -> Globex, CTO"),
    ((None, None), ("Globex", "CTO"), "no job known -> CTO at Globex", "now at Globex, CTO"),
    ((None, "VP"), (None, "CTO"), "VP -> CTO", "VP -> CTO"),
    (("Hooli", "Designer"), ("Hooli", None), "Designer at Hooli -> no role at Hooli",
     "no longer Designer at Hooli"),
    ((None, "Designer"), (None, None), "Designer -> no job known", "no longer Designer"),
    (("Hooli", "Designer"), (None, "Designer"), "Designer at Hooli -> left Hooli (still "
     "Designer)", "left Hooli"),
    (("Hooli", "Designer"), (None, "Consultant"), "Designer at Hooli -> left Hooli, now "
     "Consultant", "left Hooli, now Consultant"),
    (("Hooli", "Designer"), (None, None), "Designer at Hooli -> left Hooli", "left Hooli"),
    (("Hooli", None), ("hooli", None), "Hooli -> hooli (spelling only)",
     "Hooli -> hooli (spelling only)"),
    (("Hooli", "PM"), ("hooli", "pm"), "PM at Hooli -> pm at hooli (spelling only)",
     "PM at Hooli -> pm at hooli (spelling only)"),
])
def test_regression_an_emptied_role_was_said_moved_to_at_hooli(before, after, history, words):
    """Bug: `edit Ana --role '' --moved` said "moved from Designer at Hooli to at Hooli",
    and show listed "Designer at Hooli -> at Hooli" and "at Hooli -> at hooli"."""
    job = reconcile.Job(*before, *after)
    assert (job.history, job.words) == (history, words)
    assert "None" not in job.history + job.words and " at ->" not in job.history


def test_regression_edit_role_emptied_moved_then_respelled_company_said_properly(ties):
    assert ties("add", "Ana Lima", "--type", "social", "--company", "Hooli", "--role",
                "Designer", "--on", "2025-03-01").exit_code == 0
    emptied = ties("edit", "Ana", "--role", "", "--moved")
    assert emptied.stderr == ("Updated Ana Lima (@1): Designer at Hooli -> no role at Hooli, "
                              "kept in their history.\n")
    respelled = ties("edit", "Ana", "--company", "hooli", "--moved")
    assert respelled.exit_code == 0, respelled.stderr
    assert respelled.stderr == ("Updated Ana Lima (@1): Hooli -> hooli is a spelling fix, not "
                                "a job change; nothing was added to their history.\n")
    shown = ties("show", "Ana").stdout
    assert "Job changes\n2025-03-14  Designer at Hooli -> no role at Hooli\n" in shown
    assert "at hooli" not in shown and "-> at" not in shown
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [
        "no longer Designer at Hooli: ask what is next for them"]


# The news is a change that led to the job they have now (w17a, bug 2) --------------------

def test_regression_merge_gave_ana_the_job_change_of_the_person_merged_into_her(ties, tmp_path):
    """Bug: Ana and Bo both changed jobs in one re-import; `ties merge Ana Bo --yes` kept
    Ana's profile (CTO at Globex) but next said "became Staff Engineer at Acme:
    congratulate them", Bo's later change. The news is the latest change that led to the
    company and role they have now; merge keeps both in the history."""
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP"), BO.format("Acme", "Engineer"))
    assert ties("import", first, "--type", "social").exit_code == 0
    assert ties("log", "Ana Lima", "Bo Chen", "--on", "2025-03-01").exit_code == 0
    second = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                   BO.format("Acme", "Staff Engineer"))
    assert "2 people changed jobs" in ties("import", second).stderr
    merged = ties("merge", "Ana Lima", "Bo Chen", "--yes")
    assert merged.exit_code == 0, merged.stderr
    assert listed(ties) == [("Ana Lima", "Globex", "CTO")]
    assert next_json(ties, "2025-03-14")[0]["reasons"] == [
        "started at Globex as CTO: congratulate them"]
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert sorted((j["company"], j["role"]) for j in data["jobs"]) == [
        ("Acme", "Staff Engineer"), ("Globex", "CTO")]


def test_regression_triage_named_the_job_change_of_the_person_merged_into_her(ties, tmp_path):
    """Bug: as next did before, triage said the latest change in Ana's history, Bo's move
    that the merge brought ("became Staff Engineer at Acme"), not hers: triage now takes
    the latest change that led to the job she has (`Job.holds`), as next does."""
    first = write(tmp_path, "a.csv", ANA.format("Initech", "VP"), BO.format("Acme", "Engineer"))
    assert ties("import", first).exit_code == 0
    second = write(tmp_path, "b.csv", ANA.format("Globex", "CTO"),
                   BO.format("Acme", "Staff Engineer"))
    assert "2 people changed jobs" in ties("import", second).stderr
    assert ties("merge", "Ana Lima", "Bo Chen", "--yes").exit_code == 0
    result = ties("triage", input="s\n")
    assert result.exit_code == 0, result.stderr
    assert "changed jobs today: started at Globex as CTO: congratulate them\n" in result.stderr
    assert "Staff Engineer" not in result.stderr


def test_triage_says_no_job_change_once_a_plain_edit_has_corrected_it(ties):
    assert ties("add", "Eva Ruiz", "--company", "Initech", "--no-log").exit_code == 0
    assert ties("edit", "Eva", "--type", "").exit_code == 0  # waiting for triage
    assert ties("edit", "Eva", "--company", "Globex", "--moved").exit_code == 0
    assert "changed jobs today: moved to Globex" in ties("triage", input="s\n").stderr
    assert ties("edit", "Eva", "--company", "Umbrella").exit_code == 0  # a correction
    result = ties("triage", input="s\n")
    assert result.exit_code == 0 and "Eva Ruiz (Umbrella)" in result.stderr
    assert "changed jobs" not in result.stderr


def test_a_job_change_undone_by_a_plain_edit_is_no_longer_news(ties):
    assert ties("add", "Eva Ruiz", "--type", "social", "--company", "Initech", "--on",
                "2025-03-01").exit_code == 0
    assert ties("edit", "Eva", "--company", "Globex", "--moved").exit_code == 0
    assert next_json(ties, "2025-03-14")[0]["reasons"] == ["moved to Globex: congratulate them"]
    assert ties("edit", "Eva", "--company", "Umbrella").exit_code == 0  # a correction
    assert all("Globex" not in r for item in next_json(ties, "2025-03-14")
               for r in item["reasons"])


@pytest.mark.parametrize(("company", "role", "holds"), [
    ("Globex", "CTO", True), ("Globex", "cto", True), ("GLOBEX", "CTO", True),
    ("Globex", None, False), ("Acme", "CTO", False), ("Globex", "CTO ", False)])
def test_a_job_change_holds_only_for_the_job_they_have_now(company, role, holds):
    assert scoring.Job(TODAY, "Initech", "VP", "Globex", "CTO").holds(company, role) is holds
    assert scoring.Job(TODAY, "Hooli", "PM", None, "").holds(None, None)
    assert scoring.Job(TODAY, "Hooli", "PM", "", None).holds("", "")
    assert not scoring.Job(TODAY, "Hooli", "PM", "Émile", None).holds("émile", None)  # as SQL


@pytest.mark.parametrize(("kept", "theirs", "expected"), [
    (None, "01 Feb 2024", "2024-02-01"),  # the kept one has none: theirs is taken
    ("2023-05-06", "01 Feb 2024", "2023-05-06"),  # both: the kept one's stays
])
def test_regression_merge_lost_the_connected_on_of_the_person_merged_away(
        ties, tmp_path, db_path, kept, theirs, expected):
    """Bug: `ties merge Annie 'Ana Lima' --yes` left Annie's empty connected-on date empty,
    and Ana's (from LinkedIn) went with her: it is not on the profile, so the merge never
    saw it. Merged like any field: an empty one takes the other's."""
    assert ties("import", write(tmp_path, "a.csv", ANA.format("Initech", "VP"))).exit_code == 0
    assert ties("add", "Annie", "--no-log").exit_code == 0
    if kept:
        execute(db_path, "UPDATE person SET connected_on = ? WHERE name = 'Annie'", (kept,))
    merged = ties("merge", "Annie", "Ana Lima", "--yes")
    assert merged.exit_code == 0, merged.stderr
    assert rows(db_path, "SELECT name, connected_on FROM person") == [("Annie", expected)]
