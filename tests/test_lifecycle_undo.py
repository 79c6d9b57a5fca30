"""`ties import --undo` undoes everything an import created (people, interactions,
follow-ups, settings, fields it filled in), and refuses, naming each change, only when you
changed what it created afterwards. For any store S and any import file F:
export(undo(import(S, F))) == export(S)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import dump, fresh_store, rows

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = ["Ana Lima", "Bo Chen", "Cy Diaz", "Dee Park", "Eve Ng"]
COMPANIES = [None, "Acme", "Globex"]
TAGS = ["mentor", "pycon"]


def location(store) -> str:
    return getattr(store, "url", None) or str(store)


def comparable(export_text: str) -> dict:
    """An export without its clock and id marks (an undone import still used its ids)."""
    doc = json.loads(export_text)
    del doc["exported_at"]
    doc.pop("last_ids", None)
    return doc


def document(people, interactions=(), follow_ups=(), settings_=None) -> str:
    return json.dumps({"format": "ties", "version": 1, "settings": settings_ or {},
                       "people": list(people), "interactions": list(interactions),
                       "follow_ups": list(follow_ups)})


# The regression, and what undo takes back -------------------------------------------------

def test_regression_undo_of_a_json_import_with_interactions_said_people_had_changed(
        ties, db_path):
    ties("add", "Ana Lima", "--company", "Globex", "--no-log")
    before = ties("export").stdout
    doc = document(
        [{"id": 1, "name": "Ana Lima", "company": "Globex", "email": "ana@globex.example",
          "tags": ["mentor"]},
         {"id": 2, "name": "Bo Chen", "company": "Acme"}],
        [{"id": 1, "date": "2025-01-10", "channel": "video", "note": "intro", "people": [1, 2],
          "gave": True},
         {"id": 2, "date": "2025-02-01", "channel": "call", "note": "catch-up", "people": [2]}],
        [{"id": 1, "person": 2, "text": "send the paper", "due": "2025-03-20",
          "created": "2025-03-01"},
         {"id": 2, "person": 1, "text": "intro to Mei", "created": "2025-03-01"}],
        {"cadence.social": "30"})
    imported = ties("import", "-", input=doc)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.startswith("Imported ties as import #1: 1 created, 1 updated, "
                                      "0 unchanged, 0 skipped, 2 interactions, 2 follow-ups, "
                                      "1 setting.")
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #1: removed 1 person, 2 interactions, 2 follow-ups "
                             "and 1 setting it created and emptied what it filled in for 1.\n")
    assert comparable(ties("export").stdout) == comparable(before)
    ana = json.loads(ties("show", "Ana", "--json").stdout)
    assert (ana["interactions"], ana["last_contact"], ana["follow_ups"]) == (0, None, [])


def test_a_json_import_into_an_empty_store_can_be_undone(ties, db_path):
    empty = ties("export").stdout
    doc = document([{"id": 7, "name": "Ana Lima"}],
                   [{"id": 3, "date": "2025-01-10", "channel": "call", "people": [7]}],
                   [{"id": 2, "person": 7, "text": "call back", "created": "2025-01-10"}])
    imported = ties("import", "-", input=doc)
    assert "as import #1:" in imported.stderr
    assert rows(db_path, "SELECT id FROM person") == [(7,)]  # ids kept
    listed = json.loads(ties("imports", "--json").stdout)
    assert [(b["id"], b["format"], b["created"]) for b in listed] == [(1, "ties", 1)]
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #1: removed 1 person, 1 interaction and 1 "
                             "follow-up it created.\n")
    assert comparable(ties("export").stdout) == comparable(empty)
    # and the ids it used stay used
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@8)")


def test_undo_keeps_a_setting_you_changed_after_the_import(ties):
    ties("add", "Zed Old", "--no-log")
    ties("import", "-", input=document([{"id": 1, "name": "Ana Lima"}],
                                       settings_={"cadence.social": "30"}))
    ties("config", "cadence.social", "45")
    assert ties("import", "--undo").exit_code == 0
    assert json.loads(ties("config", "--json").stdout)["cadence.social"] == 45


def test_undo_of_an_import_from_before_schema_2_still_works(ties, db_path, tmp_path):
    import sqlite3

    import pytest

    from conftest import BACKEND

    if BACKEND != "sqlite":
        pytest.skip("loads a SQLite fixture store")
    conn = sqlite3.connect(db_path.parent.mkdir(parents=True, exist_ok=True) or db_path)
    conn.executescript((FIXTURES / "store-v1.sql").read_text())
    conn.close()
    result = ties("import", "--undo", "--batch", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #1: removed 3 people it created and emptied what "
                             "it filled in for 1.\n")
    assert rows(db_path, "SELECT connected_on FROM person WHERE id = 1") == [(None,)]


# Refusals name what changed ---------------------------------------------------------------

def imported_pair(ties) -> None:
    ties("add", "Zed Old", "--no-log")
    doc = document(
        [{"id": 1, "name": "Ana Lima"}, {"id": 2, "name": "Bo Chen"}],
        [{"id": 1, "date": "2025-01-10", "channel": "call", "note": "hello", "people": [1]}],
        [{"id": 1, "person": 2, "text": "send the paper", "created": "2025-03-01"}])
    assert "as import #1:" in ties("import", "-", input=doc).stderr
    # Zed is @1 (met nobody), so Ana is @2, Bo @3, the call #1 and the promise #1


def refused(ties, db_path, expected: str, *undo: str) -> None:
    before = dump(db_path)
    result = ties("import", "--undo", *(undo or ("--batch", "1")))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ties: Import #1 can't be undone: what it created has "
                                    f"changed since ({expected}). Nothing was changed;")
    assert len(result.stderr.splitlines()) == 1
    assert dump(db_path) == before


def test_regression_a_later_imports_fill_was_called_your_edit_and_undo_named_no_way_out(
        ties, db_path, tmp_path):
    """LinkedIn brought Mia, then a Google file filled in her birthday: undoing the first
    import said "you changed what it created (Mia Wong was edited)" when the user had done
    nothing. It names the later import and the undo that goes first; once that is undone,
    the first one undoes too."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,company\nMia Wong,Acme\n")
    second.write_text("name,company,birthday\nMia Wong,Acme,1990-04-12\n")
    assert ties("import", str(first)).exit_code == 0
    assert "1 updated" in ties("import", str(second)).stderr
    refused(ties, db_path, "import #2 added to Mia Wong: undo it first with "
            "'ties import --undo --batch 2'")
    assert ties("import", "--undo", "--batch", "2").exit_code == 0
    assert ties("import", "--undo", "--batch", "1").exit_code == 0
    assert json.loads(ties("list", "--json").stdout) == []


