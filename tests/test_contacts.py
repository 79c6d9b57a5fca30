"""Every email address and phone number of a person (issue 14, item 2): the pure list rules
(core/contacts.py), matching by any address, and each path through the real CLI: add,
edit, show, list, import (and its undo), merge, duplicates, export and back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import dump, execute, rows
from ties.core import contacts, merging, reconcile
from ties.core.errors import BadValue
from ties.core.identity import Index
from ties.formats.importers import Record

# The pure rules ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "a", "b", "same"), [
    ("email", "Ana@Example.com", "ana@example.COM", True),
    ("email", "ana@example.com", "ana@example.co", False),
    ("phone", "+351 555 0101", "+3515550101", True),
    ("phone", "+351 (555) 01-01", "+351.555.0101", True),
    ("phone", "+351 555 0101", "351 555 0101", False),  # the + is part of the number
    ("phone", "555 0101", "555 0102", False),
    ("phone", "ask reception", "ASK RECEPTION", True),  # no digits: compared as written
])
def test_two_spellings_are_one_address_exactly_when_their_keys_agree(kind, a, b, same):
    assert (contacts.key(kind, a) == contacts.key(kind, b)) is same


def test_unique_keeps_the_first_spelling_in_order_and_drops_empty_ones():
    assert contacts.unique("email", ["b@x.example", None, "", "B@X.example",
                                     "a@x.example"]) == ["b@x.example", "a@x.example"]


def test_edit_replaces_then_removes_then_adds_and_keeps_the_primary_first():
    have = ["a@x.example", "b@x.example"]
    assert contacts.edited("email", have, add=["c@x.example", "A@X.example"]) == [
        "a@x.example", "b@x.example", "c@x.example"]
    assert contacts.edited("email", have, remove=["A@x.example"]) == ["b@x.example"]
    assert contacts.edited("email", have, replace=["z@x.example"], add=["b@x.example"]) == [
        "z@x.example", "b@x.example"]
    assert contacts.edited("email", have, replace=[]) == []


def test_removing_an_address_they_do_not_have_is_refused_naming_theirs():
    with pytest.raises(BadValue, match=r"Ana has no email address 'c@x.example' \(theirs: "
                                       r"a@x.example\)"):
        contacts.edited("email", ["a@x.example"], remove=["c@x.example"], whose="Ana")


addresses = st.lists(st.from_regex(r"[a-cA-C]{1,2}@[xy]\.example", fullmatch=True),
                     max_size=6)


@settings(max_examples=30, deadline=None)
@given(addresses, addresses)
def test_a_merge_loses_no_address_and_keeps_the_kept_ones_order(kept, other):
    kept = contacts.unique("email", kept)
    both = contacts.merged("email", kept, other)
    assert both[:len(kept)] == kept
    assert {contacts.key("email", a) for a in kept + other} == {
        contacts.key("email", a) for a in both}
    assert len({contacts.key("email", a) for a in both}) == len(both)


def test_identity_recognises_someone_by_any_of_their_addresses_case_ignored():
    index = Index()
    index.add(1, key="ana lima", company=None, email="ana@work.example", linkedin=None,
              emails=["Ana@Home.example"])
    index.add(2, key="bo", company=None, email=None, linkedin=None)
    assert index.recognise(key="x", company=None, email=None, linkedin=None,
                           emails=["nobody@x.example", "ana@home.EXAMPLE"]) == (1, "same email")
    assert index.match(key="x", company=None, email="ANA@work.example", linkedin=None) == 1
    assert index.match(key="x", company=None, email=None, linkedin=None,
                       emails=["other@x.example"]) is None


def test_duplicates_pairs_people_sharing_any_address():
    rows_ = [(1, "Ana", "ana", None, ["a@work.example", "a@home.example"], None),
             (2, "A. Lima", "a. lima", None, ["A@HOME.example"], None),
             (3, "Bo", "bo", None, [], None)]
    assert [(p.a, p.b, p.reason) for p in merging.likely_duplicates(rows_)] == [
        (1, 2, "same email")]


@pytest.mark.parametrize("theirs, paired", [
    (["+44 20 7946 0958"], True),       # the same number, written with spaces
    (["+442079460958"], True),
    (["020 7946 0958"], False),        # no country code: another key, not guessed
    (["123456"], False),               # six digits: an extension, never a pair
])
def test_duplicates_pairs_people_sharing_a_phone_number_of_seven_digits_or_more(theirs,
                                                                                paired):
    """Issue 14 item 2 (the new-user review): matching used no phone number. A shared
    number is a suggestion for 'ties duplicates', never an import's match (a switchboard
    is many people's)."""
    rows_ = [(1, "Phil Phone", "phil phone", None, [], None, ["+1 555 0100", "+44 20 7946 0958"]),
             (2, "Philip P.", "philip p.", None, [], None, theirs),
             (3, "Cy", "cy", None, [], None, ["123456"])]
    pairs = [(p.a, p.b, p.reason) for p in merging.likely_duplicates(rows_)]
    assert pairs == ([(1, 2, "same phone number")] if paired else [])


