"""One specification of a person's fields (ties.core.personfields) drives import, merge,
profile reads, JSON and CSV export, the ties JSON reader, generic CSV headers and the
add/edit options: each of those lists is derived from it, and a field added to it
reaches every one."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ties.core import personfields as pf


def test_every_list_of_person_fields_is_the_one_derived_from_the_spec():
    from ties.cli import people
    from ties.core import reconcile
    from ties.formats.importers import csvfiles, tiesjson
    from ties.storage import store

    assert reconcile.IMPORT_FIELDS is pf.IMPORT_FIELDS
    assert store.IMPORT_FIELDS is pf.IMPORT_FIELDS
    assert tiesjson.PROFILE_KEYS is pf.CHECKED_KEYS
    assert csvfiles.GENERIC is pf.CSV_HEADERS
    assert people.PROFILE_OPTIONS is pf.OPTIONS


def test_a_field_added_to_the_spec_reaches_every_path():
    spec = (*pf.SPEC, pf.PersonField("pronouns", option="pronouns",
                                     headers=("pronouns", "pronoun")))
    assert pf.import_fields(spec)[-1] == "pronouns"
    assert pf.merged_fields(spec)[-1] == "pronouns"
    assert pf.profile_fields(spec)[-1] == "pronouns"
    assert pf.json_keys(spec)[-1] == "pronouns"
    assert pf.csv_columns(spec)[-3:] == ("pronouns", "last_contact", "interactions")
    assert pf.checked_keys(spec)[-1] == "pronouns"
    assert pf.csv_headers(spec)["pronouns"] == ["pronouns", "pronoun"]
    assert pf.options(spec)["pronouns"] == "pronouns"


def test_a_field_kept_off_a_path_stays_off_it():
    spec = tuple(replace(f, merged=False) if f.name == "company" else f for f in pf.SPEC)
    assert "company" not in pf.merged_fields(spec)
    assert "company" in pf.import_fields(spec)


def test_the_derived_lists_are_those_ties_has_always_used():
    """Pinned: exports, imports and merges stay byte for byte what they were."""
    assert pf.IMPORT_FIELDS == (
        "type", "company", "role", "industry", "location", "email", "phone", "linkedin",
        "met", "notes", "working_on", "struggles", "cares_about", "birthday_year",
        "birthday_month", "birthday_day", "cadence_days", "connected_on")
    assert pf.MERGED_FIELDS == tuple(f for f in pf.IMPORT_FIELDS if f != "notes")
    assert pf.PROFILE_FIELDS == (
        "id", "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "met", "notes", "working_on", "struggles", "cares_about", "birthday_year",
        "birthday_month", "birthday_day", "cadence_days", "created", "archived",
        "snoozed_until")
    assert pf.PERSON_KEYS == (
        "id", "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "tags", "met", "notes", "working_on", "struggles", "cares_about",
        "birthday", "every_days", "created", "archived", "snoozed_until", "connected_on",
        "updated_at")
    assert pf.CSV_COLUMNS == (
        "name", "type", "company", "role", "industry", "location", "email", "phone",
        "linkedin", "tags", "met", "notes", "working_on", "struggles", "cares_about",
        "birthday", "every", "created", "archived", "snoozed_until", "connected_on",
        "last_contact", "interactions")
    assert pf.CHECKED_KEYS == (
        "type", "company", "role", "industry", "location", "email", "phone", "linkedin",
        "met", "notes", "working_on", "struggles", "cares_about", "birthday")
    assert list(pf.CSV_HEADERS)[:4] == ["name", "first", "last", "type"]
    assert list(pf.OPTIONS.items())[:2] == [("new_name", "name"), ("type_", "type")]
    assert pf.OPTIONS["note"] == "notes"


def test_the_person_model_has_a_column_for_every_stored_field_and_no_other():
    from ties.storage.models import Person

    stored = {c for f in pf.SPEC if f.name != "tags" for c in f.stored}
    kept_by_ties = {"name_key", "import_id", "import_digest"}  # derived or bookkeeping
    assert set(Person.model_fields) == stored | kept_by_ties


# Every consumer of the spec, pinned byte for byte on a person with every field set (and
# one with a birthday without a year, snoozed and archived): the outputs in
# tests/fixtures/personfields were made before the spec drove them, and must not change.
GOLDEN = Path(__file__).parent / "fixtures" / "personfields"
OUTPUTS = {
    "show-ana.txt": ("show", "Ana"), "show-bo.txt": ("show", "Bo"),
    "show-ana.json": ("show", "Ana", "--json"), "list.json": ("list", "--all", "--json"),
    "export.json": ("export", "--format", "json"), "export.csv": ("export", "--format", "csv"),
    "export.vcard": ("export", "--format", "vcard"),
    "export.markdown": ("export", "--format", "markdown"),
}


def _every_field_set(ties) -> None:
    for args in (("add", "Ana Lima", "--type", "strategic", "--company", "Globex", "--role",
                  "CTO", "--industry", "software", "--location", "Lisbon", "--email",
                  "ana@example.com", "--phone", "+351 1", "--linkedin", "analima", "--tag",
                  "pycon", "--tag", "crdt", "--met", "PyCon, her talk", "--on", "2 weeks ago",
                  "--note", "likes tea", "--working-on", "a book", "--struggles", "hiring",
                  "--cares-about", "rural clinics", "--birthday", "1990-04-12", "--every",
                  "3w"),
                 ("add", "Bo", "--birthday", "--05-02"), ("snooze", "Bo", "--for", "2w"),
                 ("archive", "Bo")):
        assert ties(*args).exit_code == 0


@pytest.mark.parametrize("golden", sorted(OUTPUTS))
def test_every_consumer_of_the_spec_prints_what_it_printed_before(ties, golden):
    _every_field_set(ties)
    result = ties(*OUTPUTS[golden])
    assert result.exit_code == 0
    out = re.sub(r'"exported_at": "[^"]*"', '"exported_at": "X"',
                 result.stdout_bytes.decode("utf-8"))
    clock = r"(\d{4}-\d\d-\d\d)[ T]\d\d:\d\d:\d\d[.\d]*"  # today pinned, the time not
    assert re.sub(clock, r"\1 X", out) == \
        re.sub(clock, r"\1 X", (GOLDEN / golden).read_bytes().decode("utf-8"))