def test_undo_names_your_edit_once_the_later_import_is_undone(ties, db_path, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,company\nMia Wong,Acme\n")
    second.write_text("name,company,birthday\nMia Wong,Acme,1990-04-12\n")
    ties("import", str(first))
    ties("import", str(second))
    ties("edit", "Mia", "--role", "CTO")
    ties("import", "--undo", "--batch", "2")
    refused(ties, db_path, "Mia Wong was edited")


def test_undo_refuses_naming_a_person_you_edited(ties, db_path):
    imported_pair(ties)
    ties("edit", "Ana", "--company", "Initech")
    refused(ties, db_path, "Ana Lima was edited")


def test_undo_refuses_naming_a_person_you_tagged_or_snoozed(ties, db_path):
    imported_pair(ties)
    ties("edit", "Ana", "--tag", "mentor")
    assert ties("snooze", "Bo", "--until", "2025-06-01").exit_code == 0
    refused(ties, db_path, "Ana Lima was edited; Bo Chen was edited")


def test_undo_refuses_naming_a_person_you_typed_and_also_edited(ties, db_path):
    # typing is sorting, but a type with another edit is still your edit
    imported_pair(ties)
    assert ties("edit", "Ana", "--type", "social", "--company", "Initech").exit_code == 0
    refused(ties, db_path, "Ana Lima was edited")


def test_regression_triage_of_the_people_an_import_brought_blocked_its_undo(ties, db_path):
    imported_pair(ties)
    assert ties("triage", input="2\na\n").exit_code == 0  # Ana social, Bo archived
    assert ties("edit", "Zed Old", "--type", "tactical").exit_code == 0  # not the import's
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #1: removed 2 people (2 of them sorted since, in "
                             "triage or by type or archive), 1 interaction and 1 follow-up "
                             "it created.\n")
    assert [p["name"] for p in json.loads(ties("list", "--json", "--all").stdout)] == [
        "Zed Old"]


def test_undo_refuses_naming_an_interaction_you_logged_with_someone_it_created(ties, db_path):
    imported_pair(ties)
    assert ties("log", "Bo", "Zed", "--note", "lunch").stderr.startswith("Logged #2:")
    refused(ties, db_path, "interaction #2 was logged with Bo Chen")


def test_undo_refuses_naming_a_promise_you_made_to_someone_it_created(ties, db_path):
    imported_pair(ties)
    ties("follow-up", "Ana", "call back")
    refused(ties, db_path, "follow-up #2 was added for Ana Lima")


def test_undo_refuses_naming_its_interaction_you_edited(ties, db_path):
    imported_pair(ties)
    assert ties("interaction", "edit", "1", "--note", "hello again").exit_code == 0
    refused(ties, db_path, "interaction #1 was changed")