def test_ties_duplicates_names_a_shared_phone_number(ties):
    ties("add", "Phil Phone", "--phone", "+1 555 0100", "--phone", "+44 20 7946 0958",
         "--no-log")
    ties("add", "Dup Number", "--phone", "+44 (20) 7946-0958", "--no-log")
    result = ties("duplicates")
    assert result.exit_code == 0
    assert "same phone number" in result.stdout


def _here(**person):
    person = {"id": 7, "name": "Ana Lima", **person}
    index = Index()
    index.add(7, key="ana lima", company=person.get("company"), email=person.get("email"),
              linkedin=None, emails=person.get("emails", []))
    current = {7: {**{k: None for k in reconcile.IMPORT_FIELDS}, "tags": [], **person}}
    return index, current


def test_an_import_adds_a_new_address_after_theirs_instead_of_a_conflict():
    index, current = _here(email="ana@work.example", emails=["ana@work.example"])
    record = Record("Ana Lima", "card 1", {"email": "ana@home.example"},
                    emails=["ana@home.example", "ANA@WORK.example"], phones=["+1 555 0100"])
    plan = reconcile.plan([record], index, current)
    (update,) = plan.updates
    assert update.reason == "same email"
    assert update.changes == {"email:ana@home.example": "ana@home.example",
                              "phone": "+1 555 0100"}
    assert plan.conflicts == []


def test_the_same_address_in_another_case_is_unchanged_not_a_conflict():
    index, current = _here(email="ana@work.example", emails=["ana@work.example"])
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"email": "ANA@Work.Example"},
                                  emails=["ANA@Work.Example"])], index, current)
    assert [u.person_id for u in plan.unchanged] == [7]
    assert plan.conflicts == []


def test_an_import_fills_an_empty_primary_first_then_adds_the_rest():
    index, current = _here(company="Acme")
    plan = reconcile.plan([Record("Ana Lima", "row 2", {"company": "Acme"},
                                  emails=["a@x.example", "b@x.example"])], index, current)
    assert plan.updates[0].changes == {"email": "a@x.example", "email:b@x.example": "b@x.example"}


def test_one_person_twice_in_a_file_is_created_once_with_every_address():
    index, current = Index(), {}
    plan = reconcile.plan([
        Record("Ana Lima", "row 2", {"email": "a@x.example"}, emails=["a@x.example"]),
        Record("Ana L", "row 3", {"email": "b@x.example"}, emails=["b@x.example",
                                                                   "A@x.example"]),
        Record("Ana", "row 4", {}, emails=["b@x.example"], phones=["+1 555 0100"])],
        index, current)
    (create,) = plan.creates
    assert create.contacts == {"email": ["a@x.example", "b@x.example"],
                               "phone": ["+1 555 0100"]}
    assert (create.values["email"], create.values["phone"]) == ("a@x.example", "+1 555 0100")
    assert create.positions == ["row 2", "row 3", "row 4"]


def test_a_merge_plan_takes_the_union_with_the_kept_primary_first_and_no_note():
    keep = {"name": "Ana", "emails": ["a@x.example"], "phones": [], "email": "a@x.example",
            "phone": None, "tags": []}
    other = {"name": "A", "emails": ["b@x.example", "A@X.example"], "phones": ["+1 2"],
             "email": "b@x.example", "phone": "+1 2", "tags": []}
    plan = merging.plan(keep, other)
    assert plan.contacts == {"email": ["a@x.example", "b@x.example"], "phone": ["+1 2"]}
    assert "email" not in plan.take and plan.keep == [] and plan.notes is None


