"""Job changes (issue 17 item 4): a re-import that brings someone's new company or role
changes it, keeps the earlier one in their history, and never clobbers what you typed."""

from __future__ import annotations

import json

import pytest

from conftest import rows
from ties.core import reconcile
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