def test_undo_refuses_naming_its_follow_up_you_kept_or_edited(ties, db_path):
    imported_pair(ties)
    assert ties("done", "1").exit_code == 0
    refused(ties, db_path, "follow-up #1 was marked done (reopen it: 'ties follow-ups edit 1 "
            "--reopen')")
    # the way out it names works: reopened, the promise is as the import left it
    assert ties("follow-ups", "edit", "1", "--reopen").exit_code == 0
    assert ties("import", "--undo").exit_code == 0


def test_undo_refusal_lists_five_changes_and_counts_the_rest(ties, db_path):
    imported_pair(ties)
    for n in range(6):
        ties("log", "Ana", "--note", f"n{n}")
    refused(ties, db_path, "interaction #2 was logged with Ana Lima; interaction #3 was logged "
            "with Ana Lima; interaction #4 was logged with Ana Lima; interaction #5 was logged "
            "with Ana Lima; interaction #6 was logged with Ana Lima; and 1 more")


def test_undo_goes_ahead_once_the_change_is_taken_back(ties, db_path):
    imported_pair(ties)
    ties("log", "Ana", "--note", "lunch")
    assert ties("import", "--undo").exit_code == 1
    assert ties("interaction", "rm", "2", "--yes").exit_code == 0
    assert ties("import", "--undo").exit_code == 0
    assert [p["name"] for p in json.loads(ties("list", "--all", "--json").stdout)] == [
        "Zed Old"]


def test_removing_someone_it_created_does_not_block_undo(ties, db_path):
    imported_pair(ties)
    assert ties("rm", "Bo", "--yes").exit_code == 0
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert rows(db_path, "SELECT name FROM person") == [("Zed Old",)]


# The property: undo after import gives back the store's export exactly ------------------

person = st.fixed_dictionaries({
    "name": st.sampled_from(NAMES),
    "company": st.sampled_from(COMPANIES),
    # several addresses and numbers, overlapping between the store and the file, so that
    # matching by a further one and adding the ones someone lacks are undone too
    "email": st.lists(st.sampled_from(["mail", "work", "home"]), unique=True, max_size=3),
    "phones": st.lists(st.sampled_from(["+1 555 0100", "+1 555 0101", "+44 20 7946 0000"]),
                       unique=True, max_size=2),
    "tags": st.lists(st.sampled_from(TAGS), unique=True, max_size=2),
})


def _emails(p) -> list[str]:
    return [f"{p['name'].split()[0].lower()}@{kind}.example" for kind in p["email"]]


def _email(p) -> str | None:
    """The primary, or None."""
    return (_emails(p) or [None])[0]


@st.composite
def stores(draw):
    """Commands that build a store by hand: people, meetings, promises, a setting."""
    people = draw(st.lists(person, max_size=4, unique_by=lambda p: p["name"]))
    commands = []
    for p in people:
        cmd = ["add", p["name"]]
        if p["company"]:
            cmd += ["--company", p["company"]]
        for e in _emails(p):
            cmd += ["--email", e]
        for phone in p["phones"]:
            cmd += ["--phone", phone]
        for t in p["tags"]:
            cmd += ["--tag", t]
        if draw(st.booleans()):
            cmd += ["--no-log"]
        commands.append(cmd)
    names = [p["name"] for p in people]
    if names:
        for n in range(draw(st.integers(0, 2))):
            who = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
            commands.append(["log", *who, "--on", f"2025-01-{n + 10}", "--note", f"met {n}"])
        for n in range(draw(st.integers(0, 2))):
            commands.append(["follow-up", draw(st.sampled_from(names)), f"promise {n}"])
    if draw(st.booleans()):
        commands.append(["config", "cadence.strategic", "40"])
    return commands