# Through the CLI -------------------------------------------------------------------------

def show(ties, name="Ana"):
    result = ties("show", name, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def lists(ties, name="Ana"):
    data = show(ties, name)
    return data["emails"], data["phones"]


@pytest.fixture
def ana(ties):
    result = ties("add", "Ana Lima", "--email", "ana@work.example", "--email",
                  "ana@home.example", "--email", "ANA@work.example", "--phone", "+351 555 0101",
                  "--phone", "+351 555 0199")
    assert result.exit_code == 0, result.stderr


def test_add_keeps_every_address_once_the_first_as_the_primary(ties, ana):
    data = show(ties)
    assert (data["email"], data["emails"]) == ("ana@work.example",
                                               ["ana@work.example", "ana@home.example"])
    assert (data["phone"], data["phones"]) == ("+351 555 0101",
                                               ["+351 555 0101", "+351 555 0199"])


def test_show_lists_every_address_the_primary_first(ties, ana):
    out = ties("show", "Ana").stdout
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Email"))
    assert lines[at].split() == ["Email", "ana@work.example"]
    assert lines[at + 1].split() == ["ana@home.example"]
    assert lines[at + 2].split() == ["Phone", "+351", "555", "0101"]
    assert lines[at + 3].split() == ["+351", "555", "0199"]


def test_list_json_gives_email_as_the_primary_and_emails_as_all(ties, ana):
    (row,) = json.loads(ties("list", "--json").stdout)
    assert (row["email"], row["emails"]) == ("ana@work.example",
                                             ["ana@work.example", "ana@home.example"])


def test_list_search_finds_someone_by_a_further_address_or_number(ties, ana):
    ties("add", "Bo Chen")
    for text in ("home.example", "0199", "0101"):
        result = ties("list", "--search", text, "--json")
        assert [r["name"] for r in json.loads(result.stdout)] == ["Ana Lima"], text
    assert json.loads(ties("list", "--search", "nowhere.example", "--json").stdout) == []


def test_edit_add_and_remove_one_address_keep_the_others(ties, ana):
    assert ties("edit", "Ana", "--add-email", "a.lima@new.example", "--remove-email",
                "ANA@HOME.example", "--remove-phone", "+3515550101").exit_code == 0
    assert lists(ties) == (["ana@work.example", "a.lima@new.example"], ["+351 555 0199"])


def test_removing_the_primary_makes_the_next_one_the_primary(ties, ana):
    assert ties("edit", "Ana", "--remove-email", "ana@work.example").exit_code == 0
    data = show(ties)
    assert (data["email"], data["emails"]) == ("ana@home.example", ["ana@home.example"])


def test_edit_email_replaces_the_whole_list_and_an_empty_one_clears_it(ties, ana):
    assert ties("edit", "Ana", "--email", "new@x.example", "--email",
                "ana@home.example").exit_code == 0
    assert lists(ties)[0] == ["new@x.example", "ana@home.example"]
    assert ties("edit", "Ana", "--phone", "").exit_code == 0
    data = show(ties)
    assert (data["phone"], data["phones"]) == (None, [])


def test_edit_removing_an_address_they_lack_is_refused_and_changes_nothing(ties, ana,
                                                                          db_path):
    before = dump(db_path)
    result = ties("edit", "Ana", "--company", "Acme", "--remove-email", "bo@x.example")
    assert result.exit_code == 1
    assert result.stderr == ("ties: Ana Lima has no email address 'bo@x.example' (theirs: "
                             "ana@work.example, ana@home.example). Nothing was changed.\n")
    assert dump(db_path) == before


def test_edit_adding_an_address_they_have_changes_nothing(ties, ana, db_path):
    before = dump(db_path)
    result = ties("edit", "Ana", "--add-email", "ANA@home.example")
    assert result.exit_code == 0
    assert "already has those details; nothing changed" in result.stderr
    assert dump(db_path) == before


def test_an_invalid_address_among_several_is_refused_naming_it(ties, db_path):
    result = ties("add", "Ana", "--email", "a@x.example", "--email", "not-an-address")
    assert result.exit_code == 1
    assert "'not-an-address' doesn't look like an email address" in result.stderr
    assert json.loads(ties("list", "--json").stdout) == []


VCARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL;TYPE=work:ana@work.example\r\n"
         "EMAIL;TYPE=home,pref:ana@home.example\r\nTEL;TYPE=cell:+351 555 0101\r\n"
         "TEL:+351 555 0199\r\nEND:VCARD\r\n")


def test_a_vcard_import_stores_every_address_the_preferred_first(ties):
    assert ties("import", "-", input=VCARD).exit_code == 0
    assert lists(ties) == (["ana@home.example", "ana@work.example"],
                           ["+351 555 0101", "+351 555 0199"])


def test_a_vcard_4_pref_number_orders_the_addresses():
    from ties.formats.importers import read

    card = ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana\r\nEMAIL;PREF=3:c@x.example\r\n"
            "EMAIL:d@x.example\r\nEMAIL;PREF=1:a@x.example\r\nEMAIL;PREF=2:b@x.example\r\n"
            "END:VCARD\r\n")
    (ana,) = read(card.encode(), "a.vcf").records
    assert ana.emails == ["a@x.example", "b@x.example", "c@x.example", "d@x.example"]


def test_an_import_matching_by_a_further_address_adds_the_new_one_and_undo_takes_just_it(
        ties, ana, db_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A. Lima\r\nEMAIL:ANA@HOME.example\r\n"
            "EMAIL:ana@third.example\r\nTEL:+351 555 0200\r\nEND:VCARD\r\n")
    result = ties("import", "-", input=card)
    assert result.exit_code == 0, result.stderr
    assert "0 created, 1 updated" in result.stderr
    assert lists(ties) == (["ana@work.example", "ana@home.example", "ana@third.example"],
                           ["+351 555 0101", "+351 555 0199", "+351 555 0200"])
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]
    assert ties("import", "--undo").exit_code == 0
    assert lists(ties) == (["ana@work.example", "ana@home.example"],
                           ["+351 555 0101", "+351 555 0199"])
    ties_rows = rows(db_path, "SELECT person_id, kind, position, value FROM person_contact "
                              "ORDER BY 1, 2, 3")
    assert ties_rows == [(1, "email", 1, "ana@home.example"), (1, "phone", 1, "+351 555 0199")]


def test_undo_of_an_import_that_filled_the_primary_promotes_no_stray_address(ties, db_path):
    ties("add", "Ana Lima", "--company", "Acme")
    csv_text = "Name,Company,Email\nAna Lima,Acme,a@x.example\n"
    assert ties("import", "-", input=csv_text).exit_code == 0
    assert ties("edit", "Ana", "--add-email", "mine@x.example").exit_code == 0
    assert ties("import", "--undo").exit_code == 0
    data = show(ties)
    assert (data["email"], data["emails"]) == ("mine@x.example", ["mine@x.example"])


def test_undo_is_refused_when_you_added_an_address_to_someone_it_created(ties, db_path):
    assert ties("import", "-", input=VCARD).exit_code == 0
    assert ties("edit", "Ana", "--add-email", "mine@x.example").exit_code == 0
    before = dump(db_path)
    result = ties("import", "--undo")
    assert result.exit_code == 1
    assert "Ana Lima was edited" in result.stderr
    assert dump(db_path) == before


def test_merge_keeps_every_address_of_both_the_kept_primary_first(ties, ana):
    ties("add", "A. Lima", "--another", "--email", "lima@old.example", "--email",
         "ana@home.example", "--phone", "+1 555 0100")
    result = ties("merge", "Ana Lima", "A. Lima", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "email addresses: add lima@old.example" in result.stderr
    assert lists(ties) == (["ana@work.example", "ana@home.example", "lima@old.example"],
                           ["+351 555 0101", "+351 555 0199", "+1 555 0100"])
    assert "lima@old.example" not in (show(ties)["notes"] or "")


def test_duplicates_pairs_people_sharing_a_further_address(ties, ana):
    ties("add", "Someone Else", "--email", "other@x.example", "--email", "Ana@Home.example")
    result = ties("duplicates", "--json")
    assert json.loads(result.stdout) == [{"a": {"id": 1, "name": "Ana Lima"},
                                          "b": {"id": 2, "name": "Someone Else"},
                                          "reason": "same email"}]


def test_json_export_keeps_every_address_and_reads_them_back(ties, ana, tmp_path, monkeypatch):
    exported = ties("export").stdout
    (person,) = json.loads(exported)["people"]
    assert (person["email"], person["emails"]) == ("ana@work.example",
                                                   ["ana@work.example", "ana@home.example"])
    assert person["phones"] == ["+351 555 0101", "+351 555 0199"]
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=exported).exit_code == 0  # a restore into an empty store
    assert lists(ties) == (["ana@work.example", "ana@home.example"],
                           ["+351 555 0101", "+351 555 0199"])
    ties("add", "Bo")
    assert ties("import", "-", input=exported.replace('"ana@home.example"',
                                                      '"ana@new.example"')).exit_code == 0
    assert lists(ties)[0] == ["ana@work.example", "ana@home.example", "ana@new.example"]