@st.composite
def import_files(draw):
    """A file in one of the formats, naming people the store may already have."""
    fmt = draw(st.sampled_from(["ties", "csv", "vcard", "linkedin"]))
    people = draw(st.lists(person, min_size=1, max_size=4))
    if fmt == "ties":
        records = [{"id": i, "name": p["name"], "company": p["company"], "email": _email(p),
                    "emails": _emails(p), "phones": p["phones"],
                    "tags": p["tags"], "role": draw(st.sampled_from([None, "CTO"]))}
                   for i, p in enumerate(people, 1)]
        ids = [r["id"] for r in records]
        interactions = [
            {"id": n, "date": f"2025-02-{n + 1:02d}", "channel": "call", "note": f"file {n}",
             "people": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2,
                                     unique=True)), "gave": draw(st.booleans())}
            for n in range(1, draw(st.integers(0, 3)) + 1)]
        promises = [{"id": n, "person": draw(st.sampled_from(ids)), "text": f"file promise {n}",
                     "created": "2025-02-01"} for n in range(1, draw(st.integers(0, 2)) + 1)]
        extra = draw(st.sampled_from([{}, {"cadence.social": "30"},
                                      {"cadence.strategic": "50"}]))
        return document(records, interactions, promises, extra)
    if fmt == "csv":
        lines = ["Full Name,Organisation,E-mail,Phone,Labels,Job Title"]
        lines += [f"{p['name']},{p['company'] or ''},{' ::: '.join(_emails(p))},"
                  f"{' ::: '.join(p['phones'])},{'; '.join(p['tags'])},"
                  f"{draw(st.sampled_from(['', 'CTO']))}" for p in people]
        return "\n".join(lines) + "\n"
    if fmt == "vcard":
        cards = []
        for p in people:
            card = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{p['name']}"]
            if p["company"]:
                card.append(f"ORG:{p['company']}")
            card += [f"EMAIL:{e}" for e in _emails(p)]
            card += [f"TEL:{phone}" for phone in p["phones"]]
            if p["tags"]:
                card.append(f"CATEGORIES:{','.join(p['tags'])}")
            cards += [*card, "END:VCARD"]
        return "\r\n".join(cards) + "\r\n"
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for p in people:
        first, last = p["name"].split()
        handle = draw(st.sampled_from(["", f"https://www.linkedin.com/in/{first.lower()}"]))
        lines.append(f"{first},{last},{handle},{_email(p) or ''},{p['company'] or ''},CTO,"
                     "01 Jan 2024")
    return "\n".join(lines) + "\n"


HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=10, suppress_health_check=HEALTH)
@given(commands=stores(), data=import_files())
# Found by hypothesis on PostgreSQL: a follow-up whose person in the file matched no one
# here for certain was inserted with no person (NotNullViolation, exit 1).
@example(commands=[["add", "Bo Chen"], ["add", "Ana Lima", "--email", "ana@mail.example"],
                   ["log", "Bo Chen", "--on", "2025-01-10", "--note", "met 0"]],
         data='{"format": "ties", "version": 1, "people": ['
              '{"id": 1, "name": "Ana Lima"}, {"id": 2, "name": "Ana Lima"}, '
              '{"id": 3, "name": "Ana Lima", "company": "Globex", '
              '"email": "ana@mail.example"}, {"id": 4, "name": "Ana Lima"}], '
              '"follow_ups": [{"id": 1, "person": 1, "text": "file promise 1", '
              '"created": "2025-02-01"}]}')
def test_undo_after_any_import_gives_back_the_exact_export(ties, tmp_path_factory, commands,
                                                          data):
    _undo_gives_back_the_export(ties, tmp_path_factory, commands, data)


@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=HEALTH)
@given(commands=stores(), data=import_files())
def test_undo_after_any_import_deep_run(ties, tmp_path_factory, commands, data):
    _undo_gives_back_the_export(ties, tmp_path_factory, commands, data)


def _undo_gives_back_the_export(ties, tmp_path_factory, commands, data) -> None:
    with fresh_store(tmp_path_factory, "undo") as store:
        db = location(store)
        for cmd in commands:
            result = ties("--db", db, *cmd)
            assert result.exit_code == 0, (cmd, result.stderr)
        before = ties("--db", db, "export")
        assert before.exit_code == 0, before.stderr
        imported = ties("--db", db, "import", "-", input=data)
        assert imported.exit_code == 0, imported.stderr
        if "as import #" not in imported.stderr:  # nothing new in the file: nothing to undo
            assert comparable(ties("--db", db, "export").stdout) == comparable(before.stdout)
            return
        undone = ties("--db", db, "import", "--undo")
        assert undone.exit_code == 0, undone.stderr
        after = ties("--db", db, "export")
        assert after.exit_code == 0, after.stderr
        assert comparable(after.stdout) == comparable(before.stdout)


def test_undo_refuses_naming_its_follow_up_you_reworded_or_rescheduled(ties, db_path):
    imported_pair(ties)
    assert ties("follow-ups", "edit", "1", "--due", "yesterday").exit_code == 0
    refused(ties, db_path, "follow-up #1 was changed")


def test_undo_after_you_deleted_its_follow_up_takes_back_the_rest(ties, db_path):
    imported_pair(ties)
    assert ties("follow-ups", "rm", "1", "--yes").exit_code == 0
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert [p["name"] for p in json.loads(ties("list", "--json").stdout)] == ["Zed Old"]
    assert rows(db_path, "SELECT count(*) FROM follow_up") == [(0,)]