def test_csv_export_puts_the_primary_alone_and_the_rest_in_other_columns_and_reads_back(
        ties, ana, tmp_path, monkeypatch):
    text = ties("export", "--format", "csv").stdout
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["email"], row["other_emails"]) == ("ana@work.example", "ana@home.example")
    # a cell starting with + is neutralised for spreadsheets; ties' import takes the ' off
    assert (row["phone"], row["other_phones"]) == ("'+351 555 0101", "'+351 555 0199")
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=text).exit_code == 0
    assert lists(ties) == (["ana@work.example", "ana@home.example"],
                           ["+351 555 0101", "+351 555 0199"])


def test_vcard_export_writes_one_line_each_pref_on_the_primary_and_reads_back(
        ties, ana, tmp_path, monkeypatch):
    text = ties("export", "--format", "vcard").stdout
    assert [line for line in text.splitlines() if line.startswith(("EMAIL", "TEL"))] == [
        "EMAIL;PREF=1:ana@work.example", "EMAIL:ana@home.example",
        "TEL;PREF=1:+351 555 0101", "TEL:+351 555 0199"]
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=text).exit_code == 0
    assert lists(ties) == (["ana@work.example", "ana@home.example"],
                           ["+351 555 0101", "+351 555 0199"])


def test_markdown_export_names_every_address(ties, ana):
    text = ties("export", "--format", "markdown").stdout
    assert "- **Email:** ana@work.example, ana@home.example" in text


def test_an_invalid_further_address_in_a_file_is_left_out_with_a_note(ties):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEMAIL;TYPE=pref:ana@x.example\r\n"
            "EMAIL:ÑÑÑÑ\r\nEND:VCARD\r\n")
    result = ties("import", "-", input=card)
    assert result.exit_code == 0, result.stderr
    assert "left out: card 1 (Ana Lima), email: 'ÑÑÑÑ' doesn't look like an email address" \
        in result.stderr
    assert lists(ties)[0] == ["ana@x.example"]


@pytest.mark.sqlite_only  # PostgreSQL's typed columns can't hold these
@pytest.mark.parametrize(("column", "value", "said"), [
    ("value", b"\x1b[2J", "a BLOB of 4 bytes where text belongs"),
    ("value", " ", "an empty address"),
    ("kind", "fax", "'fax' is neither email nor phone"),
])
def test_a_damaged_further_address_is_read_safely_and_named_by_doctor(ties, ana, db_path,
                                                                      column, value, said):
    execute(db_path, f"UPDATE person_contact SET {column} = ? WHERE kind = 'email'", (value,))
    for args in (("show", "Ana"), ("show", "Ana", "--json"), ("list", "--search", "x"),
                 ("export",), ("export", "--format", "vcard"), ("duplicates",)):
        result = ties(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "\x1b" not in result.stdout
    doctor = ties("doctor")
    assert doctor.exit_code == 1
    assert f"person_contact 1 {column}: {said}" in doctor.stderr + doctor.stdout


def _junk_cards(n: int) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P{i}\r\nEMAIL:p{i}@x.example\r\n"
                   f"EMAIL:junk {i}\r\nEND:VCARD\r\n" for i in range(n))


@pytest.mark.parametrize(("n", "listed", "more"), [(10, 10, None), (11, 10, 1)])
def test_at_most_ten_left_out_further_addresses_are_listed_then_counted(ties, n, listed,
                                                                       more):
    result = ties("import", "-", input=_junk_cards(n))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len([line for line in lines if line.startswith("  left out: card ")]) == listed
    tail = [line for line in lines if "more invalid further addresses" in line]
    assert tail == ([f"  ... and {more} more invalid further addresses and numbers, left out"]
                    if more else [])
